// Live clients for bench/live.bench.ts, in a process of their own (several such processes share the load):
// `count` clients, client g (g = from … from + count − 1) following match matchIds[g % matches] on hub
// urls[g % hubs]. Most are raw `ws` sockets speaking protocol v1 (cheap enough for thousands per process);
// `library` of them, from the `libraryFrom`-th on, are matchfeed/live/client's connectLive on Node's global
// WebSocket, the client a page uses (it drops a version it holds already: the raw sockets see the hub's
// frames as they are). Every client checks it gets every entry of its match once and in order (the producer
// numbers them, `raw.k`) and takes each one's latency from its send time (`raw.t`).
// The setup comes as JSON in argv[2]; IPC: `progress`, then `{ type: 'verify', lastK }`.
import { performance } from 'node:perf_hooks'
import { connectLive } from 'matchfeed/live/client'
import WebSocket from 'ws'

export interface ClientsSetup {
  urls: string[]
  matchIds: string[]
  from: number
  count: number
  /** How many of this process's clients are connectLive clients, and the first of them (an index here). */
  library: number
  libraryFrom: number
  /** Connections opened at once. */
  concurrency: number
}

export interface ClientsReport {
  clients: number
  /** Clients that got every entry of their match, once each, in order. */
  complete: number
  delivered: number
  expected: number
  missing: number
  duplicates: number
  outOfOrder: number
  /** Events without the producer's numbers, or of a match the client does not follow. */
  foreign: number
  /** Entries in a snapshot (none expected: clients subscribe before the producer starts). */
  snapshotEvents: number
  resyncs: number
  /** Sockets closed before the end (raw clients), reconnects (library clients). */
  dropped: number
  errors: string[]
  /** Latency histograms, 0.1 ms buckets: [bucket, count] pairs. */
  raw: [number, number][]
  library: [number, number][]
  cpuMicros: number
}

interface EventLike {
  matchId: string
  raw?: { k?: number; t?: number }
}

const setup = JSON.parse(process.argv[2] ?? '{}') as ClientsSetup
const now = () => performance.timeOrigin + performance.now()

const matchOf = (c: number) => setup.matchIds[(setup.from + c) % setup.matchIds.length]!
const last = new Int32Array(setup.count)
const counts = {
  delivered: 0,
  duplicates: 0,
  outOfOrder: 0,
  foreign: 0,
  snapshotEvents: 0,
  resyncs: 0,
  dropped: 0,
}
const deliveredOf = new Int32Array(setup.count)
/** Entries a client got twice, or after a later one (a gap: those between never come). */
const wrongOf = new Int32Array(setup.count)
const errors: string[] = []
const histograms = { raw: new Map<number, number>(), library: new Map<number, number>() }
let finished = false

function note(error: string) {
  if (errors.length < 20) errors.push(error)
}

/** One entry reached client c: in order, once, and how late. */
function arrived(c: number, event: EventLike, at: number, histogram: Map<number, number>) {
  const k = event.raw?.k
  const t = event.raw?.t
  if (typeof k !== 'number' || typeof t !== 'number' || event.matchId !== matchOf(c)) {
    counts.foreign++
    wrongOf[c]!++
    note(`client ${setup.from + c}: an event without raw.k/raw.t or of another match`)
    return
  }
  const previous = last[c]!
  if (k <= previous) {
    counts.duplicates++
    wrongOf[c]!++
    return
  }
  if (k !== previous + 1) {
    counts.outOfOrder++
    wrongOf[c]!++
  }
  last[c] = k
  deliveredOf[c]!++
  counts.delivered++
  const bucket = Math.max(0, Math.round((at - t) * 10))
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1)
}

