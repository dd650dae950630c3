import { describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import { signStandardWebhook, verifyStandardWebhook } from '../../src/webhooks/standard-webhooks.js'
import {
  at,
  BARE_SECRET,
  BODY,
  configError,
  DECOY,
  failure,
  MSG_ID,
  SECRET,
  SIGNATURE,
  swOptions,
  TS,
  vectorHeaders,
} from '../helpers/webhooks.js'

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
