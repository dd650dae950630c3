import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signHmacSignature, verifyHmacSignature } from '../../src/webhooks/hmac.js'
import { BODY, failure, keyOf } from '../helpers/webhooks.js'

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

  it('a wider character is not read as the hex digit of its low byte', () => {
    const signature = signHmacSignature(BODY, { secret })['x-signature']!
    // The same low byte as the first hex digit, with U+FF00 or U+0100 above it ('4' → U+FF34, U+0134).
    for (const high of [0xff00, 0x0100]) {
      const wide = String.fromCharCode(high | signature.charCodeAt(0))
      failure(
        () => verifyHmacSignature(BODY, { 'x-signature': wide + signature.slice(1) }, { secret }),
        'malformed_header',
        'x-signature',
      )
    }
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
