import { createHmac, createSecretKey, hash, type KeyObject, timingSafeEqual } from 'node:crypto'
import { invalidOption } from '../errors.js'
import { type VerifiedWebhook, type WebhookScheme, WebhookVerificationError } from './errors.js'
import { getHeader, type HeaderBag } from './headers.js'
import { toBytes } from './raw-body.js'

// The HMAC core shared by the three schemes (@internal: not re-exported from the package).

/** @internal How a secret string becomes key bytes: base64 after `whsec_` (Standard Webhooks) or UTF-8. */
export type KeyEncoding = 'base64' | 'utf8'

// Decoded keys as KeyObjects: createHmac with a KeyObject is ~5x faster than with a Buffer key, and
// the decoding is done once per secret. Bounded, since secrets are few and could come from callers.
const keyCache = { base64: new Map<string, KeyObject>(), utf8: new Map<string, KeyObject>() }
const KEY_CACHE_LIMIT = 256

/**
 * @internal Validates and decodes the configured secrets. Failures are `invalid_secret` and describe
 * the problem without any part of the secret.
 */
export function prepareKeys(secret: unknown, scheme: WebhookScheme, encoding: KeyEncoding): KeyObject[] {
  const list: readonly unknown[] = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? secret : []
  if (list.length === 0) {
    const got = Array.isArray(secret) ? 'an empty list' : secret === null ? 'null' : typeof secret
    throw invalidSecret(
      scheme,
      `no secret configured: expected a string or a non-empty array of strings, got ${got}`,
    )
  }
  const cache = keyCache[encoding]
  const keys: KeyObject[] = []
  for (let i = 0; i < list.length; i++) {
    const s = list[i]
    const cached = typeof s === 'string' ? cache.get(s) : undefined
    if (cached !== undefined) {
      keys.push(cached)
      continue
    }
    const label = list.length === 1 ? 'the secret' : `secret #${i + 1} of ${list.length}`
    const key = decodeSecret(s, encoding, scheme, label)
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear()
    cache.set(s as string, key)
    keys.push(key)
  }
  return keys
}

function decodeSecret(s: unknown, encoding: KeyEncoding, scheme: WebhookScheme, label: string): KeyObject {
  if (typeof s !== 'string') {
    throw invalidSecret(scheme, `${label} is not a string (got ${s === null ? 'null' : typeof s})`)
  }
  if (s === '') throw invalidSecret(scheme, `${label} is empty`)
  if (s === 'whsec_') throw invalidSecret(scheme, `${label} is only the whsec_ prefix, with no key after it`)
  if (s.trim() !== s) {
    throw invalidSecret(
      scheme,
      `${label} has leading or trailing whitespace (a stray newline or space from an env file or secret store?); trim it where it is loaded`,
    )
  }
  if (encoding === 'utf8') return createSecretKey(Buffer.from(s, 'utf8'))
  const b64 = s.startsWith('whsec_') ? s.slice('whsec_'.length) : s
  const bytes = decodeBase64(b64)
  if (bytes === undefined || bytes.length === 0) {
    throw invalidSecret(
      scheme,
      `${label} is not valid base64 after the optional whsec_ prefix (a Standard Webhooks secret is whsec_ followed by the base64 of the key bytes)`,
    )
  }
  return createSecretKey(bytes)
}

function invalidSecret(scheme: WebhookScheme, detail: string): WebhookVerificationError {
  return new WebhookVerificationError(`${scheme}: invalid secret: ${detail}`, {
    reason: 'invalid_secret',
    scheme,
  })
}

/** @internal HMAC-SHA256 of `prefix` (UTF-8) followed by `bytes`. */
export function computeMac(key: KeyObject, prefix: string, bytes: Uint8Array): Buffer {
  const hmac = createHmac('sha256', key)
  if (prefix !== '') hmac.update(prefix)
  return hmac.update(bytes).digest()
}

/**
 * @internal Computes the MAC once per key and compares it with every candidate in constant time. The
 * candidates are already decoded to 32 bytes, and the length is checked anyway, because timingSafeEqual
 * throws on unequal lengths. Returns the matching MAC, or undefined.
 */
