import { invalidOption } from '../errors.js'
import { type Secrets, type VerifiedWebhook, WebhookVerificationError } from './errors.js'
import type { HeaderBag } from './headers.js'
import {
  computeMac,
  decodeBase64Sha256,
  matchSignature,
  noMatch,
  prepareKeys,
  requireHeader,
  signingTimestamp,
  verifyOnce,
} from './hmac-core.js'
import { type RawBody, toBytes } from './raw-body.js'
import {
  type ClockOptions,
  checkTimestamp,
  parseUnixSeconds,
  resolveClock,
  timestampFormatMessage,
} from './replay-window.js'

export interface StandardWebhookVerifyOptions extends ClockOptions {
  /** `whsec_` + base64, or bare base64; several during a rotation. */
  secret: Secrets
}

export interface StandardWebhookSignOptions {
  secret: string
  id: string
  /** Unix seconds, default now. */
  timestamp?: number
}

export type StandardWebhookHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

const SCHEME = 'standard-webhooks'
const ID = 'webhook-id'
const TIMESTAMP = 'webhook-timestamp'
const SIGNATURE = 'webhook-signature'

/**
 * Standard Webhooks 1.0 (also Svix): HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}` with
 * the base64-decoded secret; `webhook-signature` is a space-separated list of `v1,<base64>` entries.
 * Entries of other versions (`v2`, `v1a` for ed25519) are skipped; one matching `v1` entry suffices.
 * The signature is checked before the timestamp, so `timestamp_too_old`/`_too_new` always concern an
 * authentic message (a replay, a late retry or clock skew), never a forgery. `replayKey` is the
 * `webhook-id`, which the signature covers.
 */
export function verifyStandardWebhook(
  body: unknown,
  headers: HeaderBag,
  options: StandardWebhookVerifyOptions,
): VerifiedWebhook {
  return verifyOnce(standardWebhookVerifier(options), body, headers, SCHEME)
}

/** @internal The verifier with its keys and clock prepared once: `read` needs only the headers, `match` the body. */
export function standardWebhookVerifier(options: StandardWebhookVerifyOptions) {
  const keys = prepareKeys(options.secret, SCHEME, 'base64')
  const clock = resolveClock(options, SCHEME)
  return {
    read: readStandardWebhookHeaders,
    match(bytes: Uint8Array, read: ReturnType<typeof readStandardWebhookHeaders>): VerifiedWebhook {
      const { id, ts, timestamp, candidates } = read
      if (matchSignature(keys, candidates, `${id}.${ts}.`, bytes) === undefined) {
        throw noMatch(SCHEME, SIGNATURE, candidates.length, keys.length)
      }
      checkTimestamp(SCHEME, TIMESTAMP, timestamp, clock)
      return { scheme: SCHEME, id, timestamp, replayKey: id }
    },
  }
}

/**
 * @internal What verifyStandardWebhook reads from the headers alone. Throws as the verifier would, so a
 * receiver can refuse before it reads the body. The timestamp's window is not checked here: that is said
 * only of an authentic message.
 */
function readStandardWebhookHeaders(headers: HeaderBag): {
  id: string
  ts: string
  timestamp: number
  candidates: Buffer[]
} {
  const id = requireHeader(headers, ID, SCHEME)
  const ts = requireHeader(headers, TIMESTAMP, SCHEME)
  const timestamp = parseUnixSeconds(ts)
  if (timestamp === undefined) {
    throw new WebhookVerificationError(`${SCHEME}: header ${TIMESTAMP} ${timestampFormatMessage(ts)}`, {
      reason: 'malformed_header',
      scheme: SCHEME,
      header: TIMESTAMP,
    })
  }
  return { id, ts, timestamp, candidates: parseSignatureList(requireHeader(headers, SIGNATURE, SCHEME)) }
}

/** The three headers a Standard Webhooks sender sets. For users' tests and for forwarding. */
export function signStandardWebhook(
  body: RawBody,
  options: StandardWebhookSignOptions,
): StandardWebhookHeaders {
  const [key] = prepareKeys(options.secret, SCHEME, 'base64')
  const bytes = toBytes(body, SCHEME)
  // The id travels in a header and is signed as text: visible ASCII keeps both sides byte-identical.
  if (typeof options.id !== 'string' || !/^[\x21-\x7e]+$/.test(options.id)) {
    throw invalidOption(
      'signStandardWebhook',
      'id',
      'must be a non-empty string of visible ASCII characters (it is sent as a header)',
    )
  }
  const timestamp = String(signingTimestamp(options.timestamp, 'signStandardWebhook'))
  const mac = computeMac(key!, `${options.id}.${timestamp}.`, bytes).toString('base64')
  return { [ID]: options.id, [TIMESTAMP]: timestamp, [SIGNATURE]: `v1,${mac}` } as StandardWebhookHeaders
}

/**
 * The well-formed `v1` signatures of the header. Entries are separated by whitespace; a trailing comma
 * on an entry is dropped because a repeated header arrives joined with `', '`. A header with no
 * well-formed `v1` entry is `malformed_header`: the sender uses another version or format.
 */
function parseSignatureList(value: string): Buffer[] {
  const candidates: Buffer[] = []
  const others = new Set<string>()
  let malformedV1 = 0
  for (let entry of value.split(/\s+/)) {
    if (entry.endsWith(',') && entry.length > 3) entry = entry.slice(0, -1)
    const comma = entry.indexOf(',')
    const version = comma < 0 ? entry : entry.slice(0, comma)
    if (version !== 'v1') {
      // Echo only short alphanumeric versions: header text ends up in logs.
      if (version !== '') others.add(/^[A-Za-z0-9]{1,8}$/.test(version) ? version : '(unrecognised)')
      continue
    }
    const mac = comma < 0 ? undefined : decodeBase64Sha256(entry.slice(comma + 1))
    if (mac === undefined) malformedV1++
    else candidates.push(mac)
  }
  if (candidates.length === 0) {
    const found = [
      ...(malformedV1 > 0
        ? [`it has ${malformedV1} malformed v1 ${malformedV1 === 1 ? 'entry' : 'entries'}`]
        : []),
      ...(others.size > 0
        ? [`entries of other versions are skipped: ${[...others].slice(0, 5).join(', ')}`]
        : []),
    ]
    throw new WebhookVerificationError(
      `${SCHEME}: header ${SIGNATURE} has no well-formed v1 entry (expected space-separated v1,<base64 of 32 bytes>)${found.map((f) => `; ${f}`).join('')}`,
      { reason: 'malformed_header', scheme: SCHEME, header: SIGNATURE },
    )
  }
  return candidates
}
