// POST /api/v1/matches/:id/events: the guide's "custom feed", events typed in by an operator (API key).
import type { FastifyInstance } from 'fastify'
import { type MatchEvent, ProviderPayloadError } from 'matchfeed'
import { parseCustomEvents } from 'matchfeed/custom'
import type { Config } from '../config.js'
import { withDeadline } from '../deadline.js'
import { operatorAccess } from '../http/api-key.js'
import { sendError, sendStorageFailure } from '../http/errors.js'
import { routeRateLimit } from '../http/rate-limit.js'
import type { Runtime } from '../runtime.js'

export const MANUAL_PROVIDER = 'manual'

const paramsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^:]+$' } },
} as const

type Item = Record<string, unknown>

/** The path names the match: an item may leave `match_id` out, but may not name another one. */
function withMatchId(body: unknown, matchId: string): unknown {
  const fill = (item: unknown, field: string): unknown => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item
    const given = (item as Item).match_id
    if (given === undefined) return { ...item, match_id: matchId }
    if (String(given) !== matchId)
      throw new ProviderPayloadError(
        MANUAL_PROVIDER,
        field,
        `is "${given}" but the path names match "${matchId}"`,
      )
    return item
  }
  return Array.isArray(body) ? body.map((item, i) => fill(item, `[${i}].match_id`)) : fill(body, 'match_id')
}

/** The first event already stored at a higher version: a correction must carry a higher version than what is there. */
async function firstStale(runtime: Runtime, events: MatchEvent[]) {
  const { rows } = await runtime.storage.client.query(
    'SELECT id, version FROM match_events WHERE id = ANY($1)',
    [events.map((e) => e.id)],
  )
  const stored = new Map(rows.map((r) => [String(r.id), Number(r.version)]))
  const stale = events.find((e) => (stored.get(e.id) ?? -1) > e.version)
  return stale && { id: stale.id, stored: stored.get(stale.id) }
}

export function manualRoutes(config: Config, runtime: Runtime) {
  const access = operatorAccess(config, runtime)
  return async (scope: FastifyInstance) => {
    scope.post<{ Params: { id: string } }>(
      '/api/v1/matches/:id/events',
      {
        schema: { params: paramsSchema },
        bodyLimit: config.MAX_BODY_BYTES,
        config: { rateLimit: routeRateLimit(config) },
        preParsing: access,
      },
      async (request, reply) => {
        const events = parseCustomEvents(withMatchId(request.body, request.params.id), {
          provider: MANUAL_PROVIDER,
        })
        // The check and the storing are answered within RESPOND_WITHIN_MS, like the webhooks: a 503 while the
        // storing goes on, never a 2xx before it is durable (a retry carries the same ids and versions, which
        // the pipeline's dedupe absorbs).
        const work = (async () => {
          const stale = await firstStale(runtime, events)
          if (!stale) await runtime.pipeline.emit(events, 'manual')
          return { stale }
        })()
        let outcome: Awaited<typeof work> | undefined
        try {
          outcome = await withDeadline(work, config.RESPOND_WITHIN_MS, () => undefined)
        } catch (error) {
          return sendStorageFailure(reply, error)
        }
        if (outcome === undefined) {
          work.catch((error) => request.log.error({ err: error }, 'manual events not stored'))
          return sendError(reply, 503, 'still_storing', 'the events are not stored yet; retry later')
        }
        if (outcome.stale) {
          const { id, stored } = outcome.stale
          const message = `${id} is stored at version ${stored}; send a higher version to correct it`
          return sendError(reply, 409, 'stale_version', message, 'version')
        }
        return { status: 'ok', events: events.length, ids: events.map((e) => e.id) }
      },
    )
  }
}
