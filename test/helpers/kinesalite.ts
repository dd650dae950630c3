import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  type KinesisClientConfig,
} from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'

/**
 * kinesalite (a real Kinesis API, in memory) in a child process on 127.0.0.1 and an ephemeral port — never
 * its CLI, which binds every interface. Streams are created and updated at once (`createStreamMs: 0`),
 * resharding takes 50 ms. `stop()` kills the process.
 */
export interface Kinesalite {
  readonly port: number
  readonly endpoint: string
  /** A client for it: HTTP/1.1 (`NodeHttpHandler`), dummy credentials. */
  client(overrides?: Partial<KinesisClientConfig>): KinesisClient
  /** Creates a stream and waits until it is ACTIVE. */
  createStream(name: string, shards: number): Promise<void>
  stop(): Promise<void>
}

const SERVER = `
const kinesalite = require(process.env.KINESALITE_PATH)
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 50, shardLimit: 10000 })
server.listen(0, '127.0.0.1', () => process.stdout.write('port=' + server.address().port + '\\n'))
process.on('disconnect', () => process.exit(0))
`

export async function startKinesalite(): Promise<Kinesalite> {
  const path = createRequire(import.meta.url).resolve('kinesalite')
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER], {
    env: { ...process.env, KINESALITE_PATH: path },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /port=(\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`kinesalite exited with ${code} before listening`)))
  })
  const endpoint = `http://127.0.0.1:${port}`
  const clients: KinesisClient[] = []
  const client = (overrides: Partial<KinesisClientConfig> = {}) => {
    const made = new KinesisClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 5_000 }),
      ...overrides,
    })
    clients.push(made)
    return made
  }
  const admin = client()
  return {
    port,
    endpoint,
    client,
    async createStream(name, shards) {
      await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }))
      await waitActive(admin, name)
    },
    async stop() {
      for (const c of clients) c.destroy()
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await once(child, 'exit')
      }
    },
  }
}

/** Waits for a stream to be ACTIVE again (after creation or a reshard), for at most 10 s. */
export async function waitActive(client: KinesisClient, name: string): Promise<void> {
  const end = Date.now() + 10_000
  for (;;) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    )
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return
    if (Date.now() > end) throw new Error(`stream ${name} not ACTIVE after 10 s`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
