// The id map (matchfeed/id-mapping): provider ids → yours. PUT takes entries, GET lists them a page at a time,
// GET …/unmapped says which ids came in without one (counted by this instance since it started). All three
// behind the operator's API key: the map and the unmapped ids are the operator's, not the public's.
import type { FastifyInstance } from 'fastify'
import {
  ID_KINDS,
  type IdKind,
  type IdMapKey,
  type IdMapping,
  InvalidIdMapEntryError,
} from 'matchfeed/id-mapping'
import type { Config } from '../config.js'
import { operatorAccess } from '../http/api-key.js'
import { sendError, sendStorageFailure } from '../http/errors.js'
import { routeRateLimit } from '../http/rate-limit.js'
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
    // The `next` of the previous page: `<provider>:<kind>:<externalId>` (neither of the first two holds a ":").
    after: { type: 'string', pattern: '^[^:]+:[^:]+:', maxLength: 1024 },
  },
  additionalProperties: false,
} as const

type ListQuery = { provider?: string; kind?: IdKind; limit: number; after?: string }

const cursorOf = (key: IdMapKey) => `${key.provider}:${key.kind}:${key.externalId}`

function keyOfCursor(cursor: string): IdMapKey {
  const first = cursor.indexOf(':')
  const second = cursor.indexOf(':', first + 1)
  return {
    provider: cursor.slice(0, first),
    kind: cursor.slice(first + 1, second) as IdKind,
    externalId: cursor.slice(second + 1),
  }
}

export function idMapRoutes(config: Config, runtime: Runtime, idMap: IdMapping) {
  const access = operatorAccess(config, runtime)
  const rateLimit = routeRateLimit(config)
  return async (scope: FastifyInstance) => {
    // preParsing runs for GETs too (on no body): the same guard, after the rate limit, as on PUT.
    scope.get('/api/v1/id-map/unmapped', { config: { rateLimit }, preParsing: access }, async () =>
      idMap.unmapped(),
    )

    scope.get<{ Querystring: ListQuery }>(
      '/api/v1/id-map',
      { schema: { querystring: listSchema }, config: { rateLimit }, preParsing: access },
      async (request, reply) => {
        const { after, limit, ...filter } = request.query
        try {
          // One more than the page: whether there is a next one, without a count.
          const entries = await idMap.list({
            ...filter,
            limit: limit + 1,
            ...(after !== undefined && { after: keyOfCursor(after) }),
          })
          if (entries.length <= limit) return { entries }
          entries.length = limit
          return { entries, next: cursorOf(entries[limit - 1]!) }
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
        config: { rateLimit },
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
