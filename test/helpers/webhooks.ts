import { createHash } from 'node:crypto'
import { expect } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import { type WebhookFailureReason, WebhookVerificationError } from '../../src/webhooks/errors.js'

// The official Standard Webhooks vector (identical in every reference library's test suite).
export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
export const BARE_SECRET = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
export const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
export const TS = 1614265330
export const BODY = '{"test": 2432232314}'
export const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
export const DECOY = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='

export const at = (unixSeconds: number) => () => unixSeconds * 1000
export const vectorHeaders = (): Record<string, string> => ({
  'webhook-id': MSG_ID,
  'webhook-timestamp': String(TS),
  'webhook-signature': SIGNATURE,
})
export const swOptions = { secret: SECRET, now: at(TS) }

/** The replay key of a hex signature: its SHA-256, never the signature itself. */
export const keyOf = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')

/** Runs `fn`, expects a WebhookVerificationError with `reason`, and returns it. */
export function failure(
  fn: () => unknown,
  reason: WebhookFailureReason,
  header?: string,
): WebhookVerificationError {
  const thrown = thrownBy(fn)
  expect(thrown).toBeInstanceOf(WebhookVerificationError)
  const error = thrown as WebhookVerificationError
  expect(error.reason, error.message).toBe(reason)
  expect(error).toBeInstanceOf(MatchfeedError)
  expect(error.code).toBe('webhook_verification_failed')
  expect(error.retryable).toBe(false)
  if (header !== undefined) expect(error.header).toBe(header)
  return error
}

export function configError(fn: () => unknown): MatchfeedError {
  const thrown = thrownBy(fn)
  expect(thrown).toBeInstanceOf(MatchfeedError)
  expect(thrown).not.toBeInstanceOf(WebhookVerificationError)
  expect((thrown as MatchfeedError).code).toBe('invalid_option')
  return thrown as MatchfeedError
}

/** What `fn` throws, or undefined when it returns. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}
