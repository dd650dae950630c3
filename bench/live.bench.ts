// The live hub under a crowd (docs/live.md, "Measured"; docs/benchmarks.md, "Live"): thousands of WebSocket
// clients over 50 matches, each following one, while a producer sends `rate` events a second over all matches
// (corrections and deletions among them). The hub (bench/live-server.ts, against the built dist/) reads a
// memoryLiveStore fed by the producer's pipeline in its process (one instance), or Redis Streams + Pub/Sub
// written by the producer's redisStreamsSink + redisPubSubSink in another process (the multi-instance setup,
// `--hubs` hub processes sharing Redis). The clients (bench/live-clients.ts, spread over `--client-procs`
// processes) check they got every entry of their match once, in order, and measure event → client latency.
// Each client count runs in its own fresh processes; the cost per extra client is the difference between the
// smallest and the largest count of one store, in the same run.
//
//   node --import tsx bench/live.bench.ts            the issue's run: 1,000 and 10,000 clients, memory and
//                                                    redis (2 hubs), 100 events/s for 30 s (as in `npm run bench`)
//   … --quick                                        100 and 1,000 clients for 10 s
//   … --clients 1000,10000 --matches 50 --rate 100 --seconds 30 --store memory|redis|both --hubs 2
//     --client-procs 4 --library-clients 50
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { createClient } from 'redis'
import type { ClientsReport, ClientsSetup } from './live-clients.js'
import type { LiveSetup, LiveUsage, Produced, ProduceRequest } from './live-server.js'
import { ask, ensureBuilt, processCpuMicros, startChild, stopChild } from './processes.js'

/** A client process opens this many connections at once. */
const CONNECT_CONCURRENCY = 50
/** After the producer's last event, how long every client may take to get everything. */
const DRAIN_MS = 30_000

interface Variant {
  store: 'memory' | 'redis'
  hubs: number
  clients: number
  matches: number
  rate: number
  seconds: number
  clientProcs: number
  libraryClients: number
}

/** The soft limit of open files of this process (and so of the processes it starts). */
function openFilesLimit(): number {
  try {
    const line = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))
    return line?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line?.[1])
  } catch {
    return Number.NaN
  }
}

/** Percentiles of merged 0.1 ms histograms, in ms. */
function percentiles(histograms: [number, number][][]) {
  const merged = new Map<number, number>()
  for (const histogram of histograms)
    for (const [bucket, count] of histogram) merged.set(bucket, (merged.get(bucket) ?? 0) + count)
  const buckets = [...merged].sort((a, b) => a[0] - b[0])
  const total = buckets.reduce((sum, [, count]) => sum + count, 0)
  const at = (p: number) => {
    let seen = 0
    for (const [bucket, count] of buckets) {
      seen += count
      if (seen > total * p) return bucket / 10
    }
    return Number.NaN
  }
  return {
    samples: total,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: buckets.length > 0 ? buckets[buckets.length - 1]![0] / 10 : Number.NaN,
  }
}

async function deleteKeys(prefix: string) {
  const redis = createClient({ url: 'redis://127.0.0.1:6379' })
  await redis.connect()
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(keys)
  await redis.quit()
}

