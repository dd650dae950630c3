import { Hono } from 'hono'
import type { MatchEvent } from 'matchfeed'
import { parseCustomEvents } from 'matchfeed/custom'
import { createWebhookHandler } from 'matchfeed/webhooks'

export function createApp(options: { secret: string; onEvents: (events: MatchEvent[]) => Promise<void> }) {
  const webhook = createWebhookHandler({
    verify: { scheme: 'hmac', secret: options.secret, header: 'x-signature' },
    parse: (body) => parseCustomEvents(body),
    onEvents: options.onEvents,
  })
  const app = new Hono()
  // c.req.raw is the Web Request, body unread: the handler verifies the raw bytes.
  app.post('/api/v1/webhooks/match-events', (c) => webhook.fetch(c.req.raw))
  return app
}