export function matchSignature(
  keys: readonly KeyObject[],
  candidates: readonly Buffer[],
  prefix: string,
  bytes: Uint8Array,
): Buffer | undefined {
  for (const key of keys) {
    const mac = computeMac(key, prefix, bytes)
    for (const candidate of candidates) {
      if (candidate.length === mac.length && timingSafeEqual(candidate, mac)) return mac
    }
  }
  return undefined
}

/**
 * @internal The replay key of a matched signature: its SHA-256, so that a key logged or kept in a shared
 * store is not itself a signature someone could send again once the key has expired.
 */
export function signatureKey(mac: Buffer): string {
  return hash('sha256', mac, 'hex')
}

/** @internal The `bad_signature` error: counts only, never a signature. */
export function noMatch(
  scheme: WebhookScheme,
  header: string,
  signatures: number,
  secrets: number,
): WebhookVerificationError {
  const what = signatures === 1 ? 'the signature' : `none of the ${signatures} signatures`
  const against = secrets === 1 ? 'the secret' : `any of the ${secrets} secrets`
  return new WebhookVerificationError(
    `${scheme}: ${what} in ${header} ${signatures === 1 ? 'does not match' : 'matches'} ${against}: check the secret, and that the body is the raw request body, byte for byte`,
    { reason: 'bad_signature', scheme, header },
  )
}

/** @internal A header's value, trimmed; a missing or blank header is `missing_header`. */
export function requireHeader(headers: HeaderBag, header: string, scheme: WebhookScheme): string {
  const value = getHeader(headers, header)?.trim()
  if (value === undefined || value === '') {
    throw new WebhookVerificationError(`${scheme}: missing header ${header}`, {
      reason: 'missing_header',
      scheme,
      header,
    })
  }
  return value
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/
// 32 bytes in base64: 43 characters, then the padding `=` (tolerated when absent).
const B64_SHA256 = /^[A-Za-z0-9+/]{43}=?$/

/** @internal 64 hex digits → 32 bytes; anything else → undefined (no match, never a throw). */
export function decodeHex(value: string): Buffer | undefined {
  return HEX_SHA256.test(value) ? Buffer.from(value, 'hex') : undefined
}

/** @internal Canonical base64 of exactly 32 bytes → bytes; anything else → undefined. */
export function decodeBase64Sha256(value: string): Buffer | undefined {
  return B64_SHA256.test(value) ? decodeBase64(value, true) : undefined
}

// Buffer.from(…, 'base64') silently skips bad characters, so check the alphabet first. Signatures must
// also be canonical (no non-zero trailing bits) so that each has exactly one spelling; keys need not be.
function decodeBase64(value: string, canonical = false): Buffer | undefined {
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(value)
  if (m === null || m[1]!.length % 4 === 1) return undefined
  if (m[2] !== '' && (m[1]!.length + m[2]!.length) % 4 !== 0) return undefined
  const bytes = Buffer.from(value, 'base64')
  if (canonical && bytes.toString('base64').replace(/=+$/, '') !== m[1]) return undefined
  return bytes
}

/** @internal Checks an explicit signing timestamp, or returns now in unix seconds. */
export function signingTimestamp(timestamp: number | undefined, owner: string): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000)
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw invalidOption(
      owner,
      'timestamp',
      `must be a non-negative integer of unix seconds, got ${String(timestamp)}`,
    )
  }
  return timestamp
}

/** @internal Throws MatchfeedError `invalid_option` when a header name option is not a non-empty string. */
export function headerName(value: unknown, fallback: string, option: string, owner: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidOption(owner, option, 'must be a non-empty header name')
  }
  return value.trim().toLowerCase()
}

/**
 * @internal A one-off verification with a scheme's verifier: keys first (a bad secret is reported before a
 * bad body), then the body's bytes, then the headers and the signature.
 */
export function verifyOnce<H>(
  verifier: { read(headers: HeaderBag): H; match(bytes: Uint8Array, read: H): VerifiedWebhook },
  body: unknown,
  headers: HeaderBag,
  scheme: WebhookScheme,
): VerifiedWebhook {
  const bytes = toBytes(body, scheme)
  return verifier.match(bytes, verifier.read(headers))
}
