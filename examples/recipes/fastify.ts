import Fastify from 'fastify'
import type { MatchEvent } from 'matchfeed'
import { parseCustomEvents } from 'matchfeed/custom'
import { createWebhookHandler } from 'matchfeed/webhooks'

export function createApp(options: { secret: string; onEvents: (events: MatchEvent[]) => Promise<void> }) {
  const webhook = createWebhookHandler({
    verify: { scheme: 'hmac', secret: options.secret, header: 'x-signature' },
    parse: (body) => parseCustomEvents(body),
    onEvents: options.onEvents,
  })
  const app = Fastify()
  app.register(async (scope) => {
    // In this scope Fastify leaves the body unread: matchfeed reads (and caps) the raw stream itself.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
    scope.post('/api/v1/webhooks/match-events', async (request, reply) => {
      reply.hijack()
      await webhook.node(request.raw, reply.raw)
    })
  })
  return app
}
