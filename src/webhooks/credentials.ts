import { createHash, timingSafeEqual } from 'node:crypto'
import { invalidOption } from '../errors.js'
import { type VerifiedWebhook, WebhookVerificationError } from './errors.js'
import { getHeader, type HeaderBag } from './headers.js'
import { headerName } from './hmac-core.js'
import type { WebhookVerifyFunction } from './request-verifier.js'

/**
 * For pushes that carry no signature (Opta's F-feed push): HTTP Basic credentials and/or a shared-secret
 * header, compared in constant time. The replay key is a hash of the body, so a re-sent identical
 * snapshot is acknowledged without being handled twice.
 */
export function credentialsVerifier(
  options: {
    basic?: { username: string; password: string }
    header?: { name: string; secret: string }
  },
  /** @internal The function the user called, and where these options sit in its own. */
  owner = 'credentialsVerifier',
  at = '',
): WebhookVerifyFunction {
  if (!options.basic && !options.header) {
    throw invalidOption(owner, `${at}basic`, `pass basic and/or ${at}header credentials`)
  }
  for (const [option, value] of [
    ['basic.password', options.basic?.password],
    ['header.secret', options.header?.secret],
  ] as const) {
    // The length only: a secret is never echoed.
    if (value !== undefined && value.length < 8) {
      throw invalidOption(owner, `${at}${option}`, 'must be at least 8 characters')
    }
  }
  if (options.header) headerName(options.header.name, '', `${at}header.name`, owner)
  const expectedBasic = options.basic
    ? digest(`Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`)
    : undefined
  const expectedHeader = options.header ? digest(options.header.secret) : undefined
  const checkHeaders = (headers: HeaderBag) => {
    if (expectedBasic) check(headers, 'authorization', expectedBasic)
    if (expectedHeader) check(headers, options.header!.name, expectedHeader)
  }
  const verify = (body: Uint8Array, headers: HeaderBag): VerifiedWebhook => {
    checkHeaders(headers)
    return {
      scheme: 'hmac',
      id: undefined,
      timestamp: undefined,
      replayKey: createHash('sha256').update(body).digest('hex'),
    }
  }
  // Everything is in the headers: a receiver checks them before it reads the body.
  return Object.assign(verify, {
    checkHeaders,
    credentialHeaders: options.header ? ['authorization', options.header.name] : ['authorization'],
  })
}

// Compared as SHA-256 digests: equal lengths for timingSafeEqual, and the secret's length does not leak.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function check(headers: HeaderBag, name: string, expected: Buffer): void {
  let value = getHeader(headers, name)
  // The auth scheme is case-insensitive (RFC 9110): `basic …` is `Basic …`.
  if (value !== undefined && name === 'authorization' && /^basic /i.test(value))
    value = `Basic ${value.slice(6)}`
  if (value === undefined) {
    throw new WebhookVerificationError(`header ${name} is missing`, {
      reason: 'missing_header',
      scheme: 'hmac',
      header: name,
    })
  }
  if (!timingSafeEqual(digest(value), expected)) {
    throw new WebhookVerificationError(`header ${name} does not hold the expected credentials`, {
      reason: 'bad_signature',
      scheme: 'hmac',
      header: name,
    })
  }
}
