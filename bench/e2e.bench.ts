// The integration guide's flow end to end (docs/benchmarks.md, "End to end"): autocannon posts signed
// deliveries of the guide's payload — a different body per request, signed before the run — to the server of
// bench/e2e-server.ts; WebSocket clients (bench/e2e-clients.ts) receive every event through Redis Pub/Sub.
// A bare node:http server and the handler with a memory sink take the same load in the same run, for ratios.
// Afterwards, Postgres rows and stream entries are counted: they must equal what was acknowledged.
//
//   node --import tsx bench/e2e.bench.ts                  the default set of variants (as in `npm run bench`)
//   … --events-per-request 50 --matches 1000 --clients 1000 --delivery outbox --events 200000
//   … --soak [--seconds 300]                               RSS over a long run of the full flow
import type { ChildProcess } from 'node:child_process'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { signHmacSignature } from 'matchfeed/webhooks'
import pg from 'pg'
import { createClient } from 'redis'
import type { E2eSetup } from './e2e-server.js'
import { ask, ensureBuilt, processCpuMicros, startChild, stopChild } from './processes.js'

const SECRET = 'bench-secret-0123456789abcdef'
const CONNECTIONS = 32
const now = () => performance.timeOrigin + performance.now()

interface Variant {
  name: string
  sinks: E2eSetup['sinks']
  delivery?: E2eSetup['delivery']
  eventsPerRequest: number
  matches: number
  clients: number
  events: number
  /** Sign each body as it is sent instead of before the run (the soak: too many bodies to hold). */
  seconds?: number
  /** Requests per second offered, when fixed (the fan-out variants); otherwise as fast as answers come. */
  rate?: number
  /** examples/server (Postgres + Redis, outbox) instead of the library-only flow of bench/e2e-server.ts. */
  reference?: boolean
  upTo?: E2eSetup['upTo']
}

/** What the server reports of itself: resident memory, and CPU time used so far in µs. */
interface Usage {
  rss: number
  cpuMicros: number
  /** The part of cpuMicros spent in the kernel (system calls: sockets, epoll). */
  systemMicros: number
  /** How long the collector paused the main thread so far, ms (its helper threads' time is in cpuMicros). */
  gcPauseMs: number
  /** Resident memory every 5 s since the start, sampled by the server itself. */
  rssSamples: number[]
  /** How late the server's event loop ran a due tick since the last question: p99, ms (bench/e2e-usage.ts). */
  loopDelayP99Ms: number
}

interface Load {
  bodies: string[]
  headers: Record<string, string>[]
}

/**
 * Unique deliveries of the guide's payload, as a provider sends them: request r carries `eventsPerRequest`
 * events of match r mod `matches`; every event has its own provider event id, i (a number, so clients can
 * find its send time), and the events of a match come in seq order.
 */
function delivery(variant: Variant, request: number, runTag: string): string {
  const items = []
  for (let k = 0; k < variant.eventsPerRequest; k++) {
    const i = request * variant.eventsPerRequest + k
    items.push({
      match_id: `${runTag}m${request % variant.matches}`,
      event_id: String(i),
      seq: i,
      event_type: i % 7 === 0 ? 'shot' : 'pass',
      minute: Math.floor(request / variant.matches / 20) % 90,
      player_id: String(i % 22),
      team_id: String(i % 2),
      position_x: (i % 100) + 0.5,
      position_y: (i * 7) % 100,
      timestamp: '2026-11-24T16:23:41+01:00',
    })
  }
  return JSON.stringify(variant.eventsPerRequest === 1 ? items[0] : items)
}

function prepareLoad(variant: Variant, runTag: string): Load {
  const requests = Math.ceil(variant.events / variant.eventsPerRequest)
  const bodies = Array.from({ length: requests }, (_, r) => delivery(variant, r, runTag))
  const headers = bodies.map((body) => ({
    'content-type': 'application/json',
    ...signHmacSignature(body, { secret: SECRET }),
  }))
  return { bodies, headers }
}

function percentile(sorted: Float64Array, p: number) {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
}

/**
 * Rows and stream entries of this run, then removed: the library-only flow's own table and keys, or this
 * run's matches in the reference server's (shared) table and streams.
 */
