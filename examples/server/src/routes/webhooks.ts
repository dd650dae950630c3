// POST /api/v1/webhooks/match-events and /match-status: the integration guide's payload, signed with
// HMAC-SHA256 over the raw body in X-Signature (hex), verified before anything is parsed.
import type { FastifyInstance } from 'fastify'
import { type MatchEvent, ProviderPayloadError } from 'matchfeed'
import { parseCustomEvents } from 'matchfeed/custom'
import { createWebhookHandler, type WebhookHandler } from 'matchfeed/webhooks'
import type { Config } from '../config.js'
import { routeRateLimit } from '../http/rate-limit.js'
import { refuseUntilMigrated } from '../http/readiness.js'
import type { Runtime } from '../runtime.js'

export const MATCH_EVENTS_PATH = '/api/v1/webhooks/match-events'
export const MATCH_STATUS_PATH = '/api/v1/webhooks/match-status'
export const SIGNATURE_HEADER = 'x-signature'

/** What the status route takes: the clock and the state of the match, not what happens on the pitch. */
export const STATUS_TYPES: ReadonlySet<MatchEvent['type']> = new Set([
  'period_start',
  'period_end',
  'match_status',
])

function onlyStatusEvents(events: MatchEvent[]): MatchEvent[] {
  const i = events.findIndex((e) => !STATUS_TYPES.has(e.type))
  if (i >= 0)
    throw new ProviderPayloadError(
      'custom',
      events.length > 1 ? `[${i}].event_type` : 'event_type',
      `"${events[i]!.providerType}" is not a match status; send it to ${MATCH_EVENTS_PATH}`,
    )
  return events
}

export function webhookRoutes(config: Config, runtime: Runtime) {
  function handler(source: string, parse: (body: Uint8Array) => MatchEvent[]): WebhookHandler {
    return createWebhookHandler({
      // Two secrets during a rotation: the sender may sign with either until it has switched.
      verify: { scheme: 'hmac', secret: config.webhookSecrets, header: SIGNATURE_HEADER },
      parse,
      onEvents: (events) => runtime.pipeline.emit(events, source),
      maxBodyBytes: config.MAX_BODY_BYTES,
      respondWithinMs: config.RESPOND_WITHIN_MS,
      replay: { store: runtime.seenIds },
      ...(config.WEBHOOK_ALLOW_IPS.length > 0 && { allowIps: config.WEBHOOK_ALLOW_IPS }),
      ...(config.TRUSTED_PROXIES.length > 0 && { trustedProxies: config.TRUSTED_PROXIES }),
    })
  }
  const matchEvents = handler('webhook:match-events', (body) => parseCustomEvents(body))
  const matchStatus = handler('webhook:match-status', (body) => onlyStatusEvents(parseCustomEvents(body)))
  const rateLimit = routeRateLimit(config)

  return async (scope: FastifyInstance) => {
    // In this scope Fastify leaves the body unread: matchfeed reads, caps and verifies the raw stream.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
    for (const [path, webhook] of [
      [MATCH_EVENTS_PATH, matchEvents],
      [MATCH_STATUS_PATH, matchStatus],
    ] as const) {
      scope.post(
        path,
        { config: { rateLimit }, onRequest: refuseUntilMigrated(runtime) },
        async (request, reply) => {
          reply.hijack()
          await webhook.node(request.raw, reply.raw)
        },
      )
    }
  }
}
