// GET /api/v1/matches/:id/events: a match's stored events (latest version of each), in seq order, paged.
import type { FastifyInstance } from 'fastify'
import { readEvents } from 'matchfeed/sinks/postgres'
import { sendStorageFailure } from '../http/errors.js'
import type { Runtime } from '../runtime.js'

const MAX_PAGE = 1000

const querySchema = {
  type: 'object',
  properties: {
    afterSeq: { type: 'number', minimum: -1 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 500 },
  },
  additionalProperties: false,
} as const

export function eventRoutes(runtime: Runtime) {
  return async (scope: FastifyInstance) => {
    scope.get<{ Params: { id: string }; Querystring: { afterSeq?: number; limit: number } }>(
      '/api/v1/matches/:id/events',
      { schema: { querystring: querySchema } },
      async (request, reply) => {
        const { afterSeq, limit } = request.query
        try {
          const events = await readEvents(runtime.storage.client, {
            matchId: request.params.id,
            afterSeq,
            limit,
          })
          // A full page may have more behind it: the client asks again after the last seq.
          const next = events.length === limit ? events.at(-1)?.seq : undefined
          return { matchId: request.params.id, events, nextAfterSeq: next ?? null }
        } catch (error) {
          return sendStorageFailure(reply, error)
        }
      },
    )
  }
}
