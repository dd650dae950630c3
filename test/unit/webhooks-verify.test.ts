import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { WebhookVerificationError } from '../../src/webhooks/errors.js'
import { getHeader } from '../../src/webhooks/headers.js'
import { signHmacSignature, verifyHmacSignature } from '../../src/webhooks/hmac.js'
import { toBytes } from '../../src/webhooks/raw-body.js'
import { signStandardWebhook, verifyStandardWebhook } from '../../src/webhooks/standard-webhooks.js'
import { signTimestampedSignature, verifyTimestampedSignature } from '../../src/webhooks/timestamped.js'
import {
  at,
  BARE_SECRET,
  BODY,
  DECOY,
  failure,
  MSG_ID,
  SECRET,
  SIGNATURE,
  swOptions,
  TS,
  vectorHeaders,
} from '../helpers/webhooks.js'

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
