import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import { type WebhookFailureReason, WebhookVerificationError } from '../../src/webhooks/errors.js'
import { getHeader } from '../../src/webhooks/headers.js'
import { signHmacSignature, verifyHmacSignature } from '../../src/webhooks/hmac.js'
import { toBytes } from '../../src/webhooks/raw-body.js'
import { signStandardWebhook, verifyStandardWebhook } from '../../src/webhooks/standard-webhooks.js'
import { signTimestampedSignature, verifyTimestampedSignature } from '../../src/webhooks/timestamped.js'

// The official Standard Webhooks vector (identical in every reference library's test suite).
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const BARE_SECRET = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
const TS = 1614265330
const BODY = '{"test": 2432232314}'
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
const DECOY = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='

const at = (unixSeconds: number) => () => unixSeconds * 1000
const vectorHeaders = (): Record<string, string> => ({
  'webhook-id': MSG_ID,
  'webhook-timestamp': String(TS),
  'webhook-signature': SIGNATURE,
})
const swOptions = { secret: SECRET, now: at(TS) }

/** The replay key of a hex signature: its SHA-256, never the signature itself. */
const keyOf = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')

/** Runs `fn`, expects a WebhookVerificationError with `reason`, and returns it. */
function failure(fn: () => unknown, reason: WebhookFailureReason, header?: string): WebhookVerificationError {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(WebhookVerificationError)
  const error = thrown as WebhookVerificationError
  expect(error.reason, error.message).toBe(reason)
  expect(error).toBeInstanceOf(MatchfeedError)
  expect(error.code).toBe('webhook_verification_failed')
  expect(error.retryable).toBe(false)
  if (header !== undefined) expect(error.header).toBe(header)
  return error
}

function configError(fn: () => unknown): MatchfeedError {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(MatchfeedError)
  expect(thrown).not.toBeInstanceOf(WebhookVerificationError)
  expect((thrown as MatchfeedError).code).toBe('invalid_option')
  return thrown as MatchfeedError
}

