import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import { createWebhookHandler, signStandardWebhook, type WebhookRequest } from '../../src/webhooks/index.js'

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const NOW = 1_800_000_000

function handler(now = NOW * 1000) {
  return createWebhookHandler({
    verify: { scheme: 'standard-webhooks', secret, now: () => now },
    parse: (body) => parseCustomEvents(body),
    onEvents: async () => {},
    maxBodyBytes: 4096,
  })
}

const request = (
  body: Uint8Array | string,
  headers: Record<string, string>,
  method = 'POST',
): WebhookRequest => ({
  method,
  headers,
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
})

// Plausible and implausible values for every field of the custom payload.
const anyValue = fc.oneof(
  fc.string(),
  fc.integer({ min: -200, max: 300 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('8841', 'goal', 'own_goal', 'yellow_card', '2026-11-24T15:00:00Z', 'a:b', 45, 120, 100.5),
  fc.array(fc.integer(), { maxLength: 2 }),
)
const payloadItem = fc.record(
  {
    match_id: anyValue,
    event_type: anyValue,
    minute: anyValue,
    second: anyValue,
    added_time: anyValue,
    period: anyValue,
    event_id: anyValue,
    version: anyValue,
    team_id: anyValue,
    team_side: fc.oneof(anyValue, fc.constantFrom('home', 'away')),
    player_id: anyValue,
    position_x: anyValue,
    position_y: anyValue,
    end_position_x: anyValue,
    score: fc.oneof(anyValue, fc.record({ home: anyValue, away: anyValue })),
    metadata: anyValue,
    timestamp: anyValue,
  },
  { requiredKeys: [] },
)
const payload = fc.oneof(
  payloadItem,
  fc.array(payloadItem, { maxLength: 4 }),
  fc.json().map((j) => JSON.parse(j)),
)

describe('webhook handler fuzz', () => {
  it('never throws and never answers 2xx or 5xx to random headers and bodies', async () => {
    const h = handler()
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.dictionary(
          fc.constantFrom(
            'webhook-id',
            'webhook-timestamp',
            'webhook-signature',
            'content-length',
            'x-forwarded-for',
          ),
          fc.oneof(
            fc.string(),
            fc.constantFrom('v1,', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', `${NOW}`),
          ),
        ),
        fc.constantFrom('POST', 'GET', 'post', 'PUT'),
        async (body, headers, method) => {
          const res = await h.handle(request(body, headers, method))
          expect([401, 405, 413]).toContain(res.status)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('answers 200 or 400 — never 5xx — to any validly signed payload', async () => {
    const h = handler()
    await fc.assert(
      fc.asyncProperty(payload, fc.stringMatching(/^msg_[A-Za-z0-9]{1,20}$/), async (value, id) => {
        const body = JSON.stringify(value) ?? 'null'
        const res = await h.handle(request(body, signStandardWebhook(body, { secret, id, timestamp: NOW })))
        expect(res.status, res.body).toBeOneOf([200, 400, 413])
        if (res.status === 400) {
          const { error } = JSON.parse(res.body)
          expect(error.code).toBe('invalid_payload')
          expect(typeof error.field).toBe('string')
        }
      }),
      { numRuns: 600 },
    )
  })

  it('never accepts a body with any byte changed', async () => {
    const h = handler()
    const body = new TextEncoder().encode(JSON.stringify({ match_id: '1', event_type: 'goal', minute: 10 }))
    await fc.assert(
      fc.asyncProperty(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), async (at, delta) => {
        const headers = signStandardWebhook(body, { secret, id: `msg_${at}_${delta}`, timestamp: NOW })
        const tampered = body.slice()
        tampered[at] = (tampered[at]! + delta) % 256
        const res = await h.handle(request(tampered, headers))
        expect(res.status).toBe(401)
      }),
      { numRuns: 300 },
    )
  })

  it('accepts a valid signature exactly when the clock is within the tolerance, both directions', async () => {
    const body = JSON.stringify({ match_id: '1', event_type: 'goal', minute: 10 })
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -1000, max: 1000 }), async (skew) => {
        const headers = signStandardWebhook(body, { secret, id: `msg_${skew}`, timestamp: NOW })
        const res = await handler((NOW + skew) * 1000).handle(request(body, headers))
        expect(res.status).toBe(Math.abs(skew) <= 300 ? 200 : 401)
      }),
      { numRuns: 300 },
    )
  })
})
