// build(config): the whole server as a Fastify instance, not listening (tests use inject; main.ts listens).
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { StopReport } from 'matchfeed'
import type { Config } from './config.js'
import { installErrorHandler } from './http/errors.js'
import { installMetrics } from './http/metrics.js'
import { installRateLimit } from './http/rate-limit.js'
import { mountLive } from './live.js'
import { createLogger } from './logger.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { idMapRoutes } from './routes/id-map.js'
import { manualRoutes } from './routes/manual.js'
import { matchRoutes } from './routes/matches.js'
import { optaConfigured, optaRoutes } from './routes/opta.js'
import { pageRoutes } from './routes/pages.js'
import { webhookRoutes } from './routes/webhooks.js'
import { createRuntime, type Runtime } from './runtime.js'

declare module 'fastify' {
  interface FastifyInstance {
    runtime: Runtime
    /** Set once the app closed (MATCHFEED_MODE=server): what the pipeline could not write before the deadline. */
    stopReport: StopReport | undefined
  }
}

export interface BuildOptions {
  logger?: FastifyBaseLogger
}

export async function build(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = options.logger ?? createLogger(config)
  const runtime = await createRuntime(config, logger)
  const app = Fastify({
    loggerInstance: logger,
    // request.ip is the client behind a trusted proxy, never what an untrusted X-Forwarded-For claims.
    trustProxy: config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false,
    bodyLimit: config.MAX_BODY_BYTES,
    // Slow senders hold nothing for long (the webhook handler has its own body deadline too).
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
  })
  app.decorate('runtime', runtime)
  app.decorate('stopReport', undefined)
  app.addHook('onClose', async () => {
    app.stopReport = await runtime.stop(config.SHUTDOWN_DEADLINE_MS)
  })

  installErrorHandler(app)
  await installRateLimit(app, config)
  const hub = mountLive(app, config, runtime)
  await installMetrics(app, runtime, hub)
  await app.register(healthRoutes(runtime))
  await app.register(eventRoutes(runtime))
  await app.register(matchRoutes(runtime))
  await app.register(pageRoutes())
  await app.register(manualRoutes(config, runtime))
  await app.register(webhookRoutes(config, runtime))
  if (optaConfigured(config)) await app.register(optaRoutes(config, runtime))
  if (runtime.idMap) await app.register(idMapRoutes(config, runtime, runtime.idMap))
  return app
}