describe('Standard Webhooks: the official vector', () => {
  it.each([SECRET, BARE_SECRET])('verifies with secret %s', (secret) => {
    expect(verifyStandardWebhook(BODY, vectorHeaders(), { secret, now: at(TS) })).toEqual({
      scheme: 'standard-webhooks',
      id: MSG_ID,
      timestamp: TS,
      replayKey: MSG_ID,
    })
  })

  it.each([SECRET, BARE_SECRET])('signing reproduces the official signature with secret %s', (secret) => {
    expect(signStandardWebhook(BODY, { secret, id: MSG_ID, timestamp: TS })).toEqual(vectorHeaders())
  })

  it('rejects the signature with its last character changed', () => {
    const headers = { ...vectorHeaders(), 'webhook-signature': SIGNATURE.replace(/E=$/, 'A=') }
    failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'bad_signature', 'webhook-signature')
  })

  it('rejects a non-canonical spelling of the right signature (same bytes, different last character)', () => {
    // E and F decode to the same 32 bytes (only the unused low bits differ): one spelling per signature.
    const headers = { ...vectorHeaders(), 'webhook-signature': SIGNATURE.replace(/E=$/, 'F=') }
    expect(Buffer.from(SIGNATURE.slice(3).replace(/E=$/, 'F='), 'base64')).toEqual(
      Buffer.from(SIGNATURE.slice(3), 'base64'),
    )
    failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'malformed_header', 'webhook-signature')
  })

  it('accepts the signature without its base64 padding', () => {
    const headers = { ...vectorHeaders(), 'webhook-signature': SIGNATURE.slice(0, -1) }
    expect(verifyStandardWebhook(BODY, headers, swOptions).id).toBe(MSG_ID)
  })

  it('rejects a header holding only decoys', () => {
    const headers = { ...vectorHeaders(), 'webhook-signature': `${DECOY} ${DECOY}` }
    const error = failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'bad_signature')
    expect(error.message).toContain('none of the 2 signatures')
  })

  it.each([
    ['the first 8 characters', SIGNATURE.slice(0, 8)],
    ['the bare v1,', 'v1,'],
    ['a short signature', 'v1,dawfeoifkpqwoekfpqoekf'],
    ['v1 without a comma', 'v1'],
    ['only other versions', 'v2,abc v1a,def'],
  ])('rejects a truncated or foreign entry: %s', (_, signature) => {
    const headers = { ...vectorHeaders(), 'webhook-signature': signature }
    failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'malformed_header', 'webhook-signature')
  })

  it('names the skipped versions when no v1 entry is present', () => {
    const headers = { ...vectorHeaders(), 'webhook-signature': 'v2,abc v1a,def' }
    const error = failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'malformed_header')
    expect(error.message).toContain('v2, v1a')
  })

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a missing %s', (name) => {
    const headers = vectorHeaders()
    delete headers[name]
    const error = failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'missing_header', name)
    expect(error.message).toContain(name)
    failure(
      () => verifyStandardWebhook(BODY, { ...headers, [name]: '  ' }, swOptions),
      'missing_header',
      name,
    )
  })

  it.each(['hello', '1614265330abc', '-1614265330', '1614265330.5', '1e9', '0x60381E72'])(
    'rejects the non-numeric timestamp %s',
    (timestamp) => {
      const headers = { ...vectorHeaders(), 'webhook-timestamp': timestamp }
      failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'malformed_header', 'webhook-timestamp')
    },
  )

  it('says so when the timestamp looks like milliseconds', () => {
    const headers = { ...vectorHeaders(), 'webhook-timestamp': String(TS * 1000) }
    const error = failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'malformed_header')
    expect(error.message).toContain('milliseconds')
  })

  it('rejects a timestamp 301 s too old or too new, accepts 300 s either way', () => {
    const now = 1_700_000_000
    const signedAt = (timestamp: number) =>
      signStandardWebhook(BODY, { secret: SECRET, id: MSG_ID, timestamp })
    const verify = (timestamp: number) =>
      verifyStandardWebhook(BODY, signedAt(timestamp), { secret: SECRET, now: at(now) })
    failure(() => verify(now - 301), 'timestamp_too_old', 'webhook-timestamp')
    failure(() => verify(now + 301), 'timestamp_too_new', 'webhook-timestamp')
    expect(verify(now - 300).timestamp).toBe(now - 300)
    expect(verify(now + 300).timestamp).toBe(now + 300)
  })

  it('compares whole seconds: 300.999 s after the timestamp is still 300 s', () => {
    const headers = signStandardWebhook(BODY, { secret: SECRET, id: MSG_ID, timestamp: TS })
    expect(
      verifyStandardWebhook(BODY, headers, { secret: SECRET, now: () => (TS + 300) * 1000 + 999 }).id,
    ).toBe(MSG_ID)
    failure(
      () => verifyStandardWebhook(BODY, headers, { secret: SECRET, now: () => (TS + 301) * 1000 }),
      'timestamp_too_old',
    )
  })

  it('honours a custom tolerance and refuses one that would disable the check', () => {
    const headers = vectorHeaders()
    failure(
      () => verifyStandardWebhook(BODY, headers, { secret: SECRET, tolerance: 10, now: at(TS + 11) }),
      'timestamp_too_old',
    )
    expect(verifyStandardWebhook(BODY, headers, { secret: SECRET, tolerance: 10, now: at(TS - 10) }).id).toBe(
      MSG_ID,
    )
    for (const tolerance of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = configError(() =>
        verifyStandardWebhook(BODY, headers, { secret: SECRET, tolerance, now: at(TS) }),
      )
      expect(error.message).toContain('tolerance')
    }
  })

  it('uses Date.now by default', () => {
    const headers = signStandardWebhook(BODY, { secret: SECRET, id: MSG_ID })
    expect(verifyStandardWebhook(BODY, headers, { secret: SECRET }).timestamp).toBe(
      Number(headers['webhook-timestamp']),
    )
    failure(() => verifyStandardWebhook(BODY, vectorHeaders(), { secret: SECRET }), 'timestamp_too_old')
  })

  it('checks the signature before the timestamp: an old forgery is bad_signature, not timestamp_too_old', () => {
    const headers = { ...vectorHeaders(), 'webhook-signature': DECOY }
    failure(
      () => verifyStandardWebhook(BODY, headers, { secret: SECRET, now: at(TS + 10_000) }),
      'bad_signature',
    )
  })

  it.each([
    ['empty', ''],
    ['only the prefix', 'whsec_'],
    ['not base64', 'whsec_not base64!'],
  ])('refuses a secret that is %s', (_, secret) => {
    failure(() => verifyStandardWebhook(BODY, vectorHeaders(), { secret, now: at(TS) }), 'invalid_secret')
    failure(() => signStandardWebhook(BODY, { secret, id: MSG_ID, timestamp: TS }), 'invalid_secret')
  })

  it('refuses an empty list of secrets and a non-string secret', () => {
    failure(() => verifyStandardWebhook(BODY, vectorHeaders(), { secret: [], now: at(TS) }), 'invalid_secret')
    const notAString = { secret: [SECRET, 42] as unknown as string[], now: at(TS) }
    const error = failure(() => verifyStandardWebhook(BODY, vectorHeaders(), notAString), 'invalid_secret')
    expect(error.message).toContain('secret #2 of 2')
  })

  it('accepts decoys plus the right v1 entry plus a v2 entry', () => {
    const signature = [DECOY, DECOY.replace('v1,', 'v2,'), SIGNATURE, DECOY].join(' ')
    const headers = { ...vectorHeaders(), 'webhook-signature': signature }
    expect(verifyStandardWebhook(BODY, headers, swOptions).id).toBe(MSG_ID)
  })

  it('accepts a repeated signature header (joined with ", " like Node and fetch do)', () => {
    const headers = { ...vectorHeaders(), 'webhook-signature': [DECOY, SIGNATURE] }
    expect(verifyStandardWebhook(BODY, headers, swOptions).id).toBe(MSG_ID)
    const fetchHeaders = new Headers(vectorHeaders())
    fetchHeaders.set('webhook-signature', DECOY)
    fetchHeaders.append('webhook-signature', SIGNATURE)
    expect(verifyStandardWebhook(BODY, fetchHeaders, swOptions).id).toBe(MSG_ID)
  })

  it('covers the id and the timestamp: changing either breaks the signature', () => {
    failure(
      () => verifyStandardWebhook(BODY, { ...vectorHeaders(), 'webhook-id': 'msg_other' }, swOptions),
      'bad_signature',
    )
    const headers = { ...vectorHeaders(), 'webhook-timestamp': String(TS + 1) }
    failure(() => verifyStandardWebhook(BODY, headers, swOptions), 'bad_signature')
  })

  it('refuses a signing id that cannot travel in a header', () => {
    for (const id of ['', 'msg 1', 'msg\n1', 'é']) {
      expect(() => signStandardWebhook(BODY, { secret: SECRET, id, timestamp: TS })).toThrow(MatchfeedError)
    }
    expect(() => signStandardWebhook(BODY, { secret: SECRET, id: MSG_ID, timestamp: 1.5 })).toThrow(
      /timestamp/,
    )
  })
})