async function measure(variant: Variant) {
  const runTag = `r${Date.now().toString(36)}`
  const prefix = `bench-live:${runTag}:`
  const matchIds = Array.from({ length: variant.matches }, (_, m) => `${runTag}m${m}`)
  const hubSetup: LiveSetup = { store: variant.store, hub: true, produce: variant.store === 'memory', prefix }
  const hubs: Awaited<ReturnType<typeof startChild<LiveUsage & { port: number }>>>[] = []
  const clientProcs: ChildProcess[] = []
  let producer: ChildProcess | undefined
  try {
    for (let h = 0; h < variant.hubs; h++)
      hubs.push(
        await startChild<LiveUsage & { port: number }>(
          'live-server',
          [JSON.stringify(hubSetup)],
          process.env.LIVE_CPU_PROFILE,
        ),
      )
    producer =
      variant.store === 'memory'
        ? hubs[0]!.child
        : (await startChild('live-server', [JSON.stringify({ ...hubSetup, hub: false, produce: true })]))
            .child
    const urls = hubs.map((hub) => `ws://127.0.0.1:${hub.ready.port}/live`)

    // Clients: spread evenly over the processes, the connectLive ones too, on consecutive matches (one per
    // match when there are as many as matches).
    const procs = Math.min(variant.clientProcs, variant.clients)
    const connecting = []
    for (let p = 0, from = 0, libraryFrom = 0; p < procs; p++) {
      const count = Math.floor(variant.clients / procs) + (p < variant.clients % procs ? 1 : 0)
      const library =
        Math.floor(variant.libraryClients / procs) + (p < variant.libraryClients % procs ? 1 : 0)
      const setup: ClientsSetup = {
        urls,
        matchIds,
        from,
        count,
        library: Math.min(library, count),
        libraryFrom: Math.min(libraryFrom, count - Math.min(library, count)),
        concurrency: CONNECT_CONCURRENCY,
      }
      connecting.push(startChild<{ seconds: number }>('live-clients', [JSON.stringify(setup)]))
      from += count
      libraryFrom += library
    }
    const started = await Promise.all(connecting)
    clientProcs.push(...started.map((s) => s.child))
    const connectSeconds = Math.max(...started.map((s) => s.ready.seconds))

    const hubUsage = () => Promise.all(hubs.map((hub) => ask<LiveUsage>(hub.child, 'usage')))
    const clientsCpu = async () =>
      (
        await Promise.all(
          clientProcs.map((child) => ask<{ delivered: number; cpuMicros: number }>(child, 'progress')),
        )
      ).reduce((sum, p) => sum + p.cpuMicros, 0)
    const connected = await hubUsage()
    const redisBefore = processCpuMicros('redis-server')
    const clientsBefore = await clientsCpu()

    const request: ProduceRequest = {
      type: 'produce',
      matchIds,
      rate: variant.rate,
      seconds: variant.seconds,
    }
    const produced = await ask<Produced>(producer, request)
    const expected = matchIds.reduce(
      (sum, id, m) =>
        sum +
        produced.lastK[id]! *
          (Math.floor(variant.clients / variant.matches) + (m < variant.clients % variant.matches ? 1 : 0)),
      0,
    )
    const deadline = Date.now() + DRAIN_MS
    for (;;) {
      const progress = await Promise.all(
        clientProcs.map((child) => ask<{ delivered: number }>(child, 'progress')),
      )
      if (progress.reduce((sum, p) => sum + p.delivered, 0) >= expected || Date.now() > deadline) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const end = await hubUsage()
    const redisAfter = processCpuMicros('redis-server')
    const clientsAfter = await clientsCpu()
    const reports = await Promise.all(
      clientProcs.map((child) => ask<ClientsReport>(child, { type: 'verify', lastK: produced.lastK })),
    )

    const sum = (pick: (r: ClientsReport) => number) => reports.reduce((total, r) => total + pick(r), 0)
    const cpu = (from: LiveUsage[], to: LiveUsage[]) =>
      to.reduce((total, u, h) => total + u.cpuMicros - from[h]!.cpuMicros, 0)
    const productionCpu = cpu(connected, end)
    const productionSystem = end.reduce(
      (total, u, h) => total + u.systemMicros - connected[h]!.systemMicros,
      0,
    )
    const all = percentiles(reports.flatMap((r) => [r.raw, r.library]))
    const library = percentiles(reports.map((r) => r.library))
    const delivered = sum((r) => r.delivered)
    return {
      variant: `${variant.store}, ${variant.hubs} hub${variant.hubs > 1 ? 's' : ''}, ${variant.clients} clients`,
      store: variant.store,
      hubs: variant.hubs,
      clients: variant.clients,
      events: produced.events,
      corrections: produced.corrections,
      deletions: produced.deletions,
      producedPerSecond: round(produced.events / produced.seconds),
      expected,
      delivered,
      completeClients: sum((r) => r.complete),
      missing: sum((r) => r.missing),
      duplicates: sum((r) => r.duplicates),
      outOfOrder: sum((r) => r.outOfOrder),
      foreign: sum((r) => r.foreign),
      resyncs: sum((r) => r.resyncs),
      dropped: sum((r) => r.dropped),
      snapshotEvents: sum((r) => r.snapshotEvents),
      p50ms: all.p50,
      p95ms: all.p95,
      p99ms: all.p99,
      maxMs: all.max,
      libraryClients: Math.min(variant.libraryClients, variant.clients),
      libraryP99ms: library.p99,
      connectSeconds: round(connectSeconds),
      /** The hubs' peak RSS (the largest one's, and all of them together). */
      peakRssMB: mb(Math.max(...end.map((u) => u.peakRss))),
      peakRssAllHubsMB: mb(end.reduce((total, u) => total + u.peakRss, 0)),
      rssStartMB: mb(Math.max(...hubs.map((hub) => hub.ready.rss))),
      rssConnectedMB: mb(Math.max(...connected.map((u) => u.rss))),
      rssEndMB: mb(Math.max(...end.map((u) => u.rss))),
      /** Server CPU while events flow, as a share of one core (all hubs). */
      serverCpuPercent: round((productionCpu / 1e6 / produced.seconds) * 100),
      serverCpuMicrosPerEvent: round(productionCpu / produced.events),
      serverCpuMicrosPerDelivery: round(productionCpu / delivered),
      /** The part of it in the kernel (socket writes). */
      serverSystemPercent: round((productionSystem / 1e6 / produced.seconds) * 100),
      connectCpuMicrosPerClient: round(
        cpu(
          hubs.map((hub) => hub.ready),
          connected,
        ) / variant.clients,
      ),
      clientsCpuMicrosPerDelivery: round((clientsAfter - clientsBefore) / delivered),
      redisCpuMicrosPerEvent:
        variant.store === 'redis' && redisBefore !== undefined && redisAfter !== undefined
          ? round((redisAfter - redisBefore) / produced.events)
          : undefined,
      /** The hubs' event-loop delay while events flow (the worst hub). */
      loopDelayP99Ms: round(Math.max(...end.map((u) => u.loopDelayP99Ms))),
      loopDelayMaxMs: round(Math.max(...end.map((u) => u.loopDelayMaxMs))),
      framesSent: end.reduce((t, u, h) => t + u.hub!.messagesSent - connected[h]!.hub!.messagesSent, 0),
      productionSeconds: round(produced.seconds),
      errors: reports.flatMap((r) => r.errors).slice(0, 10),
    }
  } finally {
    for (const hub of hubs) await stopChild(hub.child)
    if (producer && !hubs.some((hub) => hub.child === producer)) await stopChild(producer)
    for (const child of clientProcs) await stopChild(child)
    if (variant.store === 'redis') await deleteKeys(prefix)
  }
}

type Row = Awaited<ReturnType<typeof measure>>

const round = (n: number) => Math.round(n * 10) / 10
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10

/** Every client every entry of its match, once, in order: anything else fails the run. */
function failures(row: Row): string[] {
  const wrong = []
  if (row.delivered !== row.expected) wrong.push(`${row.delivered} delivered of ${row.expected} expected`)
  if (row.completeClients !== row.clients)
    wrong.push(`${row.clients - row.completeClients} of ${row.clients} clients incomplete`)
  if (row.missing > 0) wrong.push(`${row.missing} missing`)
  if (row.duplicates > 0) wrong.push(`${row.duplicates} duplicates`)
  if (row.outOfOrder > 0) wrong.push(`${row.outOfOrder} out of order`)
  if (row.foreign > 0) wrong.push(`${row.foreign} events of another match or without the producer's numbers`)
  if (row.resyncs > 0 || row.dropped > 0) wrong.push(`${row.resyncs} resyncs, ${row.dropped} dropped`)
  if (row.snapshotEvents > 0) wrong.push(`${row.snapshotEvents} events in snapshots (none expected)`)
  return wrong
}

/** What one more client costs: between the smallest and the largest count of each store, in this run. */
function perClient(rows: Row[]) {
  const stores = [...new Set(rows.map((row) => `${row.store}/${row.hubs}`))]
  return stores.flatMap((key) => {
    const same = rows
      .filter((row) => `${row.store}/${row.hubs}` === key)
      .sort((a, b) => a.clients - b.clients)
    if (same.length < 2) return []
    const [low, high] = [same[0]!, same[same.length - 1]!]
    const clients = high.clients - low.clients
    return [
      {
        store: `${low.store}, ${low.hubs} hub${low.hubs > 1 ? 's' : ''}`,
        between: `${low.clients} → ${high.clients}`,
        peakRssKBPerClient: round(((high.peakRssAllHubsMB - low.peakRssAllHubsMB) * 1000) / clients),
        connectedRssKBPerClient: round(
          ((high.rssConnectedMB - low.rssConnectedMB) * 1000 * high.hubs) / clients,
        ),
        /** CPU µs per second per client while events flow (both runs at the same rate). */
        cpuMicrosPerSecondPerClient: round(((high.serverCpuPercent - low.serverCpuPercent) * 1e4) / clients),
        connectCpuMicrosPerClient: round(
          (high.connectCpuMicrosPerClient * high.clients - low.connectCpuMicrosPerClient * low.clients) /
            clients,
        ),
        p99msLowHigh: `${low.p99ms} → ${high.p99ms}`,
      },
    ]
  })
}

function variants(flags: ReturnType<typeof parseFlags>): Variant[] {
  const quick = flags.quick
  const counts = (flags.clients ?? (quick ? '100,1000' : '1000,10000')).split(',').map(Number)
  const stores = flags.store === 'both' ? (['memory', 'redis'] as const) : [flags.store as Variant['store']]
  const base = {
    matches: Number(flags.matches),
    rate: Number(flags.rate),
    seconds: Number(flags.seconds ?? (quick ? 10 : 30)),
    clientProcs: Number(flags['client-procs']),
    libraryClients: Number(flags['library-clients']),
  }
  return stores.flatMap((store) =>
    counts.map((clients) => ({ ...base, store, clients, hubs: store === 'memory' ? 1 : Number(flags.hubs) })),
  )
}

function parseFlags() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      clients: { type: 'string' },
      matches: { type: 'string', default: '50' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string' },
      store: { type: 'string', default: 'both' },
      hubs: { type: 'string', default: '2' },
      'client-procs': { type: 'string', default: '4' },
      'library-clients': { type: 'string', default: '50' },
    },
  }).values
}

