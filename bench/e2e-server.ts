// The integration guide's flow, built from matchfeed's public subpaths as a user writes it: a signed webhook
// per delivery → createWebhookHandler → createPipeline → Postgres + Redis Streams + Redis Pub/Sub, and live
// WebSocket clients fed from Pub/Sub. Run by bench/e2e.bench.ts in a process of its own; the setup comes as
// JSON in argv[2]. `echo` is the bare node:http baseline of the same run.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createPipeline, type MatchEvent, memorySink, type Sink, type SinkOptions } from 'matchfeed'
import { parseCustomEvents } from 'matchfeed/custom'
import { createOutboxRelay, migrate, postgresSink } from 'matchfeed/sinks/postgres'
import { redisPubSubSink, redisStreamsSink } from 'matchfeed/sinks/redis'
import { createWebhookHandler } from 'matchfeed/webhooks'
import pg from 'pg'
import { createClient } from 'redis'
import { WebSocketServer } from 'ws'
import { serveBench } from './e2e-usage.js'

export interface E2eSetup {
  /** `echo`: bare node:http; otherwise the sinks behind the handler and the pipeline. */
  sinks: 'echo' | ('memory' | 'postgres' | 'streams' | 'pubsub')[]
  /** `outbox`: only Postgres is written before the answer; its relay carries events on to Redis. */
  delivery: 'direct' | 'outbox'
  /**
   * The webhook handler alone, doing its work up to this step and handing nothing on (no pipeline, no sink):
   * `receive` reads the body and answers (no signature, no replay store, nothing parsed), `verify` adds the
   * hmac check and the replay store, `parse` adds the parser and the validation; `sinks` is then empty. Where
   * the handler's cost over HTTP goes, step by step (docs/benchmarks.md).
   */
  upTo?: 'receive' | 'verify' | 'parse'
  secret: string
  table: string
  prefix: string
}

const REDIS_URL = 'redis://127.0.0.1:6379'
const setup = JSON.parse(process.argv[2] ?? '{}') as E2eSetup

function echo(req: IncomingMessage, res: ServerResponse) {
  let bytes = 0
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length
  })
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(`{"status":"ok","bytes":${bytes}}`)
  })
}

async function matchfeedFlow(sinks: Exclude<E2eSetup['sinks'], 'echo'>) {
  const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 8 })
  const redis = createClient({ url: REDIS_URL })
  const needsRedis = sinks.includes('streams') || sinks.includes('pubsub')
  if (needsRedis) await redis.connect()
  const streams = redisStreamsSink({ client: redis, prefix: setup.prefix, maxLen: 0 })
  const pubsub = redisPubSubSink({ client: redis, prefix: setup.prefix })
  const redisSinks: (Sink | SinkOptions)[] = []
  if (sinks.includes('streams')) redisSinks.push(streams)
  if (sinks.includes('pubsub')) redisSinks.push({ sink: pubsub, policy: 'drop-oldest' })

  const outbox = setup.delivery === 'outbox'
  const pipelineSinks: (Sink | SinkOptions)[] = []
  if (sinks.includes('memory')) pipelineSinks.push(memorySink())
  if (sinks.includes('postgres')) {
    await migrate(pool, { table: setup.table })
    pipelineSinks.push(postgresSink({ client: pool, table: setup.table, outbox }))
  }
  const relay = outbox
    ? createOutboxRelay({ client: pool, table: setup.table, sinks: redisSinks.map(sinkOf), idleMs: 5 })
    : undefined
  if (!outbox) pipelineSinks.push(...redisSinks)
  relay?.start()

  const pipeline = createPipeline({ sinks: pipelineSinks })
  await pipeline.start()
  const handler = webhookHandler('parse', (events) => pipeline.emit(events, 'webhook'))
  return {
    listener: handler.node,
    live: sinks.includes('pubsub'),
    async close() {
      await pipeline.stop()
      await relay?.stop()
      if (needsRedis) await redis.quit()
      await pool.end()
    },
  }
}

function sinkOf(config: Sink | SinkOptions): Sink {
  return 'sink' in config ? config.sink : config
}

/**
 * Live clients: the Pub/Sub messages of every match go to every connected WebSocket client, gathered for a
 * few milliseconds into one frame (a JSON array) that is built once and sent to every client as the same
 * bytes. A frame per event per client costs a system call each and was the largest item of the server's
 * profile. The wait grows with the clients (5 ms for 500 or fewer, 10 ms from 1,000), so that the sends per
 * second stay bounded however many listen: at 1,000 clients a flush writes for 5–10 ms (5–9 µs a
 * client), and 20 ms instead of 10 cost 14 ms more at the first client's p99 for about 0.9× the server's
 * CPU (docs/benchmarks.md).
 */
const flushMs = (clients: number) => Math.min(10, Math.max(5, clients / 100))
async function serveLiveClients(server: ReturnType<typeof createServer>) {
  const subscriber = createClient({ url: REDIS_URL })
  const wss = new WebSocketServer({ server, path: '/live' })
  let pending: string[] = []
  const flush = () => {
    const frame = Buffer.from(`[${pending.join(',')}]`)
    pending = []
    for (const client of wss.clients) client.send(frame)
  }
  await subscriber.connect()
  await subscriber.pSubscribe(`${setup.prefix}events:*`, (message) => {
    if (pending.length === 0) setTimeout(flush, flushMs(wss.clients.size))
    pending.push(message)
  })
}

/** The guide's webhook handler, doing its work up to `step` (the whole flow's is `parse`, into the pipeline). */
function webhookHandler(step: NonNullable<E2eSetup['upTo']>, onEvents: (events: MatchEvent[]) => unknown) {
  return createWebhookHandler({
    verify: step === 'receive' ? 'none' : { scheme: 'hmac', secret: setup.secret },
    replay: step === 'receive' ? false : undefined,
    parse: step === 'parse' ? (body) => parseCustomEvents(body) : () => [],
    onEvents,
  })
}

const handlerAlone = (step: NonNullable<E2eSetup['upTo']>) => ({
  listener: webhookHandler(step, () => {}).node,
  live: false,
  close: async () => {},
})

const flow =
  setup.sinks === 'echo'
    ? undefined
    : setup.upTo
      ? handlerAlone(setup.upTo)
      : await matchfeedFlow(setup.sinks)
const server = createServer(flow?.listener ?? echo)
if (flow?.live) await serveLiveClients(server)
server.listen(0, '127.0.0.1', () => {
  serveBench((server.address() as AddressInfo).port, async () => {
    server.closeAllConnections()
    server.close()
    await flow?.close()
  })
})
