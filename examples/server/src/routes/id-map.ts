// The id map (matchfeed/id-mapping): provider ids → yours. PUT takes entries (the manual-entry API key), GET
// lists them, GET …/unmapped says which ids came in without one (counted by this instance since it started).
import type { FastifyInstance } from 'fastify'
import { ID_KINDS, type IdKind, type IdMapping, InvalidIdMapEntryError } from 'matchfeed/id-mapping'
import type { Config } from '../config.js'
import { operatorAccess } from '../http/api-key.js'
import { sendError, sendStorageFailure } from '../http/errors.js'
import type { Runtime } from '../runtime.js'

const MAX_ENTRIES = 1000

const putSchema = {
  type: 'object',
  required: ['entries'],
  properties: { entries: { type: 'array', maxItems: MAX_ENTRIES } },
} as const

const listSchema = {
  type: 'object',
  properties: {
    provider: { type: 'string', minLength: 1 },
    kind: { type: 'string', enum: [...ID_KINDS] },
    limit: { type: 'integer', minimum: 1, maximum: MAX_ENTRIES, default: MAX_ENTRIES },
  },
  additionalProperties: false,
} as const

export function idMapRoutes(config: Config, runtime: Runtime, idMap: IdMapping) {
  const access = operatorAccess(config, runtime)
  return async (scope: FastifyInstance) => {
    scope.get('/api/v1/id-map/unmapped', async () => idMap.unmapped())

    scope.get<{ Querystring: { provider?: string; kind?: IdKind; limit: number } }>(
      '/api/v1/id-map',
      { schema: { querystring: listSchema } },
      async (request, reply) => {
        try {
          return { entries: await idMap.list(request.query) }
        } catch (error) {
          if (InvalidIdMapEntryError.isInstance(error))
            return sendError(reply, 400, error.code, error.message, error.field)
          return sendStorageFailure(reply, error)
        }
      },
    )

    scope.put<{ Body: { entries: unknown[] } }>(
      '/api/v1/id-map',
      {
        schema: { body: putSchema },
        bodyLimit: config.MAX_BODY_BYTES,
        config: { rateLimit: { max: config.RATE_LIMIT_MAX, timeWindow: config.RATE_LIMIT_WINDOW_MS } },
        preParsing: access,
      },
      async (request, reply) => {
        try {
          // Through the mapping, not the store alone: this instance's cache follows at once (others within
          // the cache's minute).
          await idMap.set(request.body.entries as never)
        } catch (error) {
          if (InvalidIdMapEntryError.isInstance(error))
            return sendError(reply, 400, error.code, error.message, `entries${error.field}`)
          return sendStorageFailure(reply, error)
        }
        return { status: 'ok', entries: request.body.entries.length }
      },
    )
  }
}
