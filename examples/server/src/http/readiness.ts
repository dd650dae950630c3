// Readiness: writes refused with 503 + Retry-After, before the body is read, until the database has been
// migrated; and the one probe of the backends that /readyz (both modes) and the health route answer from.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KinesisLink } from '../kinesis.js'
import type { Runtime } from '../runtime.js'
import type { Storage } from '../storage.js'
import { RETRY_AFTER_SECONDS, sendError } from './errors.js'

export function refuseNotReady(reply: FastifyReply) {
  return sendError(reply, 503, 'not_ready', 'storage is not ready yet; retry later')
}

export function refuseUntilMigrated(runtime: Runtime) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!runtime.storage.migrated) return refuseNotReady(reply)
  }
}

/** What a probe found: each error undefined when that backend answered, else why not. */
export interface Reachability {
  storageError: string | undefined
  streamError: string | undefined
}

/** Storage and the stream (its probe cached by the link), at once: an answer waits 2 s at most. */
export async function probeBackends(
  storage: Storage,
  kinesis: KinesisLink | undefined,
): Promise<Reachability> {
  const [storageError, streamError] = await Promise.all([
    storage.ping().then(
      () => undefined,
      (error: Error) => error.message,
    ),
    kinesis?.probe(),
  ])
  return { storageError, streamError }
}

interface ReadinessOptions {
  storage: Storage
  kinesis: KinesisLink | undefined
  /** What has not started yet once migrated (`sources`, `consumer`); undefined once it has. */
  notStarted: string | undefined
  /** Added to a `ready` answer. */
  extra?: () => Record<string, unknown>
}

/** GET /readyz in both modes: 503 + Retry-After with the problems, else `ready`. */
export async function answerReadiness(reply: FastifyReply, options: ReadinessOptions) {
  const { storage, notStarted } = options
  const { storageError, streamError } = await probeBackends(storage, options.kinesis)
  const problems: string[] = []
  if (storageError !== undefined) problems.push(`storage unreachable: ${storageError}`)
  if (streamError !== undefined) problems.push(`kinesis unreachable: ${streamError}`)
  if (!storage.migrated) problems.push('migrations not applied yet')
  else if (notStarted !== undefined) problems.push(`${notStarted} not started yet`)
  if (problems.length > 0) {
    reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS))
    return { status: 'not_ready', problems }
  }
  return { status: 'ready', ...options.extra?.() }
}
