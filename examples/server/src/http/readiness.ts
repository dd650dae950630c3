// Writes are refused with 503 + Retry-After, before the body is read, until the database has been migrated.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Runtime } from '../runtime.js'
import { sendError } from './errors.js'

export function refuseNotReady(reply: FastifyReply) {
  return sendError(reply, 503, 'not_ready', 'storage is not ready yet; retry later')
}

export function refuseUntilMigrated(runtime: Runtime) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!runtime.storage.migrated) return refuseNotReady(reply)
  }
}
