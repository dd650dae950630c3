// buildWorker(config): MATCHFEED_MODE=worker as a Fastify instance, not listening — no public routes, only
// /livez, /readyz and /metrics (the consumer's metrics and the outbox's backlog) for the orchestrator and Prometheus.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { registerKinesisConsumerMetrics } from 'matchfeed/sinks/kinesis'
import { Registry } from 'prom-client'
import type { Config } from './config.js'
import { installErrorHandler } from './http/errors.js'
import { registerOutboxMetrics } from './http/metrics.js'
import { answerReadiness } from './http/readiness.js'
import { createWorker, type Worker } from './kinesis.js'
import { createLogger } from './logger.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set in MATCHFEED_MODE=worker only. */
    worker: Worker
    /**
     * Set in MATCHFEED_MODE=worker once the app closed: whether the consumer's stop overran its deadline. Nothing
     * is lost then: the unconfirmed batches are read again from their shards' checkpoints by the next owner of
     * each lease (once it expired, the leases not being released).
     */
    stopOverran: boolean | undefined
  }
}

export async function buildWorker(
  config: Config,
  options: { logger?: FastifyBaseLogger } = {},
): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger(config)
  const worker = await createWorker(config, logger)
  const app = Fastify({ loggerInstance: logger })
  app.decorate('worker', worker)
  app.decorate('stopOverran', undefined)
  app.addHook('onClose', async () => {
    app.stopOverran = !(await worker.stop(config.SHUTDOWN_DEADLINE_MS))
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
  // Ready with no shard too: a worker beyond the shard count stands by, and takes over a dead one's.
  app.get('/readyz', async (_request, reply) =>
    answerReadiness(reply, {
      storage: worker.storage,
      kinesis: worker.kinesis,
      notStarted: worker.started ? undefined : 'consumer',
      extra: () => ({ shards: worker.consumer.shards() }),
    }),
  )
  return app
}
