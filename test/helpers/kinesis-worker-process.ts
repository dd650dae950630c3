// One consumer worker as a process of its own (for the crash and pause tests): reads the stream with a
// Postgres lease store and writes every batch to a Postgres sink (with its outbox, which records each stored
// version once, in order). Prints `shards a,b` whenever its leases change, `batch n` after each written batch.
// SIGTERM: a graceful stop. Configured by environment variables.
import { setTimeout as sleep } from 'node:timers/promises'
import { KinesisClient } from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import pg from 'pg'
import { createKinesisConsumer, postgresLeaseStore } from '../../src/sinks/kinesis/index.js'
import { postgresSink } from '../../src/sinks/postgres/index.js'

const env = process.env as Record<string, string>
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 })
pool.on('error', () => {})
const client = new KinesisClient({
  endpoint: env.KINESIS_ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 5_000 }),
  maxAttempts: 1,
})
const sink = postgresSink({ client: pool, schema: env.SCHEMA, outbox: true })
const holdMs = Number(env.HOLD_MS ?? '0')
const consumer = createKinesisConsumer({
  client,
  streamName: env.STREAM,
  workerId: env.WORKER_ID,
  leaseStore: postgresLeaseStore({ client: pool, schema: env.SCHEMA, group: 'workers' }),
  leaseDurationMs: Number(env.LEASE_MS),
  idleMs: 50,
  batchSize: Number(env.BATCH ?? '5'),
  shardSyncIntervalMs: 500,
  onError: (error) => {
    if (env.DEBUG) process.stderr.write(`${env.WORKER_ID}: ${String(error)}\n`)
  },
  handler: async (events) => {
    await sink.write(events)
    process.stdout.write(`batch ${events.length}\n`)
    await sleep(holdMs) // written, not yet checkpointed: a kill now leaves it to be redelivered
  },
})

let shown = ''
const report = setInterval(() => {
  const shards = consumer.shards().join(',')
  if (shards === shown) return
  shown = shards
  process.stdout.write(`shards ${shards}\n`)
}, 20)

process.on('SIGTERM', async () => {
  await consumer.stop()
  clearInterval(report)
  await sink.close()
  await pool.end()
  process.stdout.write('stopped\n')
  process.exit(0)
})
process.on('disconnect', () => process.exit(0))

await consumer.start()
process.stdout.write('started\n')
