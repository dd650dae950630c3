import { invalidOption } from '../errors.js'
import { type VerifiedWebhook, WebhookVerificationError } from './errors.js'
import type { HeaderBag } from './headers.js'
import { hmacVerifier, type verifyHmacSignature } from './hmac.js'
import { headerName, prepareKeys } from './hmac-core.js'
import { standardWebhookVerifier, type verifyStandardWebhook } from './standard-webhooks.js'
import { timestampedVerifier, type verifyTimestampedSignature } from './timestamped.js'

type Options<F extends (...args: never[]) => unknown> = Parameters<F>[2]

/**
 * Your own check: throw WebhookVerificationError to refuse (401). It may carry `checkHeaders`, run before
 * the body is read, so that a request without credentials costs no body buffering, and
 * `credentialHeaders`, the headers it reads credentials from (redacted from what hooks receive).
 */
export type WebhookVerifyFunction = ((
  body: Uint8Array,
  headers: HeaderBag,
) => VerifiedWebhook | Promise<VerifiedWebhook>) & {
  checkHeaders?: (headers: HeaderBag) => void
  credentialHeaders?: readonly string[]
}

/** How a handler checks a request: one of the three schemes, your own function, or `'none'` (say so explicitly). */
export type WebhookVerifier =
  | ({ scheme: 'standard-webhooks' } & Options<typeof verifyStandardWebhook>)
  | ({ scheme: 'hmac' } & Options<typeof verifyHmacSignature>)
  | ({ scheme: 'timestamped' } & Options<typeof verifyTimestampedSignature>)
  | WebhookVerifyFunction
  | 'none'

/**
 * @internal A verifier split in two: what the headers alone decide (before the body is read), then the
 * body's signature, given what `checkHeaders` read.
 */
export interface RequestVerifier {
  checkHeaders(headers: HeaderBag): unknown
  verify(body: Uint8Array, headers: HeaderBag, checked: unknown): VerifiedWebhook | Promise<VerifiedWebhook>
  credentialHeaders: readonly string[]
}

/** Keys, clock and header names are checked and prepared once, when the handler is created. */
// Verifier options are checked when the handler is created: the errors name createWebhookHandler.
const OWNER = 'createWebhookHandler'

function split<H>(
  verifier: { read(headers: HeaderBag): H; match(bytes: Uint8Array, read: H): VerifiedWebhook },
  credentialHeaders: readonly string[],
): RequestVerifier {
  return {
    checkHeaders: (headers) => verifier.read(headers),
    verify: (body, _headers, checked) => verifier.match(body, checked as H),
    credentialHeaders,
  }
}

/**
 * Shortest secrets accepted by a handler. HMAC keys shorter than the hash's output weaken it (RFC 2104
 * recommends at least its length); Standard Webhooks recommends 24–64 random bytes.
 */
const MIN_SECRET_BYTES = { hmac: 16, timestamped: 16, 'standard-webhooks': 24 } as const

/**
 * @internal Checks a verifier's configuration (secrets, their length, tolerance, header names) once, when
 * the handler is created, and returns it split in two. Undefined for `'none'`.
 */
export function toRequestVerifier(verifier: WebhookVerifier): RequestVerifier | undefined {
  if (verifier === 'none') return undefined
  if (typeof verifier === 'function') {
    return {
      checkHeaders: verifier.checkHeaders ?? (() => {}),
      verify: (body, headers) => verifier(body, headers),
      credentialHeaders: verifier.credentialHeaders ?? [],
    }
  }
  const scheme = (verifier as { scheme: unknown }).scheme
  if (
    verifier.scheme === 'standard-webhooks' ||
    verifier.scheme === 'hmac' ||
    verifier.scheme === 'timestamped'
  ) {
    checkSecrets(verifier.scheme, verifier.secret)
  }
  switch (verifier.scheme) {
    case 'standard-webhooks':
      return split(standardWebhookVerifier(verifier), ['webhook-signature'])
    case 'hmac':
      if (verifier.idHeader !== undefined) headerName(verifier.idHeader, '', 'verify.idHeader', OWNER)
      return split(hmacVerifier(verifier), [
        headerName(verifier.header, 'x-signature', 'verify.header', OWNER),
      ])
    case 'timestamped':
      if (verifier.idHeader !== undefined) headerName(verifier.idHeader, '', 'verify.idHeader', OWNER)
      return split(timestampedVerifier(verifier), [
        headerName(verifier.header, 'x-signature', 'verify.header', OWNER),
      ])
    default:
      throw invalidOption(OWNER, 'verify.scheme', `unknown webhook scheme "${String(scheme)}"`)
  }
}

/** A bad or short secret is a configuration mistake: fail when the handler is created, not on the first request. */
function checkSecrets(scheme: keyof typeof MIN_SECRET_BYTES, secret: unknown): void {
  let keys: ReturnType<typeof prepareKeys>
  try {
    keys = prepareKeys(secret, scheme, scheme === 'standard-webhooks' ? 'base64' : 'utf8')
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error
    const reason = error.message.startsWith(`${scheme}: `)
      ? error.message.slice(scheme.length + 2)
      : error.message
    throw invalidOption(OWNER, 'verify.secret', `${reason} (${scheme})`, { cause: error })
  }
  const min = MIN_SECRET_BYTES[scheme]
  keys.forEach((key, i) => {
    const size = key.symmetricKeySize ?? 0
    if (size >= min) return
    const label = keys.length === 1 ? 'the secret' : `secret #${i + 1} of ${keys.length}`
    const what = scheme === 'standard-webhooks' ? 'decodes to' : 'is'
    throw invalidOption(
      OWNER,
      'verify.secret',
      `${label} ${what} ${size} bytes; at least ${min} random bytes are required (${scheme})`,
    )
  })
}