describe('rotation: several secrets, any one matching suffices', () => {
  const OLD = 'whsec_b2xkIHNlY3JldCBrZXkgYnl0ZXMgMTIzNDU2Nzg='
  const hmacOld = 'old github secret'
  const hmacNew = 'new github secret'

  it('standard-webhooks: the second secret matches', () => {
    expect(verifyStandardWebhook(BODY, vectorHeaders(), { secret: [OLD, SECRET], now: at(TS) }).id).toBe(
      MSG_ID,
    )
    const error = failure(
      () => verifyStandardWebhook(BODY, vectorHeaders(), { secret: [OLD], now: at(TS) }),
      'bad_signature',
    )
    expect(error.message).toContain('does not match the secret')
  })

  it('hmac: the second secret matches', () => {
    const headers = signHmacSignature(BODY, { secret: hmacNew })
    expect(verifyHmacSignature(BODY, headers, { secret: [hmacOld, hmacNew] }).scheme).toBe('hmac')
    const error = failure(
      () => verifyHmacSignature(BODY, headers, { secret: [hmacOld, 'third'] }),
      'bad_signature',
    )
    expect(error.message).toContain('any of the 2 secrets')
  })

  it('timestamped: the second secret matches', () => {
    const headers = signTimestampedSignature(BODY, { secret: hmacNew, timestamp: TS })
    expect(
      verifyTimestampedSignature(BODY, headers, { secret: [hmacOld, hmacNew], now: at(TS) }).timestamp,
    ).toBe(TS)
    failure(
      () => verifyTimestampedSignature(BODY, headers, { secret: hmacOld, now: at(TS) }),
      'bad_signature',
    )
  })
})

