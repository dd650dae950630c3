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

export interface TimestampedVerifyOptions extends ClockOptions {
  /** One secret, or several during a rotation. Used as UTF-8 bytes, `whsec_` included, as Stripe does. */
  secret: Secrets
  /** Default `'x-signature'`; `'stripe-signature'` for Stripe. */
  header?: string
  /** A delivery-id header: reported as `id`, and required. Not the replay key: it is not signed. */
  idHeader?: string
}

export interface TimestampedSignOptions {
  secret: string
  header?: string
  /** Unix seconds, default now. */
  timestamp?: number
}

const SCHEME = 'timestamped'
const DEFAULT_HEADER = 'x-signature'
const FORM = 't=<unix seconds>,v1=<64 hex digits>[,v1=…]'

/**
 * Stripe-style signatures: `t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 hex over `${t}.${raw body}`.
 * Several `v1` entries (a rotation on the sender's side) verify when any one matches; other elements
 * (Stripe's `v0`) are skipped. Unlike stripe-node, the tolerance applies to the future too. `replayKey`
 * is the SHA-256 of the matched signature, which changes with `t`, so de-duplicate on the event's own id
 * as well.
 */
export function verifyTimestampedSignature(
  body: unknown,
  headers: HeaderBag,
  options: TimestampedVerifyOptions,
): VerifiedWebhook {
  return verifyOnce(timestampedVerifier(options), body, headers, SCHEME)
}

/** @internal The verifier with its keys and clock prepared once: `read` needs only the headers, `match` the body. */
export function timestampedVerifier(options: TimestampedVerifyOptions) {
  const keys = prepareKeys(options.secret, SCHEME, 'utf8')
  const clock = resolveClock(options, SCHEME)
  return {
    read: (headers: HeaderBag) => readTimestampedHeaders(headers, options),
    match(bytes: Uint8Array, read: ReturnType<typeof readTimestampedHeaders>): VerifiedWebhook {
      const { header, t, timestamp, candidates, id } = read
      const matched = matchSignature(keys, candidates, `${t}.`, bytes)
      if (matched === undefined) throw noMatch(SCHEME, header, candidates.length, keys.length)
      checkTimestamp(SCHEME, header, timestamp, clock)
      return { scheme: SCHEME, id, timestamp, replayKey: signatureKey(matched) }
    },
  }
}

/**
 * @internal What verifyTimestampedSignature reads from the headers alone. Throws as the verifier would,
 * so a receiver can refuse before it reads the body; the window is checked only on an authentic message.
 */
function readTimestampedHeaders(
  headers: HeaderBag,
  options: Omit<TimestampedVerifyOptions, 'secret'>,
): { header: string; t: string; timestamp: number; candidates: Buffer[]; id: string | undefined } {
  const header = headerName(options.header, DEFAULT_HEADER, 'header', SCHEME)
  const idHeader =
    options.idHeader === undefined ? undefined : headerName(options.idHeader, '', 'idHeader', SCHEME)
  const parsed = parseHeader(requireHeader(headers, header, SCHEME), header)
  const id = idHeader === undefined ? undefined : requireHeader(headers, idHeader, SCHEME)
  return { header, ...parsed, id }
}

/** The header a sender would set: `{ [header]: 't=<unix>,v1=<hex>' }`. For tests and for forwarding. */
export function signTimestampedSignature(
  body: RawBody,
  options: TimestampedSignOptions,
): Record<string, string> {
  const [key] = prepareKeys(options.secret, SCHEME, 'utf8')
  const bytes = toBytes(body, SCHEME)
  const t = signingTimestamp(options.timestamp, 'signTimestampedSignature')
  const mac = computeMac(key!, `${t}.`, bytes).toString('hex')
  return { [options.header ?? DEFAULT_HEADER]: `t=${t},v1=${mac}` }
}

function parseHeader(value: string, header: string): { t: string; timestamp: number; candidates: Buffer[] } {
  const malformed = (detail: string) =>
    new WebhookVerificationError(`${SCHEME}: header ${header} ${detail} (expected ${FORM})`, {
      reason: 'malformed_header',
      scheme: SCHEME,
      header,
    })
  let t: string | undefined
  const candidates: Buffer[] = []
  let v1 = 0
  for (const part of value.split(',')) {
    const element = part.trim()
    const eq = element.indexOf('=')
    if (eq < 0) continue
    const key = element.slice(0, eq)
    const val = element.slice(eq + 1)
    if (key === 't') {
      // A repeated header arrives joined: the same t twice is harmless, two different ones are not.
      if (t !== undefined && t !== val)
        throw malformed('has two different t= timestamps (a repeated header?)')
      t = val
    } else if (key === 'v1') {
      v1++
      const mac = decodeHex(val)
      if (mac !== undefined) candidates.push(mac)
    }
  }
  if (t === undefined) throw malformed('has no t= element')
  const timestamp = parseUnixSeconds(t)
  if (timestamp === undefined) throw malformed(`has a t= element that ${timestampFormatMessage(t)}`)
  if (candidates.length === 0) {
    throw malformed(
      v1 === 0
        ? 'has no v1= signature'
        : `has ${v1 === 1 ? 'a' : v1} malformed v1= signature${v1 === 1 ? '' : 's'}`,
    )
  }
  return { t, timestamp, candidates }
}
