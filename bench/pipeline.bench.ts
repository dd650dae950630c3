// Pipeline overhead with memory sinks: events/s in batches of 100, the latency it adds at a steady
// 10k events/s, and heap before/after 10 million events over 1,000 matches. Not a test: figures go to notes.
import { pathToFileURL } from 'node:url'
import { validateMatchEvents } from '../src/event/validate.js'
import { createPipeline, type Sink } from '../src/pipeline/index.js'
import { benchEvents } from './events.js'

const events = benchEvents

// A sink that only counts: the bench measures the pipeline, not a store.
const counting = (): Sink & { count: number } => ({
  name: 'count',
  count: 0,
  async write(batch) {
    this.count += batch.length
  },
})

async function throughput(total: number, parsed: boolean) {
  const sink = counting()
  const pipeline = createPipeline({ sinks: [sink] })
  const batches = Array.from({ length: total / 100 }, (_, i) =>
    events(i % 1000, Math.floor(i / 1000) * 100, 100),
  )
  // A parser's output arrives validated (checked once, by identity); a hand-built batch is checked here.
  if (parsed) for (const batch of batches) validateMatchEvents(batch)
  const started = performance.now()
  for (const batch of batches) await pipeline.emit(batch)
  const seconds = (performance.now() - started) / 1000
  return { events: sink.count, seconds, eventsPerSecond: Math.round(sink.count / seconds) }
}

async function latencyAt(rate: number, seconds: number) {
  const pipeline = createPipeline({ sinks: [counting()] })
  const perTick = rate / 1000 // one batch per millisecond
  const added: number[] = []
  const end = performance.now() + seconds * 1000
  let n = 0
  while (performance.now() < end) {
    const t = performance.now()
    await pipeline.emit(events(n % 1000, n * perTick, perTick))
    added.push(performance.now() - t)
    n++
    const wait = t + 1 - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  }
  added.sort((a, b) => a - b)
  const q = (p: number) => added[Math.min(added.length - 1, Math.floor(p * added.length))]!
  return { batches: added.length, p50ms: q(0.5), p99ms: q(0.99), maxMs: added[added.length - 1]! }
}

async function memory(total: number, matches: number) {
  const pipeline = createPipeline({ sinks: [counting()] })
  const heap = () => {
    globalThis.gc?.()
    return Math.round(process.memoryUsage().heapUsed / 1e6)
  }
  const perMatch = total / matches
  let sent = 0
  const samples: { events: number; heapMB: number }[] = []
  for (let round = 0; sent < total; round++) {
    for (let m = 0; m < matches && sent < total; m++) {
      await pipeline.emit(events(m, round * 100, 100))
      sent += 100
    }
    if (round % Math.max(1, Math.floor(perMatch / 100 / 5)) === 0)
      samples.push({ events: sent, heapMB: heap() })
  }
  samples.push({ events: sent, heapMB: heap() })
  return samples
}

export async function run() {
  await throughput(100_000, false) // warm-up
  const raw = await throughput(1_000_000, false)
  const parsed = await throughput(1_000_000, true)
  console.log(
    `throughput, batches of 100, one count sink: ${parsed.eventsPerSecond.toLocaleString()} events/s from a parser (validated there), ${raw.eventsPerSecond.toLocaleString()} events/s validated at entry`,
  )
  const l = await latencyAt(10_000, 3)
  console.log(
    `added latency at 10k events/s: p50 ${l.p50ms.toFixed(3)} ms, p99 ${l.p99ms.toFixed(3)} ms (${l.batches} batches)`,
  )
  const total = Number(process.env.BENCH_PIPELINE_EVENTS ?? 10_000_000)
  const m = await memory(total, 1000)
  console.log(
    `heap over ${total.toLocaleString()} events / 1,000 matches:`,
    m.map((s) => `${s.events / 1e6}M→${s.heapMB}MB`).join(' '),
  )
  return { throughput: { parsed, raw }, latency: l, memory: m }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  console.log(JSON.stringify({ bench: 'pipeline', ...(await run()) }))
}
