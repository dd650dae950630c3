// buildWorker(config): MATCHFEED_MODE=worker as a Fastify instance, not listening — no public routes, only
// /livez, /readyz and /metrics (the consumer's metrics and the outbox's backlog) for the orchestrator and Prometheus.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { registerKinesisConsumerMetrics } from 'matchfeed/sinks/kinesis'
import pino from 'pino'
import { Registry } from 'prom-client'
import type { Config } from './config.js'
import { installErrorHandler, RETRY_AFTER_SECONDS } from './http/errors.js'
import { registerOutboxMetrics } from './http/metrics.js'
import { createWorker, kinesisError, type Worker } from './kinesis.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set in MATCHFEED_MODE=worker only. */
    worker: Worker
  }
}

const PING_TIMEOUT_MS = 2000

export async function buildWorker(
  config: Config,
  options: { logger?: FastifyBaseLogger } = {},
): Promise<FastifyInstance> {
  const logger = options.logger ?? pino({ level: config.LOG_LEVEL })
  const worker = await createWorker(config, logger)
  const app = Fastify({ loggerInstance: logger })
  app.decorate('worker', worker)
  app.decorate('stopReport', undefined)
  app.addHook('onClose', async () => {
    const clean = await worker.stop(config.SHUTDOWN_DEADLINE_MS)
    // A stop that overran left batches uncheckpointed (read again by the lease's next owner, nothing lost),
    // and the leases unreleased: they are taken over once expired instead of at once.
    app.stopReport = {
      undrained: clean ? {} : { [`kinesis:${worker.kinesis.stream}`]: 1 },
      sourceErrors: {},
    }
  })
  installErrorHandler(app)

  const register = new Registry()
  await registerKinesisConsumerMetrics(worker.consumer, { register })
  if (worker.relay) registerOutboxMetrics(register, worker.storage)
  app.get('/metrics', async (_request, reply) => {
    reply.type(register.contentType)
    return register.metrics()
  })

  app.get('/livez', async () => ({ status: 'alive' }))
  app.get('/readyz', async (_request, reply) => {
    const problems: string[] = []
    const [storageError, streamError] = await Promise.all([
      worker.storage.ping(PING_TIMEOUT_MS).then(
        () => undefined,
        (error: Error) => error.message,
      ),
      kinesisError(worker.kinesis, PING_TIMEOUT_MS),
    ])
    if (storageError !== undefined) problems.push(`storage unreachable: ${storageError}`)
    if (streamError !== undefined) problems.push(`kinesis unreachable: ${streamError}`)
    if (!worker.storage.migrated) problems.push('migrations not applied yet')
    else if (!worker.started) problems.push('consumer not started yet')
    if (problems.length > 0) {
      reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS))
      return { status: 'not_ready', problems }
    }
    // Ready with no shard too: a worker beyond the shard count stands by, and takes over a dead one's.
    return { status: 'ready', shards: worker.consumer.shards() }
  })
  return app
}