export async function run(flags = parseFlags()) {
  ensureBuilt()
  const limit = openFilesLimit()
  const rows: Row[] = []
  for (const variant of variants(flags)) {
    // A hub holds one descriptor per client, a client process one per socket: both under the soft limit.
    const needed = Math.ceil(variant.clients / Math.min(variant.hubs, variant.clientProcs)) + 200
    if (needed > limit)
      throw new Error(
        `${variant.clients} clients need about ${needed} open files a process; ulimit -n is ${limit}`,
      )
    const row = await measure(variant)
    rows.push(row)
    const wrong = failures(row)
    console.error(
      `  ${row.variant}: p99 ${row.p99ms} ms, ${row.delivered}/${row.expected} delivered, peak RSS ${row.peakRssMB} MB, server CPU ${row.serverCpuPercent} %${wrong.length > 0 ? `  FAILED: ${wrong.join(', ')}` : ''}`,
    )
  }
  console.log(
    `live hub (${rows[0]?.events ?? 0} events at ${flags.rate}/s over ${flags.matches} matches; clients and hubs on the same machine; ulimit -n ${limit})`,
  )
  // The console gets the main columns; the JSON line has them all.
  console.table(
    rows.map((row) => ({
      variant: row.variant,
      'delivered/expected': `${row.delivered}/${row.expected}`,
      'complete clients': row.completeClients,
      'p50 ms': row.p50ms,
      'p95 ms': row.p95ms,
      'p99 ms': row.p99ms,
      'max ms': row.maxMs,
      'connectLive p99': row.libraryP99ms,
      'peak RSS MB': row.peakRssMB,
      'RSS connected MB': row.rssConnectedMB,
      'server CPU %': row.serverCpuPercent,
      'loop delay max ms': row.loopDelayMaxMs,
      'µs/event': row.serverCpuMicrosPerEvent,
      'µs/delivery': row.serverCpuMicrosPerDelivery,
      'connect µs/client': row.connectCpuMicrosPerClient,
      'clients µs/delivery': row.clientsCpuMicrosPerDelivery,
      'redis µs/event': row.redisCpuMicrosPerEvent,
    })),
  )
  const costs = perClient(rows)
  if (costs.length > 0) {
    console.log('cost per extra client')
    console.table(costs)
  }
  const failed = rows.filter((row) => failures(row).length > 0)
  if (failed.length > 0) {
    for (const row of failed)
      console.error(`\n!!! ${row.variant}: ${failures(row).join(', ')}\n    ${row.errors.join('\n    ')}`)
    throw new Error(`live: ${failed.length} run(s) did not deliver every event to every client exactly once`)
  }
  return { rows, perClient: costs, openFilesLimit: limit }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const results = await run()
  console.log(JSON.stringify({ bench: 'live', ...results }))
}
