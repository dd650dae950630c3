import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signTimestampedSignature, verifyTimestampedSignature } from '../../src/webhooks/timestamped.js'
import { at, BODY, configError, failure, keyOf, TS } from '../helpers/webhooks.js'

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