describe('hmac (GitHub X-Hub-Signature-256, X-Signature)', () => {
  const secret = 'integration guide secret'

  it('matches the GitHub documentation example', () => {
    // docs.github.com, "Validating webhook deliveries": secret, payload and expected signature.
    const headers = {
      'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    }
    const options = { secret: "It's a Secret to Everybody", header: 'X-Hub-Signature-256', prefix: 'sha256=' }
    expect(verifyHmacSignature('Hello, World!', headers, options).scheme).toBe('hmac')
    expect(signHmacSignature('Hello, World!', options)).toEqual(headers)
  })

  it('round-trips with the defaults: X-Signature, bare hex', () => {
    const headers = signHmacSignature(BODY, { secret })
    expect(Object.keys(headers)).toEqual(['x-signature'])
    expect(headers['x-signature']).toMatch(/^[0-9a-f]{64}$/)
    expect(headers['x-signature']).toBe(createHmac('sha256', secret).update(BODY).digest('hex'))
    expect(verifyHmacSignature(BODY, headers, { secret })).toEqual({
      scheme: 'hmac',
      id: undefined,
      timestamp: undefined,
      replayKey: keyOf(headers['x-signature']!),
    })
  })

  it('requires the prefix when one is configured, and hints when it is missing from the options', () => {
    const github = signHmacSignature(BODY, { secret, header: 'x-hub-signature-256', prefix: 'sha256=' })
    expect(github['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/)
    const options = { secret, header: 'x-hub-signature-256', prefix: 'sha256=' }
    expect(verifyHmacSignature(BODY, github, options).scheme).toBe('hmac')

    const bare = { 'x-hub-signature-256': github['x-hub-signature-256']!.slice('sha256='.length) }
    const missing = failure(
      () => verifyHmacSignature(BODY, bare, options),
      'malformed_header',
      'x-hub-signature-256',
    )
    expect(missing.message).toContain('without the sha256= prefix')

    const unexpected = failure(
      () => verifyHmacSignature(BODY, github, { secret, header: 'x-hub-signature-256' }),
      'malformed_header',
    )
    expect(unexpected.message).toContain('set the prefix option')
  })

  it('names the SHA-1 header mix-up', () => {
    const headers = { 'x-hub-signature': `sha1=${'a'.repeat(40)}` }
    const options = { secret, header: 'x-hub-signature', prefix: 'sha256=' }
    expect(failure(() => verifyHmacSignature(BODY, headers, options), 'malformed_header').message).toContain(
      'SHA-1',
    )
  })

  it('accepts upper-case hex, and the replay key is the normalised lower-case signature', () => {
    const headers = signHmacSignature(BODY, { secret })
    const upper = { 'x-signature': headers['x-signature']!.toUpperCase() }
    expect(verifyHmacSignature(BODY, upper, { secret }).replayKey).toBe(keyOf(headers['x-signature']!))
  })

  it('malformed hex is a malformed_header, not a crash', () => {
    for (const value of ['zz', 'a'.repeat(63), 'g'.repeat(64), 'a'.repeat(65), `${'a'.repeat(64)}=`]) {
      failure(
        () => verifyHmacSignature(BODY, { 'x-signature': value }, { secret }),
        'malformed_header',
        'x-signature',
      )
    }
    failure(() => verifyHmacSignature(BODY, { 'x-signature': 'a'.repeat(64) }, { secret }), 'bad_signature')
    failure(() => verifyHmacSignature(BODY, {}, { secret }), 'missing_header', 'x-signature')
  })

  it('idHeader becomes id (not the replay key: it is unsigned), and is then required', () => {
    const headers = {
      ...signHmacSignature(BODY, { secret }),
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    }
    const options = { secret, idHeader: 'x-github-delivery' }
    expect(verifyHmacSignature(BODY, headers, options)).toEqual({
      scheme: 'hmac',
      id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      timestamp: undefined,
      replayKey: keyOf(signHmacSignature(BODY, { secret })['x-signature']!),
    })
    const { 'X-GitHub-Delivery': _, ...withoutId } = headers
    failure(() => verifyHmacSignature(BODY, withoutId, options), 'missing_header', 'x-github-delivery')
  })

  it('refuses empty and whitespace-padded secrets', () => {
    const headers = signHmacSignature(BODY, { secret })
    failure(() => verifyHmacSignature(BODY, headers, { secret: '' }), 'invalid_secret')
    failure(() => verifyHmacSignature(BODY, headers, { secret: 'whsec_' }), 'invalid_secret')
    const error = failure(
      () => verifyHmacSignature(BODY, headers, { secret: `${secret}\n` }),
      'invalid_secret',
    )
    expect(error.message).toContain('whitespace')
  })
})

describe('timestamped (Stripe style)', () => {
  const secret = 'whsec_stripe_style_secret_used_as_utf8'
  const options = { secret, now: at(TS) }

  it('signs t=<unix>,v1=<hex> over "<t>.<body>" with the secret as UTF-8, whsec_ included', () => {
    const headers = signTimestampedSignature(BODY, { secret, timestamp: TS })
    const expected = createHmac('sha256', secret).update(`${TS}.${BODY}`).digest('hex')
    expect(headers).toEqual({ 'x-signature': `t=${TS},v1=${expected}` })
    expect(verifyTimestampedSignature(BODY, headers, options)).toEqual({
      scheme: 'timestamped',
      id: undefined,
      timestamp: TS,
      replayKey: keyOf(expected),
    })
  })

  it('reads a custom header, skips v0 and decoy v1 entries, tolerates spaces', () => {
    const signed = signTimestampedSignature(BODY, { secret, header: 'Stripe-Signature', timestamp: TS })
    const value = signed['Stripe-Signature']!
    const good = value.slice(value.indexOf('v1='))
    const header = `t=${TS}, v1=${'0'.repeat(64)}, v0=${'1'.repeat(64)}, ${good}`
    const result = verifyTimestampedSignature(
      BODY,
      { 'stripe-signature': header },
      { ...options, header: 'Stripe-Signature' },
    )
    expect(result.timestamp).toBe(TS)
  })

  it.each([
    ['no t element', `v1=${'a'.repeat(64)}`],
    ['a non-numeric t', `t=hello,v1=${'a'.repeat(64)}`],
    ['no v1 element', `t=${TS}`],
    ['only malformed v1', `t=${TS},v1=xyz`],
    ['two different t', `t=${TS},v1=${'a'.repeat(64)}, t=${TS + 1},v1=${'b'.repeat(64)}`],
    ['garbage', 'garbage'],
  ])('rejects a header with %s as malformed', (_, value) => {
    failure(
      () => verifyTimestampedSignature(BODY, { 'x-signature': value }, options),
      'malformed_header',
      'x-signature',
    )
  })

  it('accepts the same header repeated (joined, same t)', () => {
    const value = signTimestampedSignature(BODY, { secret, timestamp: TS })['x-signature']!
    expect(verifyTimestampedSignature(BODY, { 'x-signature': [value, value] }, options).timestamp).toBe(TS)
  })

  it('checks the tolerance in both directions', () => {
    const headers = signTimestampedSignature(BODY, { secret, timestamp: TS })
    failure(
      () => verifyTimestampedSignature(BODY, headers, { secret, now: at(TS + 301) }),
      'timestamp_too_old',
      'x-signature',
    )
    failure(
      () => verifyTimestampedSignature(BODY, headers, { secret, now: at(TS - 301) }),
      'timestamp_too_new',
      'x-signature',
    )
    expect(verifyTimestampedSignature(BODY, headers, { secret, now: at(TS + 300) }).timestamp).toBe(TS)
    expect(verifyTimestampedSignature(BODY, headers, { secret, now: at(TS - 300) }).timestamp).toBe(TS)
    configError(() => verifyTimestampedSignature(BODY, headers, { secret, tolerance: 0, now: at(TS) }))
  })

  it('the signature covers t: a replayed signature with a fresh t fails', () => {
    const value = signTimestampedSignature(BODY, { secret, timestamp: TS })['x-signature']!
    const forged = value.replace(`t=${TS}`, `t=${TS + 60}`)
    failure(
      () => verifyTimestampedSignature(BODY, { 'x-signature': forged }, { secret, now: at(TS + 60) }),
      'bad_signature',
    )
  })

  it('idHeader becomes id, while the replay key stays the signed signature', () => {
    const headers = { ...signTimestampedSignature(BODY, { secret, timestamp: TS }), 'x-delivery-id': 'dlv_1' }
    const result = verifyTimestampedSignature(BODY, headers, { ...options, idHeader: 'X-Delivery-Id' })
    expect(result).toMatchObject({ scheme: 'timestamped', id: 'dlv_1', timestamp: TS })
    const signature = signTimestampedSignature(BODY, { secret, timestamp: TS })['x-signature']!
    expect(result.replayKey).toBe(keyOf(signature.split('v1=')[1]!))
    const { 'x-delivery-id': _, ...withoutId } = headers
    failure(
      () => verifyTimestampedSignature(BODY, withoutId, { ...options, idHeader: 'x-delivery-id' }),
      'missing_header',
    )
  })
})

describe('raw bytes in', () => {
  // octokit/webhooks.js#71: JSON.stringify(JSON.parse(x)) is not x. The sender escaped ESC as \u001B;
  // JSON.stringify writes \u001b, so a re-serialised body no longer matches the signature.
  const raw = '{"event":"goal","note":"\\u001B[1mGOAL\\u001B[0m"}'
  const reserialised = JSON.stringify(JSON.parse(raw))
  const hmacSecret = 'octokit-71'

  it('the regression body really changes when re-serialised', () => {
    expect(reserialised).not.toBe(raw)
    expect(reserialised).toContain('\\u001b')
  })

  it.each([
    [
      'standard-webhooks',
      () => signStandardWebhook(raw, { secret: SECRET, id: MSG_ID, timestamp: TS }),
      (body: unknown, headers: Record<string, string>) => verifyStandardWebhook(body, headers, swOptions),
    ],
    [
      'hmac',
      () => signHmacSignature(raw, { secret: hmacSecret }),
      (body: unknown, headers: Record<string, string>) =>
        verifyHmacSignature(body, headers, { secret: hmacSecret }),
    ],
    [
      'timestamped',
      () => signTimestampedSignature(raw, { secret: hmacSecret, timestamp: TS }),
      (body: unknown, headers: Record<string, string>) =>
        verifyTimestampedSignature(body, headers, { secret: hmacSecret, now: at(TS) }),
    ],
  ])('%s: passes raw, fails re-serialised, refuses the parsed object', (_, sign, verify) => {
    const headers = sign()
    expect(verify(raw, headers).replayKey).toBeTruthy()
    expect(verify(Buffer.from(raw), headers).replayKey).toBeTruthy()
    failure(() => verify(reserialised, headers), 'bad_signature')
    const error = failure(() => verify(JSON.parse(raw), headers), 'invalid_body')
    expect(error.message).toContain('must be the raw request body')
    expect(error.message).toContain('got object')
    expect(error.message).toContain('express.raw()')
  })

  it('verifies string, Buffer, Uint8Array, a Uint8Array view with an offset and an ArrayBuffer alike', () => {
    const body = 'café ⚽ {"minute": 90}'
    const headers = signHmacSignature(body, { secret: hmacSecret })
    const bytes = new TextEncoder().encode(body)
    const padded = new Uint8Array(bytes.length + 7)
    padded.set(bytes, 3)
    for (const candidate of [
      body,
      Buffer.from(body),
      bytes,
      padded.subarray(3, 3 + bytes.length),
      bytes.slice().buffer,
    ]) {
      expect(verifyHmacSignature(candidate, headers, { secret: hmacSecret }).scheme).toBe('hmac')
    }
    // Signing accepts the same bodies and gives the same header.
    expect(signHmacSignature(Buffer.from(body), { secret: hmacSecret })).toEqual(headers)
    expect(signHmacSignature(bytes, { secret: hmacSecret })).toEqual(headers)
  })

  it.each([
    ['a plain object', { event: 'goal' }, 'got object'],
    ['null', null, 'got null'],
    ['undefined (no body parser ran)', undefined, 'got undefined'],
    ['a number', 42, 'got number'],
    ['an array', [1, 2], 'got an array'],
    ['a Map', new Map(), 'got object (Map)'],
  ])('refuses %s with invalid_body', (_, body, got) => {
    const headers = signHmacSignature(BODY, { secret: hmacSecret })
    const error = failure(() => verifyHmacSignature(body, headers, { secret: hmacSecret }), 'invalid_body')
    expect(error.message).toContain(got)
    expect(error.scheme).toBe('hmac')
    failure(() => verifyStandardWebhook(body, vectorHeaders(), swOptions), 'invalid_body')
    failure(() => verifyTimestampedSignature(body, {}, { secret: hmacSecret }), 'invalid_body')
  })

  it('toBytes encodes strings as UTF-8 and passes bytes through without a copy', () => {
    expect([...toBytes('é')]).toEqual([0xc3, 0xa9])
    const buffer = Buffer.from('x')
    expect(toBytes(buffer)).toBe(buffer)
    const bytes = new Uint8Array([1, 2, 3])
    expect(toBytes(bytes)).toBe(bytes)
    const error = failure(() => toBytes({}), 'invalid_body')
    expect(error.scheme).toBe('hmac')
    expect(failure(() => toBytes({}, 'timestamped'), 'invalid_body').scheme).toBe('timestamped')
  })
})

describe('header lookup', () => {
  it('getHeader is case-insensitive for plain objects and Headers', () => {
    const plain = { 'Webhook-ID': 'a', 'x-signature': 'b' }
    expect(getHeader(plain, 'webhook-id')).toBe('a')
    expect(getHeader(plain, 'X-SIGNATURE')).toBe('b')
    expect(getHeader(plain, 'missing')).toBeUndefined()
    const fetchHeaders = new Headers(plain)
    expect(getHeader(fetchHeaders, 'WEBHOOK-ID')).toBe('a')
    expect(getHeader(fetchHeaders, 'missing')).toBeUndefined()
  })

  it('joins repeated values with ", " (like Headers and Node), an empty array is absent', () => {
    expect(getHeader({ 'x-a': ['1', '2'] }, 'X-A')).toBe('1, 2')
    const fetchHeaders = new Headers()
    fetchHeaders.append('x-a', '1')
    fetchHeaders.append('x-a', '2')
    expect(getHeader(fetchHeaders, 'x-a')).toBe('1, 2')
    expect(getHeader({ 'x-a': [] }, 'x-a')).toBeUndefined()
    expect(getHeader({ 'x-a': undefined, 'X-A': 'later' }, 'x-a')).toBe('later')
  })

  it('works with a null-prototype object such as IncomingHttpHeaders', () => {
    const headers = Object.assign(Object.create(null) as Record<string, string>, { 'webhook-id': 'a' })
    expect(getHeader(headers, 'Webhook-Id')).toBe('a')
  })

  it('every verifier reads mixed-case plain objects and Headers', () => {
    const mixed = { 'WEBHOOK-ID': MSG_ID, 'Webhook-Timestamp': String(TS), 'webhook-Signature': SIGNATURE }
    expect(verifyStandardWebhook(BODY, mixed, swOptions).id).toBe(MSG_ID)
    expect(verifyStandardWebhook(BODY, new Headers(mixed), swOptions).id).toBe(MSG_ID)

    const h = signHmacSignature(BODY, { secret: 's', header: 'X-Hub-Signature-256', prefix: 'sha256=' })
    const hOptions = { secret: 's', header: 'x-hub-signature-256', prefix: 'sha256=' }
    expect(verifyHmacSignature(BODY, h, hOptions).scheme).toBe('hmac')
    expect(verifyHmacSignature(BODY, new Headers(h), hOptions).scheme).toBe('hmac')

    const t = signTimestampedSignature(BODY, { secret: 's', header: 'Stripe-Signature', timestamp: TS })
    const tOptions = { secret: 's', header: 'STRIPE-SIGNATURE', now: at(TS) }
    expect(verifyTimestampedSignature(BODY, t, tOptions).timestamp).toBe(TS)
    expect(verifyTimestampedSignature(BODY, new Headers(t), tOptions).timestamp).toBe(TS)
  })
})

describe('errors never contain a secret or the expected signature', () => {
  const hmacSecret = 'correct-horse-battery-staple-9f8e7d'
  const padded = ` ${hmacSecret}\n`
  const expectedHmac = createHmac('sha256', hmacSecret).update(BODY).digest('hex')

  function assertClean(error: WebhookVerificationError, ...forbidden: string[]) {
    const serialised = JSON.stringify(error)
    for (const text of [error.message, serialised, String(error), String(error.stack)]) {
      for (const secret of forbidden) expect(text).not.toContain(secret)
    }
    expect(JSON.parse(serialised)).toMatchObject({
      code: 'webhook_verification_failed',
      reason: error.reason,
    })
  }

  it('standard-webhooks', () => {
    const forbidden = [SECRET, BARE_SECRET, BARE_SECRET.slice(0, 12), SIGNATURE.slice(3, 20)]
    const wrong = { ...vectorHeaders(), 'webhook-signature': DECOY }
    assertClean(
      failure(() => verifyStandardWebhook(BODY, wrong, swOptions), 'bad_signature'),
      ...forbidden,
    )
    const old = { secret: SECRET, now: at(TS + 1000) }
    assertClean(
      failure(() => verifyStandardWebhook(BODY, vectorHeaders(), old), 'timestamp_too_old'),
      ...forbidden,
    )
    const spaced = { secret: `${SECRET} `, now: at(TS) }
    const error = failure(() => verifyStandardWebhook(BODY, vectorHeaders(), spaced), 'invalid_secret')
    expect(error.message).toContain('whitespace')
    assertClean(error, ...forbidden)
    const notB64 = { secret: 'whsec_Zm9v!bar', now: at(TS) }
    assertClean(
      failure(() => verifyStandardWebhook(BODY, vectorHeaders(), notB64), 'invalid_secret'),
      'Zm9v',
      'bar',
    )
  })

  it('hmac', () => {
    const forbidden = [hmacSecret, hmacSecret.slice(0, 10), expectedHmac, expectedHmac.slice(0, 16)]
    const wrong = { 'x-signature': 'a'.repeat(64) }
    assertClean(
      failure(() => verifyHmacSignature(BODY, wrong, { secret: hmacSecret }), 'bad_signature'),
      ...forbidden,
    )
    const error = failure(
      () => verifyHmacSignature(BODY, wrong, { secret: ['other', padded] }),
      'invalid_secret',
    )
    expect(error.message).toContain('secret #2 of 2 has leading or trailing whitespace')
    assertClean(error, ...forbidden)
  })

  it('timestamped', () => {
    const expected = createHmac('sha256', hmacSecret).update(`${TS}.${BODY}`).digest('hex')
    const forbidden = [hmacSecret, expected, expected.slice(0, 16)]
    const wrong = { 'x-signature': `t=${TS},v1=${'b'.repeat(64)}` }
    const options = { secret: hmacSecret, now: at(TS) }
    assertClean(
      failure(() => verifyTimestampedSignature(BODY, wrong, options), 'bad_signature'),
      ...forbidden,
    )
    const headers = signTimestampedSignature(BODY, { secret: hmacSecret, timestamp: TS })
    const late = { secret: hmacSecret, now: at(TS - 5000) }
    assertClean(
      failure(() => verifyTimestampedSignature(BODY, headers, late), 'timestamp_too_new'),
      ...forbidden,
    )
    const spaced = { secret: padded, now: at(TS) }
    assertClean(
      failure(() => verifyTimestampedSignature(BODY, headers, spaced), 'invalid_secret'),
      ...forbidden,
    )
  })
})
