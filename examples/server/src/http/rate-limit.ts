// Rate limits per client address on the write routes; shared by every instance through Redis when there.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import type { Config } from '../config.js'

export async function installRateLimit(app: FastifyInstance, config: Config) {
  // @fastify/rate-limit speaks ioredis. Without the offline queue a command fails at once while Redis is
  // away, and `skipOnError` then lets the request through: a fan-out outage must not stop the webhooks.
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
      })
    : undefined
  redis?.on('error', (error) => app.log.debug({ err: error }, 'rate-limit redis'))
  app.addHook('onClose', async () => {
    redis?.disconnect()
  })
  await app.register(rateLimit, {
    global: false, // the write routes opt in, with their limits
    keyGenerator: (request) => request.ip,
    ...(redis && { redis, nameSpace: 'matchfeed:server:rate:', skipOnError: true }),
    // Thrown to the error handler, which answers with the one error body (the plugin has set Retry-After).
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`more than ${context.max} requests; retry in ${context.after}`), {
        statusCode: 429,
        code: 'RATE_LIMITED',
      }),
  })
}

/** The limit of one write route (`config: { rateLimit: routeRateLimit(config) }`): RATE_LIMIT_MAX per window. */
export function routeRateLimit(config: Config) {
  return { max: config.RATE_LIMIT_MAX, timeWindow: config.RATE_LIMIT_WINDOW_MS }
}
