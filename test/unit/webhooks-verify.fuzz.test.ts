import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WebhookVerificationError } from '../../src/webhooks/errors.js'
import type { HeaderBag } from '../../src/webhooks/headers.js'
import { signHmacSignature, verifyHmacSignature } from '../../src/webhooks/hmac.js'
import { signStandardWebhook, verifyStandardWebhook } from '../../src/webhooks/standard-webhooks.js'
import { signTimestampedSignature, verifyTimestampedSignature } from '../../src/webhooks/timestamped.js'

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const HMAC_SECRET = 'fuzz-secret'

// ---- arbitraries -------------------------------------------------------------------------------------

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b))
const b64Sig = bytes32.map((b) => b.toString('base64'))
const hexSig = bytes32.map((b) => b.toString('hex'))
const unix = fc.integer({ min: 0, max: 20_000_000_000 })

// Near-valid values are more interesting than random noise: they get past the first checks.
const swSignature = fc
  .array(
    fc.oneof(
      b64Sig.map((s) => `v1,${s}`),
      b64Sig.map((s) => `v2,${s}`),
      fc.string().map((s) => `v1,${s}`),
      fc.string(),
    ),
    { maxLength: 5 },
  )
  .map((entries) => entries.join(' '))
const stripeSignature = fc
  .array(
    fc.oneof(
      unix.map((t) => `t=${t}`),
      hexSig.map((s) => `v1=${s}`),
      fc.string().map((s) => `t=${s}`),
      fc.string().map((s) => `v1=${s}`),
      fc.string(),
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join(','))
const headerValue = fc.oneof(
  fc.string(),
  unix.map(String),
  swSignature,
  stripeSignature,
  hexSig,
  hexSig.map((s) => `sha256=${s}`),
  fc.array(fc.string(), { maxLength: 3 }),
)
const headerName = fc.oneof(
  fc.constantFrom(
    'webhook-id',
    'Webhook-Timestamp',
    'webhook-signature',
    'x-signature',
    'X-Signature',
    'x-delivery-id',
  ),
  fc.string(),
)
const headerBag: fc.Arbitrary<HeaderBag> = fc
  .tuple(fc.dictionary(headerName, headerValue, { maxKeys: 8 }), fc.boolean())
  .map(([record, asFetchHeaders]) => {
    if (!asFetchHeaders) return record
    try {
      const headers = new Headers()
      for (const [k, v] of Object.entries(record)) {
        for (const item of Array.isArray(v) ? v : [v]) headers.append(k, item)
      }
      return headers
    } catch {
      return record // not a valid HTTP header name or value: a plain object can still hold it
    }
  })
const body: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 256 }) },
  { weight: 1, arbitrary: fc.oneof(fc.object(), fc.constant(null), fc.constant(undefined), fc.integer()) },
)
const secret: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(SW_SECRET, HMAC_SECRET) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.array(fc.string(), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'whsec_', ' x', null, 7) },
)
const nowMs = fc.integer({ min: -1_000_000_000_000, max: 40_000_000_000_000 })
const tolerance = fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 100_000 }))

type Verify = (body: unknown, headers: HeaderBag, secret: unknown, now: number, tolerance?: number) => unknown
const verifiers: [string, Verify][] = [
  [
    'standard-webhooks',
    (b, h, s, now, tol) =>
      verifyStandardWebhook(b, h, { secret: s as string, now: () => now, tolerance: tol }),
  ],
  ['hmac', (b, h, s) => verifyHmacSignature(b, h, { secret: s as string })],
  [
    'hmac (GitHub options)',
    (b, h, s) =>
      verifyHmacSignature(b, h, {
        secret: s as string,
        header: 'X-Signature',
        prefix: 'sha256=',
        idHeader: 'x-delivery-id',
      }),
  ],
  [
    'timestamped',
    (b, h, s, now, tol) =>
      verifyTimestampedSignature(b, h, { secret: s as string, now: () => now, tolerance: tol }),
  ],
]

// ---- properties --------------------------------------------------------------------------------------

describe('fuzz: the only thing a verifier throws is WebhookVerificationError', () => {
  it.each(verifiers)('%s', (_, verify) => {
    fc.assert(
      fc.property(body, headerBag, secret, nowMs, tolerance, (b, h, s, now, tol) => {
        try {
          verify(b, h, s, now, tol)
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) throw error
        }
      }),
      { numRuns: 500 },
    )
  })
})

type Signed = {
  sign: (body: Uint8Array, t: number) => Record<string, string>
  verify: Verify
  secret: string
}
const schemes: [string, Signed][] = [
  [
    'standard-webhooks',
    {
      secret: SW_SECRET,
      sign: (b, t) => signStandardWebhook(b, { secret: SW_SECRET, id: 'msg_fuzz', timestamp: t }),
      verify: verifiers[0]![1],
    },
  ],
  [
    'hmac',
    {
      secret: HMAC_SECRET,
      sign: (b) => signHmacSignature(b, { secret: HMAC_SECRET }),
      verify: verifiers[1]![1],
    },
  ],
  [
    'timestamped',
    {
      secret: HMAC_SECRET,
      sign: (b, t) => signTimestampedSignature(b, { secret: HMAC_SECRET, timestamp: t }),
      verify: verifiers[3]![1],
    },
  ],
]

describe('fuzz: a tampered body (any bit of any byte flipped) never verifies', () => {
  it.each(schemes)('%s', (_, { sign, verify, secret }) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        unix,
        (original, index, bit, t) => {
          const headers = sign(original, t)
          expect(verify(original, headers, secret, t * 1000)).toBeTruthy()
          const tampered = Uint8Array.from(original)
          const i = index % tampered.length
          tampered[i] = tampered[i]! ^ (1 << bit)
          let reason: string | undefined
          try {
            verify(tampered, headers, secret, t * 1000)
          } catch (error) {
            reason = (error as WebhookVerificationError).reason
          }
          expect(reason).toBe('bad_signature')
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('fuzz: a valid signature verifies iff |now − t| ≤ tolerance (whole seconds)', () => {
  it.each(schemes.filter(([name]) => name !== 'hmac'))('%s', (_, { sign, verify, secret }) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        unix,
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.oneof(fc.integer({ min: 1, max: 600 }), fc.double({ min: 0.001, max: 600, noNaN: true })),
        (b, t, deltaMs, tol) => {
          const now = t * 1000 + deltaMs
          const skew = Math.floor(now / 1000) - t
          const headers = sign(b, t)
          let reason: string | undefined
          try {
            verify(b, headers, secret, now, tol)
          } catch (error) {
            reason = (error as WebhookVerificationError).reason
          }
          if (Math.abs(skew) <= tol) expect(reason).toBeUndefined()
          else expect(reason).toBe(skew > 0 ? 'timestamp_too_old' : 'timestamp_too_new')
        },
      ),
      { numRuns: 500 },
    )
  })
})
