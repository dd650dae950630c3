/**
 * Opta F24 and Stats Perform MA3 normalisation against a bare parse of the same bytes, in the same run.
 * Run: `node --import tsx bench/opta.bench.ts` (fixtures from MATCHFEED_SHARED_DIR, default ../shared).
 * Prints a table and one JSON line; `run()` returns the same results for a combined bench runner.
 *
 * - F24 (875 KB): `parseOptaF24(text, { f7 })` against `new XMLParser({ ignoreAttributes: false }).parse(text)`,
 *   fast-xml-parser's least configuration that reads an F24 at all (an F24 is all attributes: the default
 *   configuration drops them, so it is reported beside, for reference, not used as the baseline).
 * - MA3 (1.8 MB JSON): `parseStatsPerformMA3(text, { ma1 })` against `JSON.parse(text)`.
 * Both timed from text (decoding excluded), median of 15 runs after 5 warm-up runs, interleaved so that
 * machine noise hits both sides alike. RSS: in a fresh child process per feed and side that loads the
 * files, notes its peak resident set (`resourceUsage().maxRSS`), runs one parse (bare) or one parse +
 * normalisation and notes the peak again: the growth is the memory that call needs on top of the process
 * and its input. (Back-to-back runs in one process grow RSS further for both sides alike, because V8 defers
 * collecting the previous runs' garbage; that is the collector's choice, not memory the call needs.)
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { XMLParser } from 'fast-xml-parser'
import { parseOptaF24, parseStatsPerformMA3 } from '../src/providers/opta/index.js'

export interface OptaBenchResult {
  feed: 'F24' | 'MA3'
  file: string
  bytes: number
  events: number
  /** The baseline: fast-xml-parser (attributes on) for F24, JSON.parse for MA3. */
  bareMs: number
  normaliseMs: number
  ratio: number
  /** F24 only: fast-xml-parser's default configuration (attributes dropped: not a usable F24 read). */
  defaultParserMs?: number
  /** Peak RSS growth of one parse + normalisation in a fresh process, MB. */
  peakRssDeltaMb: number
  /** The same for one bare parse, MB. */
  bareRssDeltaMb: number
}

export interface OptaBenchOptions {
  sharedDir?: string
  runs?: number
  warmup?: number
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function time(fn: () => unknown): number {
  const start = performance.now()
  const out = fn()
  const ms = performance.now() - start
  if (out === undefined) throw new Error('unreachable: keeps the result alive')
  return ms
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024

async function measure(
  feed: OptaBenchResult['feed'],
  file: string,
  text: string,
  bare: () => unknown,
  normalise: () => unknown[],
  runs: number,
  warmup: number,
  reference?: () => unknown,
): Promise<OptaBenchResult> {
  for (let i = 0; i < warmup; i++) {
    bare()
    normalise()
    reference?.()
  }
  await yieldToLoop()
  const bareTimes: number[] = []
  const normaliseTimes: number[] = []
  const referenceTimes: number[] = []
  for (let i = 0; i < runs; i++) {
    bareTimes.push(time(bare))
    normaliseTimes.push(time(normalise))
    if (reference !== undefined) referenceTimes.push(time(reference))
  }
  const bareMs = median(bareTimes)
  const normaliseMs = median(normaliseTimes)
  const result: OptaBenchResult = {
    feed,
    file,
    bytes: Buffer.byteLength(text),
    events: normalise().length,
    bareMs: round(bareMs),
    normaliseMs: round(normaliseMs),
    ratio: round(normaliseMs / bareMs),
    peakRssDeltaMb: rssDeltaInChild(feed, 'normalise'),
    bareRssDeltaMb: rssDeltaInChild(feed, 'bare'),
  }
  if (reference !== undefined) result.defaultParserMs = round(median(referenceTimes))
  return result
}

const round = (v: number) => Math.round(v * 100) / 100

const RSS_CHILD = 'MATCHFEED_OPTA_BENCH_RSS'

/** Runs this file again in a fresh process that only parses `feed` once (see rssChild) and reads its answer. */
function rssDeltaInChild(feed: OptaBenchResult['feed'], side: 'bare' | 'normalise'): number {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [RSS_CHILD]: `${feed}:${side}` },
    encoding: 'utf8',
  })
  return round(Number(out.trim().split('\n').pop()))
}