function rawClient(c: number): Promise<void> {
  const matchId = matchOf(c)
  const socket = new WebSocket(setup.urls[(setup.from + c) % setup.urls.length]!)
  return new Promise((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', matchId })))
    socket.on('message', (data) => {
      const at = now()
      const message = JSON.parse(String(data)) as {
        type: string
        events?: EventLike[]
        reason?: string
        code?: string
      }
      switch (message.type) {
        case 'event':
          for (const event of message.events!) arrived(c, event, at, histograms.raw)
          return
        case 'snapshot':
          counts.snapshotEvents += message.events!.length
          return
        case 'subscribed':
          return resolve()
        case 'resync':
          counts.resyncs++
          note(`client ${setup.from + c}: resync ${message.reason}`)
          return
        case 'error':
          note(`client ${setup.from + c}: error ${message.code}`)
          return
      }
    })
    socket.on('close', (code) => {
      if (!finished) {
        counts.dropped++
        note(`client ${setup.from + c}: closed ${code}`)
      }
      reject(new Error(`closed ${code} before subscribed`))
    })
    socket.on('error', (error) => note(`client ${setup.from + c}: ${error.message}`))
  })
}

const libraryClients: { close(): void }[] = []
function libraryClient(c: number): Promise<void> {
  const matchId = matchOf(c)
  return new Promise((resolve) => {
    const client = connectLive({
      url: setup.urls[(setup.from + c) % setup.urls.length]!,
      matches: [matchId],
      // The snapshot (empty) comes right before `subscribed`: the client is live from here on.
      onSnapshot: (_, events) => {
        counts.snapshotEvents += events.length
        resolve()
      },
      onEvent: (event) => arrived(c, event as EventLike, now(), histograms.library),
      onStatus: (status) => {
        if (status === 'reconnecting' && !finished) {
          counts.dropped++
          note(`library client ${setup.from + c}: reconnecting`)
        }
      },
      onError: (error) => note(`library client ${setup.from + c}: ${error.code}`),
    })
    libraryClients.push(client)
  })
}

/** Opens every client, `concurrency` at a time: a burst of thousands of handshakes overflows backlogs. */
async function connectAll() {
  let next = 0
  const worker = async () => {
    while (next < setup.count) {
      const c = next++
      const library = c >= setup.libraryFrom && c < setup.libraryFrom + setup.library
      await (library ? libraryClient(c) : rawClient(c))
    }
  }
  await Promise.all(Array.from({ length: Math.min(setup.concurrency, setup.count) }, worker))
}

const started = now()
connectAll().then(
  () => process.send?.({ ready: true, seconds: (now() - started) / 1000 }),
  (error: unknown) => {
    console.error('live-clients: connecting failed', error)
    process.exit(1)
  },
)

function report(lastK: Record<string, number>): ClientsReport {
  finished = true
  let expected = 0
  let complete = 0
  let missing = 0
  for (let c = 0; c < setup.count; c++) {
    const want = lastK[matchOf(c)] ?? 0
    expected += want
    missing += Math.max(0, want - deliveredOf[c]!)
    if (deliveredOf[c] === want && last[c] === want && wrongOf[c] === 0) complete++
  }
  for (const client of libraryClients) client.close()
  const cpu = process.cpuUsage()
  return {
    clients: setup.count,
    complete,
    delivered: counts.delivered,
    expected,
    missing,
    duplicates: counts.duplicates,
    outOfOrder: counts.outOfOrder,
    foreign: counts.foreign,
    snapshotEvents: counts.snapshotEvents,
    resyncs: counts.resyncs,
    dropped: counts.dropped,
    errors,
    raw: [...histograms.raw],
    library: [...histograms.library],
    cpuMicros: cpu.user + cpu.system,
  }
}

process.on('message', (message: 'progress' | { type: 'verify'; lastK: Record<string, number> }) => {
  if (message === 'progress') {
    const cpu = process.cpuUsage()
    process.send?.({ delivered: counts.delivered, cpuMicros: cpu.user + cpu.system })
  } else if (message.type === 'verify') {
    process.send?.(report(message.lastK))
  }
})
// The bench closes the hub first (its close frames end the sockets); then this process goes.
process.on('disconnect', () => process.exit(0))
