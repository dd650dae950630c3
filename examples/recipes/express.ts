import express from 'express'
import type { MatchEvent } from 'matchfeed'
import { parseCustomEvents } from 'matchfeed/custom'
import { createWebhookHandler } from 'matchfeed/webhooks'

export function createApp(options: { secret: string; onEvents: (events: MatchEvent[]) => Promise<void> }) {
  const webhook = createWebhookHandler({
    verify: { scheme: 'hmac', secret: options.secret, header: 'x-signature' },
    parse: (body) => parseCustomEvents(body),
    onEvents: options.onEvents,
  })
  const app = express()
  // Mount it before any body parser: the signature is over the raw bytes, which matchfeed reads itself.
  app.post('/api/v1/webhooks/match-events', webhook.node)
  app.use(express.json()) // the rest of your API
  return app
}
