// A server for bench/handler.bench.ts, run in its own process: `echo` (bare node:http that reads the body
// and answers 200) or `matchfeed` (createWebhookHandler: hmac on the raw bytes, custom parser, validation).
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseCustomEvents } from '../src/providers/custom/index.js'
import { createWebhookHandler } from '../src/webhooks/index.js'

const [kind, secret = ''] = process.argv.slice(2)
let listener: RequestListener
if (kind === 'echo') {
  listener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(`{"status":"ok","bytes":${Buffer.concat(chunks).length}}`)
    })
  }
} else if (kind === 'matchfeed') {
  // Every request repeats the same delivery: replay protection would answer "duplicate" from the second
  // on, so it is off here to measure the full path (verify, parse, validate, onEvents) every time.
  listener = createWebhookHandler({
    verify: { scheme: 'hmac', secret },
    parse: (body) => parseCustomEvents(body),
    onEvents: async () => {},
    replay: false,
  }).node
} else {
  throw new Error(`usage: handler-server.ts echo|matchfeed <secret> (got ${kind})`)
}
const server = createServer(listener).listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port })
})
process.on('disconnect', () => server.close(() => process.exit(0)))
