import { invalidOption } from '../errors.js'
import { type Secrets, type VerifiedWebhook, WebhookVerificationError } from './errors.js'
import type { HeaderBag } from './headers.js'
import {
  computeMac,
  decodeHex,
  headerName,
  matchSignature,
  noMatch,
  prepareKeys,
  requireHeader,
  signatureKey,
  verifyOnce,
} from './hmac-core.js'
import { type RawBody, toBytes } from './raw-body.js'

export interface HmacVerifyOptions {
  /** One secret, or several during a rotation. Used as UTF-8 bytes, as GitHub does. */
  secret: Secrets
  /** Default `'x-signature'`; `'x-hub-signature-256'` for GitHub. */
  header?: string
  /** Default `''`; `'sha256='` for GitHub. When set, it is required. */
  prefix?: string
  /** A delivery-id header (e.g. `'x-github-delivery'`): reported as `id`, and required. Not the replay key: it is not signed. */
  idHeader?: string
}

export interface HmacSignOptions {
  secret: string
  header?: string
  prefix?: string
}

const DEFAULT_HEADER = 'x-signature'

/**
 * Plain HMAC-SHA256 over the raw body, hex encoded: GitHub's `X-Hub-Signature-256: sha256=<hex>` and the
 * integration guide's `X-Signature: <hex>`. There is no timestamp, so replays are stopped only by
 * de-duplicating `replayKey`. A header holding several comma-separated signatures (a repeated header,
 * joined) verifies when any one matches.
 */
export function verifyHmacSignature(
  body: unknown,
  headers: HeaderBag,
  options: HmacVerifyOptions,
): VerifiedWebhook {
  return verifyOnce(hmacVerifier(options), body, headers, 'hmac')
}

/** @internal The verifier with its keys prepared once: `read` needs only the headers, `match` the body. */
export function hmacVerifier(options: HmacVerifyOptions) {
  const scheme = 'hmac'
  const keys = prepareKeys(options.secret, scheme, 'utf8')
  return {
    read: (headers: HeaderBag) => readHmacHeaders(headers, options),
    match(
      bytes: Uint8Array,
      { header, candidates, id }: ReturnType<typeof readHmacHeaders>,
    ): VerifiedWebhook {
      const matched = matchSignature(keys, candidates, '', bytes)
      if (matched === undefined) throw noMatch(scheme, header, candidates.length, keys.length)
      return { scheme, id, timestamp: undefined, replayKey: signatureKey(matched) }
    },
  }
}

/**
 * @internal What verifyHmacSignature reads from the headers alone: the well-formed candidate signatures
 * and the id. Throws as the verifier would, so a receiver can refuse before it reads the body.
 */
function readHmacHeaders(
  headers: HeaderBag,
  options: Omit<HmacVerifyOptions, 'secret'>,
): { header: string; candidates: Buffer[]; id: string | undefined } {
  const scheme = 'hmac'
  const header = headerName(options.header, DEFAULT_HEADER, 'header', scheme)
  const idHeader =
    options.idHeader === undefined ? undefined : headerName(options.idHeader, '', 'idHeader', scheme)
  const prefix = options.prefix ?? ''
  if (typeof prefix !== 'string') throw invalidOption(scheme, 'prefix', 'must be a string')
  const value = requireHeader(headers, header, scheme)
  const candidates: Buffer[] = []
  for (const part of value.split(',')) {
    const entry = part.trim()
    if (!entry.startsWith(prefix)) continue
    const digest = decodeHex(entry.slice(prefix.length))
    if (digest !== undefined) candidates.push(digest)
  }
  if (candidates.length === 0) {
    throw new WebhookVerificationError(
      `hmac: header ${header} is not in the expected form ${prefix}<64 hex digits> (HMAC-SHA256 of the raw body)${prefixHint(value, prefix)}`,
      { reason: 'malformed_header', scheme, header },
    )
  }
  const id = idHeader === undefined ? undefined : requireHeader(headers, idHeader, scheme)
  return { header, candidates, id }
}

/** The header a sender would set: `{ [header]: prefix + hex }`. For tests and for forwarding. */
export function signHmacSignature(body: RawBody, options: HmacSignOptions): Record<string, string> {
  const scheme = 'hmac'
  const [key] = prepareKeys(options.secret, scheme, 'utf8')
  const bytes = toBytes(body, scheme)
  const digest = computeMac(key!, '', bytes).toString('hex')
  return { [options.header ?? DEFAULT_HEADER]: `${options.prefix ?? ''}${digest}` }
}

// Common mistakes worth naming. Of the received value, only a short alphanumeric prefix is echoed.
function prefixHint(value: string, prefix: string): string {
  const v = value.trimStart()
  if (v.startsWith('sha1='))
    return '; it carries a SHA-1 signature (GitHub: read X-Hub-Signature-256, not X-Hub-Signature)'
  const seen = /^[a-z0-9-]{1,16}=/i.exec(v)?.[0]
  if (prefix === '' && seen !== undefined) {
    return `; it starts with ${seen}: set the prefix option (GitHub: prefix 'sha256=')`
  }
  if (prefix !== '' && /^[0-9a-f]{64}$/i.test(v)) return `; it holds bare hex without the ${prefix} prefix`
  return ''
}