async function countStored(variant: Variant, setup: E2eSetup, runTag: string) {
  const counts: { rows?: number; entries?: number } = {}
  if (setup.sinks === 'echo') return counts
  if (setup.sinks.includes('postgres')) {
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' })
    await client.connect()
    const ofRun = [`${runTag}m%`]
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM ${setup.table} WHERE match_id LIKE $1`,
      ofRun,
    )
    counts.rows = rows[0].n as number
    if (variant.reference) await client.query(`DELETE FROM ${setup.table} WHERE match_id LIKE $1`, ofRun)
    else await client.query(`DROP TABLE IF EXISTS ${setup.table}, ${setup.table}_outbox`)
    await client.end()
  }
  if (setup.sinks.includes('streams')) {
    const redis = createClient({ url: 'redis://127.0.0.1:6379' })
    await redis.connect()
    counts.entries = 0
    for (let m = 0; m < variant.matches; m++) {
      const key = `${setup.prefix}events:${runTag}m${m}`
      counts.entries += await redis.xLen(key)
      await redis.del([key, `${key}:seen`])
    }
    const leftovers = await redis.keys(`${setup.prefix}*${variant.reference ? runTag : ''}*`)
    if (leftovers.length > 0) await redis.del(leftovers)
    await redis.quit()
  }
  return counts
}

/** One POST on `agent`, resolving with the status once the answer has been read. */
function post(agent: http.Agent, port: number, path: string, body: string, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const request = http.request({ agent, host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

const cpuPerEvent = (after: number | undefined, before: number | undefined, events: number) =>
  after === undefined || before === undefined ? undefined : round((after - before) / events)

/** Waits until every client has `expected` events, or `timeoutMs` passed; the clients' CPU time then (µs). */
async function waitForClients(clients: ChildProcess, expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { received, cpuMicros } = await ask<{ received: number[]; cpuMicros: number }>(clients, 'received')
    if (received.every((n) => n >= expected) || Date.now() > deadline) return cpuMicros
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Waits until the streams hold `expected` entries (the outbox relay runs after the answer). */
async function waitForStreams(variant: Variant, setup: E2eSetup, runTag: string, expected: number) {
  if (setup.sinks === 'echo' || !setup.sinks.includes('streams') || setup.delivery !== 'outbox') return
  const redis = createClient({ url: 'redis://127.0.0.1:6379' })
  await redis.connect()
  const deadline = Date.now() + 60_000
  for (;;) {
    let entries = 0
    for (let m = 0; m < variant.matches; m++)
      entries += await redis.xLen(`${setup.prefix}events:${runTag}m${m}`)
    if (entries >= expected || Date.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await redis.quit()
}

async function measure(variant: Variant) {
  const runTag = `r${Date.now().toString(36)}`
  const setup: E2eSetup = {
    sinks: variant.sinks,
    delivery: variant.delivery ?? 'direct',
    upTo: variant.upTo,
    secret: SECRET,
    // The reference server keeps its defaults; this run's matches are told apart by the run tag.
    table: variant.reference ? 'match_events' : `bench_e2e_${runTag}`,
    prefix: variant.reference ? 'matchfeed:' : `bench-e2e:${runTag}:`,
  }
  const soak = variant.seconds !== undefined
  const load = soak ? undefined : prepareLoad(variant, runTag)
  // E2E_CPU_PROFILE=<dir>: the server writes a V8 CPU profile there (docs/benchmarks.md, "Profiling").
  const server = await startChild<Usage & { port: number }>(
    variant.reference ? 'e2e-reference-server' : 'e2e-server',
    [JSON.stringify(setup)],
    process.env.E2E_CPU_PROFILE,
  )
  const { port } = server.ready
  const live = setup.sinks !== 'echo' && setup.sinks.includes('pubsub') && variant.clients > 0
  const clients = live
    ? await startChild('e2e-clients', [`ws://127.0.0.1:${port}/live`, String(variant.clients)])
    : undefined
  const sentAt = new Float64Array(soak ? 0 : load!.bodies.length)
  const path = variant.reference ? '/api/v1/webhooks/match-events' : '/'
  // The paced variants' connections, kept from the warm-up to the run (autocannon keeps its own).
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  let next = 0
  /** autocannon over the next `amount` bodies (or for the soak's duration); the rate up to the last answer. */
  async function fire(amount: number) {
    if (variant.rate) return paced(amount)
    const started = now()
    let lastAnswerAt = started
    const result = await autocannon({
      url: `http://127.0.0.1:${port}${path}`,
      // autocannon never ends an `amount` smaller than its connections (a short run's warm-up at 50 per request).
      connections: soak ? CONNECTIONS : Math.min(CONNECTIONS, amount),
      ...(soak ? { duration: variant.seconds } : { amount }),
      requests: [
        {
          method: 'POST',
          setupRequest(request) {
            const i = next++
            if (soak) {
              const body = delivery(variant, i, runTag)
              const headers = {
                'content-type': 'application/json',
                ...signHmacSignature(body, { secret: SECRET }),
              }
              return { ...request, body, headers }
            }
            sentAt[i] = now()
            return { ...request, body: load!.bodies[i]!, headers: load!.headers[i]! }
          },
          // autocannon ends on a one-second tick: the rate is taken up to the last answer instead.
          onResponse() {
            lastAnswerAt = now()
          },
        },
      ],
    })
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
      throw new Error(
        `${variant.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
      )
    return { result, seconds: (lastAnswerAt - started) / 1000 }
  }

  /**
   * The next `amount` bodies at an even pace of `variant.rate` requests a second, each sent at its own time
   * over up to CONNECTIONS kept-alive connections. Not autocannon's `overallRate`: that sends each second's
   * quota at once at the start of the second, a burst of 200 events, not 200 events a second.
   */
  async function paced(amount: number) {
    const latencies = new Float64Array(amount)
    const started = now()
    let failed = 0
    let lastAnswerAt = started
    const answers: Promise<void>[] = []
    for (let k = 0; k < amount; k++) {
      const wait = started + (k * 1000) / variant.rate! - now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const i = next++
      sentAt[i] = now()
      answers.push(
        post(agent, port, path, load!.bodies[i]!, load!.headers[i]!).then(
          (status) => {
            lastAnswerAt = now()
            latencies[k] = lastAnswerAt - sentAt[i]!
            if (status !== 200) failed++
          },
          () => {
            failed++
          },
        ),
      )
    }
    await Promise.all(answers)
    if (failed > 0) throw new Error(`${variant.name}: ${failed} of ${amount} requests not answered 200`)
    latencies.sort()
    const latency = { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)) }
    return { result: { '2xx': amount, latency }, seconds: (lastAnswerAt - started) / 1000 }
  }

  try {
    // A warm-up first (compiled code, pooled connections, prepared statements), left out of the figures.
    const warmUp = soak ? 0 : Math.min(2_000, Math.floor(load!.bodies.length / 10))
    const warmed = warmUp > 0 ? (await fire(warmUp)).result['2xx'] : 0
    const before = await ask<Usage>(server.child, 'usage')
    const postgresBefore = processCpuMicros('postgres')
    const redisBefore = processCpuMicros('redis-server')
    const clientsBefore = clients ? await ask<{ cpuMicros: number }>(clients.child, 'received') : undefined
    const loadBefore = process.cpuUsage()
    const { result, seconds: elapsedSeconds } = await fire(soak ? 0 : load!.bodies.length - warmUp)
    const measured = result['2xx'] * variant.eventsPerRequest
    const acknowledged = (warmed + result['2xx']) * variant.eventsPerRequest
    const loadCpu = process.cpuUsage(loadBefore)
    const end = await ask<Usage>(server.child, 'usage')
    const postgresCpu = cpuPerEvent(processCpuMicros('postgres'), postgresBefore, measured)
    const redisCpu = cpuPerEvent(processCpuMicros('redis-server'), redisBefore, measured)
    await waitForStreams(variant, setup, runTag, acknowledged)
    let clientsCpu: number | undefined
    let clientLatency:
      | { p50: number; p99: number; lastClientP99: number; everyClientGotAll: boolean }
      | undefined
    if (clients) {
      clientsCpu = cpuPerEvent(
        await waitForClients(clients.child, acknowledged, 30_000),
        clientsBefore?.cpuMicros,
        measured,
      )
      const report = await ask<{
        received: number[]
        arrivals: Record<string, { ids: number[]; at: number[] }>
      }>(clients.child, 'report')
      const latencies = (client: number) => {
        const { ids, at } = report.arrivals[client]!
        const values: number[] = []
        ids.forEach((id, k) => {
          const request = Math.floor(id / variant.eventsPerRequest)
          if (request >= warmUp) values.push(at[k]! - sentAt[request]!)
        })
        return Float64Array.from(values).sort()
      }
      // Over the deliveries to every sampled client: the fan-out's order matters (the last written to waits
      // for all the others; the clients' numbers follow the server's order only roughly, as they all connect
      // at once), so the first client alone would flatter it.
      const sampled = Object.keys(report.arrivals).map(Number)
      const all = Float64Array.from(sampled.flatMap((client) => [...latencies(client)])).sort()
      clientLatency = {
        p50: percentile(all, 0.5),
        p99: percentile(all, 0.99),
        lastClientP99: percentile(latencies(variant.clients - 1), 0.99),
        // Every client the same count, and at least what was acknowledged (a soak cut short may have stored
        // and published a few events more than autocannon counted as answered).
        everyClientGotAll: report.received.every((n) => n === report.received[0] && n >= acknowledged),
      }
    }
    const stored = await countStored(variant, setup, runTag)
    return {
      variant: variant.name,
      eventsPerSecond: Math.round(measured / elapsedSeconds),
      httpP50ms: result.latency.p50,
      httpP99ms: result.latency.p99,
      clientP50ms: clientLatency && round(clientLatency.p50),
      clientP99ms: clientLatency && round(clientLatency.p99),
      lastClientP99ms: clientLatency && round(clientLatency.lastClientP99),
      everyClientGotAll: clientLatency?.everyClientGotAll,
      serverCpuMicrosPerEvent: round((end.cpuMicros - before.cpuMicros) / measured),
      serverSystemMicrosPerEvent: round((end.systemMicros - before.systemMicros) / measured),
      serverGcPauseMicrosPerEvent: round(((end.gcPauseMs - before.gcPauseMs) * 1000) / measured),
      postgresCpuMicrosPerEvent: postgresCpu,
      redisCpuMicrosPerEvent: redisCpu,
      // autocannon, in this process; the WebSocket clients' process (its figure includes the wait for the last).
      loadGeneratorCpuMicrosPerEvent: round((loadCpu.user + loadCpu.system) / measured),
      clientsCpuMicrosPerEvent: clientsCpu,
      loopDelayP99Ms: round(end.loopDelayP99Ms),
      rssStartMB: mb(server.ready.rss!),
      rssEndMB: mb(end.rss),
      rssSamplesMB: soak ? end.rssSamples.map(mb) : undefined,
      acknowledged,
      sent: next * variant.eventsPerRequest,
      ...stored,
    }
  } finally {
    agent.destroy()
    if (clients) await stopChild(clients.child)
    await stopChild(server.child)
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10

function checkStored(row: Awaited<ReturnType<typeof measure>>) {
  // Stored: everything acknowledged, and nothing that was not sent. Equal to the acknowledged count, except
  // for a soak, where requests in flight when its time is up may be stored without being counted as answered.
  const wrong = (n: number | undefined) => n !== undefined && (n < row.acknowledged || n > row.sent)
  const lost = [
    wrong(row.rows) && `${row.rows} rows`,
    wrong(row.entries) && `${row.entries} stream entries`,
    row.everyClientGotAll === false && 'a WebSocket client missed events',
  ].filter(Boolean)
  if (lost.length > 0)
    throw new Error(
      `${row.variant}: ${lost.join(', ')} for ${row.acknowledged} acknowledged of ${row.sent} sent`,
    )
}

const ALL_SINKS: E2eSetup['sinks'] = ['postgres', 'streams', 'pubsub']
/** Events per second offered to the fan-out variants: four times what 50 live matches send (about one a second each). */
const FAN_OUT_RATE = 200

function variants(flags: ReturnType<typeof parseFlags>): Variant[] {
  const base = {
    eventsPerRequest: Number(flags['events-per-request']),
    matches: Number(flags.matches),
    clients: Number(flags.clients),
    events: Number(flags.events),
    delivery: flags.delivery as E2eSetup['delivery'],
  }
  if (flags.soak) return [{ ...base, name: 'soak', sinks: ALL_SINKS, seconds: Number(flags.seconds) }]
  const baselines: Variant[] = [
    { ...base, name: 'bare node:http', sinks: 'echo', clients: 0 },
    { ...base, name: 'handler + memory sink', sinks: ['memory'], clients: 0 },
  ]
  const batched = { ...base, eventsPerRequest: 50, events: base.events * 2 }
  // The handler alone, step by step up to the pipeline: where "handler + memory sink" spends its time.
  const handlerSteps: Variant[] = (['receive', 'verify', 'parse'] as const).map((upTo) => ({
    ...base,
    name: `handler up to ${upTo}`,
    sinks: [],
    clients: 0,
    upTo,
  }))
  const flows: Variant[] = [
    ...handlerSteps,
    { ...base, name: 'postgres only', sinks: ['postgres' as const], clients: 0 },
    { ...base, name: 'streams only', sinks: ['streams' as const], clients: 0 },
    { ...base, name: 'pubsub only', sinks: ['pubsub' as const], clients: 0 },
    { ...base, sinks: ALL_SINKS },
    { ...base, sinks: ALL_SINKS, delivery: 'outbox' as const },
    { ...base, sinks: ALL_SINKS, matches: 1000 },
    // Fan-out at a fixed rate, many clients against few: what 1,000 listeners add to the latency.
    { ...base, sinks: ALL_SINKS, clients: 20, rate: FAN_OUT_RATE, events: FAN_OUT_RATE * 10 },
    { ...base, sinks: ALL_SINKS, clients: 1000, rate: FAN_OUT_RATE, events: FAN_OUT_RATE * 10 },
    { ...batched, sinks: ALL_SINKS, delivery: 'direct' as const },
    { ...batched, sinks: ALL_SINKS, delivery: 'outbox' as const },
    // The same loads through examples/server as deployed (its webhook route: rate limit and replay
    // protection in Redis, Postgres with the outbox); live clients are the hub's (bench/live.bench.ts).
    { ...base, sinks: ALL_SINKS, delivery: 'outbox' as const, clients: 0, reference: true },
    { ...batched, sinks: ALL_SINKS, delivery: 'outbox' as const, clients: 0, reference: true },
  ].map((v): Variant => ({ name: describe(v), ...v }))
  const picked = flags.variant ? flows.filter((v) => v.name.includes(flags.variant!)) : flows
  if (picked.length === 0) throw new Error(`no variant's name contains "${flags.variant}"`)
  return [...(flags['skip-baselines'] ? [] : baselines), ...picked]
}

function describe(
  v: Pick<Variant, 'eventsPerRequest' | 'matches' | 'clients' | 'delivery' | 'rate' | 'reference'>,
) {
  const rate = v.rate ? `, ${v.rate * v.eventsPerRequest} events/s offered` : ''
  const flow = `${v.eventsPerRequest}/req, ${v.matches} matches, ${v.clients} clients, ${v.delivery}${rate}`
  return v.reference ? `examples/server, ${flow}` : `all three, ${flow}`
}

function parseFlags() {
  return parseArgs({
    options: {
      'events-per-request': { type: 'string', default: '1' },
      matches: { type: 'string', default: '50' },
      clients: { type: 'string', default: '20' },
      events: { type: 'string', default: '60000' },
      delivery: { type: 'string', default: 'direct' },
      /** Only the variants whose name contains this (the two baselines always run, for the ratios). */
      variant: { type: 'string' },
      'skip-baselines': { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '300' },
    },
  }).values
}

export async function run(flags = parseFlags()) {
  ensureBuilt()
  const rows = []
  for (const variant of variants(flags)) {
    const row = await measure(variant)
    checkStored(row)
    rows.push(row)
    console.error(
      `  ${row.variant}: ${row.eventsPerSecond} events/s, server CPU ${row.serverCpuMicrosPerEvent} µs/event (system ${row.serverSystemMicrosPerEvent}, GC pauses ${row.serverGcPauseMicrosPerEvent})`,
    )
  }
  const bare = rows.find((row) => row.variant === 'bare node:http')?.eventsPerSecond ?? Number.NaN
  const memory = rows.find((row) => row.variant === 'handler + memory sink')?.eventsPerSecond ?? Number.NaN
  const table = rows.map((row) => ({
    ...row,
    toBare: ratio(row.eventsPerSecond, bare),
    toMemory: ratio(row.eventsPerSecond, memory),
  }))
  console.log(`end to end (${CONNECTIONS} connections, autocannon on the same machine)`)
  console.table(table.map(({ rssSamplesMB, ...row }) => row))
  return { rows: table }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const results = await run()
  console.log(JSON.stringify({ bench: 'e2e', ...results }))
}
