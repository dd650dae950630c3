import { type WebhookScheme, WebhookVerificationError } from './errors.js'

/** The exact bytes of a request body. A Node `Buffer` is a `Uint8Array`. */
export type RawBody = string | Uint8Array

const encoder = new TextEncoder()

/**
 * The bytes a signature covers. A string is encoded as UTF-8; a `Uint8Array` (or `Buffer`) is used as is,
 * without a copy; an `ArrayBuffer` or other typed-array view is wrapped. Anything else, in particular a
 * parsed JSON object, is refused with reason `invalid_body`: re-serialising JSON changes the bytes.
 * `scheme` only labels the error (the verifiers pass their own).
 */
export function toBytes(body: unknown, scheme: WebhookScheme = 'hmac'): Uint8Array {
  if (body instanceof Uint8Array) return body
  if (typeof body === 'string') return encoder.encode(body)
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  throw new WebhookVerificationError(
    `Webhook payload must be the raw request body (string, Buffer or Uint8Array), got ${describe(body)}. Parsing and re-serialising JSON changes the bytes and breaks the signature: read the raw body (express.raw(), request.arrayBuffer(), …).`,
    { reason: 'invalid_body', scheme },
  )
}

// The type only, never the value: a body may be large, and the message goes to logs.
function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value !== 'object') return typeof value
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor
    ?.name
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `object (${name})` : 'object'
}