function rssChild(task: string): void {
  const fixtures = join(resolve(process.env.MATCHFEED_SHARED_DIR ?? '../shared'), 'fixtures')
  const read = (path: string) => readFileSync(join(fixtures, path), 'utf8')
  const [feed, side] = task.split(':')
  let call: () => unknown
  if (feed === 'F24') {
    const f24 = read('opta/f24-23-2018-1009316-eventdetails.xml')
    const f7 = read('opta/f7-23-2018-1009316-matchresults.xml')
    const bare = new XMLParser({ ignoreAttributes: false })
    call = side === 'bare' ? () => bare.parse(f24) : () => parseOptaF24(f24, { f7 })
  } else {
    const ma3 = read('statsperform/statsperform_event_ma3.json')
    const ma1 = read('statsperform/statsperform_event_ma1.json')
    call = side === 'bare' ? () => JSON.parse(ma3) : () => parseStatsPerformMA3(ma3, { ma1 })
  }
  const baseline = peakRssMb()
  if (call() === undefined) throw new Error('unreachable: keeps the result alive')
  console.log(peakRssMb() - baseline)
}

export async function run(options: OptaBenchOptions = {}): Promise<OptaBenchResult[]> {
  const shared = resolve(options.sharedDir ?? process.env.MATCHFEED_SHARED_DIR ?? '../shared')
  const fixtures = join(shared, 'fixtures')
  const runs = options.runs ?? 15
  const warmup = options.warmup ?? 5
  const results: OptaBenchResult[] = []

  const f24File = 'opta/f24-23-2018-1009316-eventdetails.xml'
  const f24 = readFileSync(join(fixtures, f24File), 'utf8')
  const f7 = readFileSync(join(fixtures, 'opta/f7-23-2018-1009316-matchresults.xml'), 'utf8')
  const bareXml = new XMLParser({ ignoreAttributes: false })
  const defaultXml = new XMLParser()
  results.push(
    await measure(
      'F24',
      f24File,
      f24,
      () => bareXml.parse(f24),
      () => parseOptaF24(f24, { f7 }),
      runs,
      warmup,
      () => defaultXml.parse(f24),
    ),
  )
  await yieldToLoop()

  const ma3File = 'statsperform/statsperform_event_ma3.json'
  const ma3 = readFileSync(join(fixtures, ma3File), 'utf8')
  const ma1 = readFileSync(join(fixtures, 'statsperform/statsperform_event_ma1.json'), 'utf8')
  results.push(
    await measure(
      'MA3',
      ma3File,
      ma3,
      () => JSON.parse(ma3),
      () => parseStatsPerformMA3(ma3, { ma1 }),
      runs,
      warmup,
    ),
  )
  return results
}

function print(results: OptaBenchResult[]): void {
  const header = ['feed', 'events', 'bare parse', 'parse + normalise', 'ratio', 'peak RSS Δ (bare)']
  const rows = results.map((r) => [
    `${r.feed} (${(r.bytes / 1000).toFixed(0)} kB)`,
    String(r.events),
    `${r.bareMs.toFixed(1)} ms${r.defaultParserMs === undefined ? '' : ` (default config ${r.defaultParserMs.toFixed(1)} ms)`}`,
    `${r.normaliseMs.toFixed(1)} ms`,
    `${r.ratio.toFixed(2)} x`,
    `${r.peakRssDeltaMb.toFixed(1)} MB (${r.bareRssDeltaMb.toFixed(1)} MB)`,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const child = process.env[RSS_CHILD]
  if (child !== undefined) {
    rssChild(child)
    process.exit(0)
  }
  const results = await run()
  print(results)
  console.log(JSON.stringify(results))
}
