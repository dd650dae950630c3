// GET /api/v1/matches/:id/events: a match's stored events (latest version of each), in (seq, id) order, paged.
import type { FastifyInstance } from 'fastify'
import { readEvents } from 'matchfeed/sinks/postgres'
import { sendStorageFailure } from '../http/errors.js'
import type { Runtime } from '../runtime.js'

const MAX_PAGE = 1000

const querySchema = {
  type: 'object',
  properties: {
    afterSeq: { type: 'number', minimum: -1 },
    // Events may share a seq: the id of the last one read says where in them the next page starts.
    afterId: { type: 'string', minLength: 1, maxLength: 1000 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 500 },
  },
  dependencies: { afterId: ['afterSeq'] },
  additionalProperties: false,
} as const

export function eventRoutes(runtime: Runtime) {
  return async (scope: FastifyInstance) => {
    scope.get<{
      Params: { id: string }
      Querystring: { afterSeq?: number; afterId?: string; limit: number }
    }>('/api/v1/matches/:id/events', { schema: { querystring: querySchema } }, async (request, reply) => {
      const { afterSeq, afterId, limit } = request.query
      try {
        const events = await readEvents(runtime.storage.client, {
          matchId: request.params.id,
          afterSeq,
          afterId,
          limit,
        })
        // A full page may have more behind it: the client asks again after the last one (its seq and id).
        const last = events.length === limit ? events.at(-1) : undefined
        return {
          matchId: request.params.id,
          events,
          nextAfterSeq: last?.seq ?? null,
          nextAfterId: last?.id ?? null,
        }
      } catch (error) {
        return sendStorageFailure(reply, error)
      }
    })
  }
}
