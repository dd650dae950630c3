// The live hub of docs/live.md as a user deploys it, for bench/live.bench.ts: createLiveHub on node:http with
// `ws`, built from matchfeed's public subpaths (run against the built dist/). Run in a process of its own; the
// setup comes as JSON in argv[2]:
//   memory: one instance — the producer's pipeline writes to a memoryLiveStore the hub reads.
//   redis:  the hub reads redisLiveStore (Streams + Pub/Sub); with `hub: false` the process is the producer
//           only, its pipeline writing redisStreamsSink + redisPubSubSink, as the multi-instance setup does.
// Answers `usage` over IPC (RSS, peak RSS, CPU, the hub's metrics) and `produce` (runs the producer).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { createPipeline, type MatchEvent, type Sink, type SinkOptions } from 'matchfeed'
import {
  createLiveHub,
  type LiveHubMetrics,
  type LiveStore,
  memoryLiveStore,
  redisLiveStore,
} from 'matchfeed/live'
import { redisPubSubSink, redisStreamsSink } from 'matchfeed/sinks/redis'
import { createClient } from 'redis'
import { usage as processUsage } from './e2e-usage.js'
import { benchEvent } from './events.js'

export interface LiveSetup {
  store: 'memory' | 'redis'
  /** Serve WebSocket clients (a hub instance). */
  hub: boolean
  /** Run the producer here (answers `produce`). */
  produce: boolean
  /** The Redis key and channel prefix of this run. */
  prefix: string
}

/** What `produce` asks for: `rate` events/s over all `matches` for `seconds`. */
export interface ProduceRequest {
  type: 'produce'
  matchIds: string[]
  rate: number
  seconds: number
}

/** What the producer made: the last entry number per match, and the kinds of entries. */
export interface Produced {
  lastK: Record<string, number>
  events: number
  corrections: number
  deletions: number
  seconds: number
}

/** What the server reports of itself: what every bench server does (bench/e2e-usage.ts), and more. */
export interface LiveUsage extends ReturnType<typeof processUsage> {
  /** Peak resident memory since the process started (VmHWM). */
  peakRss: number
  /** The event loop's delay since the last `usage` (p99, max, ms): how long a due event could wait. */
  loopDelayP99Ms: number
  loopDelayMaxMs: number
  hub?: LiveHubMetrics
}

const REDIS_URL = 'redis://127.0.0.1:6379'
const setup = JSON.parse(process.argv[2] ?? '{}') as LiveSetup
const now = () => performance.timeOrigin + performance.now()

const redis = setup.store === 'redis' ? createClient({ url: REDIS_URL }) : undefined
redis?.on('error', (error) => console.error('live-server: redis', error))
await redis?.connect()

const memory = setup.store === 'memory' ? memoryLiveStore() : undefined
let store: LiveStore | undefined
if (setup.hub) store = memory ?? redisLiveStore({ client: redis!, prefix: setup.prefix })

// The producer's pipeline writes what the hubs read, as docs/live.md's setups do.
const sinks = (): (Sink | SinkOptions)[] =>
  memory
    ? [memory]
    : [
        redisStreamsSink({ client: redis!, prefix: setup.prefix, maxLen: 0 }),
        { sink: redisPubSubSink({ client: redis!, prefix: setup.prefix }), policy: 'drop-oldest' },
      ]
const pipeline = setup.produce ? createPipeline({ sinks: sinks() }) : undefined
await pipeline?.start()

const hub = store
  ? createLiveHub({ store, onError: (error) => console.error('live-server: hub', error) })
  : undefined
const server = createServer()
hub?.attach(server, { path: '/live' })

/**
 * `rate` events a second over all matches, in turn, each emitted as a webhook's event would be. Each entry of
 * a match has its number `k` (1, 2, …) and its send time `t` in `raw`: a client checks it got every k of its
 * match once, in order, and takes its latency from t. Every 10th entry of a match is a correction (a higher
 * version of an earlier event), every 25th a deletion.
 */
async function produce(request: ProduceRequest): Promise<Produced> {
  const { matchIds, rate, seconds } = request
  const total = Math.round(rate * seconds)
  const state = matchIds.map(() => ({ k: 0, n: 0, live: [] as MatchEvent[] }))
  const produced: Produced = { lastK: {}, events: 0, corrections: 0, deletions: 0, seconds: 0 }
  const writes: Promise<void>[] = []
  const started = now()
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000) + 1)
    for (; sent < due; sent++) {
      const m = sent % matchIds.length
      const match = state[m]!
      const k = ++match.k
      let event: MatchEvent
      if (k % 25 === 0 && match.live.length > 0) {
        const old = match.live.splice((k * 7) % match.live.length, 1)[0]!
        event = { ...old, version: old.version + 1, deleted: true }
        produced.deletions++
      } else if (k % 10 === 0 && match.live.length > 0) {
        const at = (k * 3) % match.live.length
        const old = match.live[at]!
        event = { ...old, version: old.version + 1, x: (old.x! + 1) % 100 }
        match.live[at] = event
        produced.corrections++
      } else {
        event = benchEvent(matchIds[m]!, ++match.n)
        match.live.push(event)
      }
      // Set last, just before it goes: an emitted event is not changed any more.
      event.raw = { k, t: now() }
      writes.push(pipeline!.emit([event], 'bench'))
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  await Promise.all(writes)
  produced.seconds = (now() - started) / 1000
  produced.events = sent
  matchIds.forEach((id, m) => {
    produced.lastK[id] = state[m]!.k
  })
  return produced
}

/** Peak resident memory (VmHWM, kB in /proc): the kernel's own high-water mark, not a sample. */
function peakRss(): number {
  try {
    const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    return line ? Number(line[1]) * 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

const loop = monitorEventLoopDelay({ resolution: 10 })
loop.enable()

function usage(): LiveUsage {
  const delay = { loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6 }
  loop.reset()
  return { ...processUsage(), peakRss: peakRss(), ...delay, hub: hub?.metrics() }
}

process.on('message', (message: 'usage' | ProduceRequest) => {
  if (message === 'usage') process.send?.(usage())
  else if (message.type === 'produce')
    produce(message).then(
      (produced) => process.send?.(produced),
      (error: unknown) => {
        console.error('live-server: produce failed', error)
        process.exit(1)
      },
    )
})
process.on('disconnect', () => {
  void (async () => {
    await hub?.close()
    server.closeAllConnections()
    server.close()
    await pipeline?.stop()
    await store?.close?.()
    await redis?.quit()
    process.exit(0)
  })()
})

// A backlog of 4,096 (the box's somaxconn): thousands of clients connect at once.
server.listen(0, '127.0.0.1', 4096, () => {
  process.send?.({ port: (server.address() as AddressInfo).port, ...usage() })
})
