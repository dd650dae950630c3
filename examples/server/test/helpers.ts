// What the server's tests share: a configuration, signed deliveries, guide-format events.
import type { FastifyInstance } from 'fastify'
import { signHmacSignature } from 'matchfeed/webhooks'
import { build } from '../src/app.js'
import { type Config, loadConfig } from '../src/config.js'

export const SECRET = 'current-secret-0123456789'
export const PREVIOUS_SECRET = 'previous-secret-0123456789'
export const API_KEY = 'operator-key-0123456789abcdef'

/** An embedded server without the simulator, quiet; `env` overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    SIMULATE: 'false',
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET,
    MANUAL_API_KEYS: API_KEY,
    ...env,
  })
}

/** The server built on `testConfig(env)` (no port), its plugins loaded and its storage migrated. */
export async function buildReady(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await build(testConfig(env))
  await app.ready()
  await app.runtime.ready
  return app
}

/** One event of the integration guide's webhook payload. */
export function guideEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    match_id: '7001',
    event_id: 'e1',
    event_type: 'goal',
    minute: 12,
    team_id: 't1',
    player_id: 'p9',
    position_x: 88,
    position_y: 50,
    timestamp: '2025-05-25T15:12:00Z',
    ...fields,
  }
}

/** Headers and body of a delivery signed as the guide's sender does (X-Signature: hex HMAC of the raw body). */
export function signed(payload: unknown, secret = SECRET) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  return {
    body,
    headers: {
      'content-type': 'application/json',
      ...signHmacSignature(body, { secret, header: 'x-signature' }),
    },
  }
}

/** A signed delivery to the match-events webhook of an app built in the test (inject, no port). */
export function injectDelivery(app: FastifyInstance, payload: unknown) {
  const { body, headers } = signed(payload)
  return app.inject({ method: 'POST', url: '/api/v1/webhooks/match-events', payload: body, headers })
}
