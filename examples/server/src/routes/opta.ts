// POST /api/v1/providers/opta/push: Opta's push feeds (F7, F24, MA3), authenticated by Basic auth and/or
// its addresses (Opta's pushes carry no signature). Mounted only when configured.
import type { FastifyInstance } from 'fastify'
import { createOptaPushHandler } from 'matchfeed/opta'
import type { Config } from '../config.js'
import { routeRateLimit } from '../http/rate-limit.js'
import { refuseUntilMigrated } from '../http/readiness.js'
import type { Runtime } from '../runtime.js'

export const OPTA_PUSH_PATH = '/api/v1/providers/opta/push'

export function optaConfigured(config: Config): boolean {
  return Boolean(config.OPTA_PUSH_USERNAME) || config.OPTA_PUSH_ALLOW_IPS.length > 0
}

export function optaRoutes(config: Config, runtime: Runtime) {
  const push = createOptaPushHandler({
    onEvents: (events) => runtime.pipeline.emit(events, 'opta-push'),
    auth: {
      ...(config.OPTA_PUSH_USERNAME &&
        config.OPTA_PUSH_PASSWORD && {
          basic: { username: config.OPTA_PUSH_USERNAME, password: config.OPTA_PUSH_PASSWORD },
        }),
      ...(config.OPTA_PUSH_ALLOW_IPS.length > 0 && { allowIps: config.OPTA_PUSH_ALLOW_IPS }),
      ...(config.TRUSTED_PROXIES.length > 0 && { trustedProxies: config.TRUSTED_PROXIES }),
    },
  })
  return async (scope: FastifyInstance) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
    scope.post(
      OPTA_PUSH_PATH,
      {
        config: { rateLimit: routeRateLimit(config) },
        onRequest: refuseUntilMigrated(runtime),
      },
      async (request, reply) => {
        reply.hijack()
        await push.node(request.raw, reply.raw)
      },
    )
  }
}
