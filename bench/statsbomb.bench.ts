/**
 * StatsBomb parse + normalise against a bare JSON.parse of the same file, in the same run. The budget:
 * parseStatsBombEvents ≤ 1.3 × JSON.parse. Runs are interleaved (JSON.parse, then each variant) so machine
 * noise lands on both sides; figures are medians after a warm-up.
 * Run: `node --import tsx bench/statsbomb.bench.ts`. Reads `fixtures/statsbomb/statsbomb_3788741_event.json`
 * from MATCHFEED_SHARED_DIR (default `../shared`); says so and returns `undefined` when it is missing.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseStatsBombEvents } from '../src/providers/statsbomb/index.js'

export interface StatsBombBenchResult {
  file: string
  bytes: number
  events: number
  runs: number
  /** Median ms of `JSON.parse(text)`. */
  jsonParseMs: number
  /** Median ms of `parseStatsBombEvents(text)`: JSON.parse + normalise. */
  parseNormaliseMs: number
  /** parseNormaliseMs / jsonParseMs: the budget is 1.3. */
  ratio: number
  /** The same ratio from the fastest runs: less exposed to other processes on a shared machine. */
  ratioOfMinimums: number
  /** Median ms of `parseStatsBombEvents(array)` on a freshly parsed array: the normalising pass alone. */
  normaliseMs: number
  /** From bytes: `JSON.parse(decode(bytes))` against `parseStatsBombEvents(bytes)` (the CLI's path). */
  decodeJsonParseMs: number
  parseNormaliseBytesMs: number
  ratioBytes: number
  /** Peak RSS above the RSS before one call, in a fresh process: JSON.parse alone, then the parser. */
  jsonParsePeakRssMb: number
  peakRssMb: number
  /** Heap the MatchEvent array keeps alive once the parse tree is collected. */
  outputHeapMb: number
}

export interface StatsBombBenchOptions {
  runs?: number
  warmup?: number
  sharedDir?: string
}

const FILE = 'fixtures/statsbomb/statsbomb_3788741_event.json'
const PARSER_URL = new URL('../src/providers/statsbomb/index.ts', import.meta.url).href

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

function time(fn: () => unknown): number {
  const start = performance.now()
  const value = fn()
  const elapsed = performance.now() - start
  if (value === undefined) throw new Error('unreachable: keeps the result alive')
  return elapsed
}

const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1))
const ms = (value: number) => Number(value.toFixed(2))

export async function run(options: StatsBombBenchOptions = {}): Promise<StatsBombBenchResult | undefined> {
  const sharedDir = resolve(options.sharedDir ?? (process.env.MATCHFEED_SHARED_DIR || '../shared'))
  const path = join(sharedDir, FILE)
  if (!existsSync(path)) {
    console.log(`statsbomb bench skipped: ${path} not found (set MATCHFEED_SHARED_DIR)`)
    return undefined
  }
  const bytes = readFileSync(path)
  const text = bytes.toString('utf8')
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const opts = { matchId: '3788741' }
  const runs = options.runs ?? 40
  const memory = measureMemory(path)

  const jsonParse: number[] = []
  for (let i = 0; i < (options.warmup ?? 10) + runs; i++) {
    const t = time(() => JSON.parse(text))
    if (i >= (options.warmup ?? 10)) jsonParse.push(t)
  }

  const warmup = options.warmup ?? 10
  for (let i = 0; i < warmup; i++) {
    parseStatsBombEvents(text, opts)
    parseStatsBombEvents(bytes, opts)
  }
  const output = parseStatsBombEvents(text, opts)
  const samples = { json: [] as number[], ours: [] as number[], normalise: [] as number[] }
  const bytesSamples = { json: [] as number[], ours: [] as number[] }
  for (let i = 0; i < runs; i++) {
    samples.json.push(time(() => JSON.parse(text)))
    samples.ours.push(time(() => parseStatsBombEvents(text, opts)))
    const tree = JSON.parse(text)
    samples.normalise.push(time(() => parseStatsBombEvents(tree, opts)))
    bytesSamples.json.push(time(() => JSON.parse(decoder.decode(bytes))))
    bytesSamples.ours.push(time(() => parseStatsBombEvents(bytes, opts)))
  }

  const jsonParseMs = median([...jsonParse, ...samples.json])
  const parseNormaliseMs = median(samples.ours)
  const normaliseMs = median(samples.normalise)
  const decodeJsonParseMs = median(bytesSamples.json)
  const parseNormaliseBytesMs = median(bytesSamples.ours)
  return {
    file: FILE,
    bytes: bytes.length,
    events: output.length,
    runs,
    jsonParseMs: ms(jsonParseMs),
    parseNormaliseMs: ms(parseNormaliseMs),
    ratio: Number((parseNormaliseMs / jsonParseMs).toFixed(2)),
    ratioOfMinimums: Number((Math.min(...samples.ours) / Math.min(...jsonParse, ...samples.json)).toFixed(2)),
    normaliseMs: ms(normaliseMs),
    decodeJsonParseMs: ms(decodeJsonParseMs),
    parseNormaliseBytesMs: ms(parseNormaliseBytesMs),
    ratioBytes: Number((parseNormaliseBytesMs / decodeJsonParseMs).toFixed(2)),
    ...memory,
  }
}

// Peak RSS of one call, each in a fresh child process (same loader flags): the highest RSS the process reaches
// during the call minus its RSS just before, for JSON.parse alone and for the parser; plus the heap the
// output keeps alive once the parse tree is gone.
function measureMemory(path: string): {
  jsonParsePeakRssMb: number
  peakRssMb: number
  outputHeapMb: number
} {
  const child = (mode: 'json' | 'parse') => {
    const code = `
      import { readFileSync } from 'node:fs'
      import { setFlagsFromString } from 'node:v8'
      import { runInNewContext } from 'node:vm'
      const { parseStatsBombEvents } = await import(${JSON.stringify(PARSER_URL)})
      setFlagsFromString('--expose-gc')
      const gc = runInNewContext('gc')
      const text = readFileSync(${JSON.stringify(path)}, 'utf8')
      parseStatsBombEvents('[]', { matchId: '1' })
      gc()
      const rss = process.memoryUsage().rss
      let kept = ${mode === 'json' ? 'JSON.parse(text)' : "parseStatsBombEvents(text, { matchId: '1' })"}
      const peak = process.resourceUsage().maxRSS * 1024 - rss
      gc()
      const heapWith = process.memoryUsage().heapUsed
      kept.length = 0
      kept = undefined
      gc()
      console.log(JSON.stringify({ peak, output: heapWith - process.memoryUsage().heapUsed }))`
    const run = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', code], {
      encoding: 'utf8',
    })
    if (run.status !== 0) throw new Error(`memory child failed: ${run.stderr}`)
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as { peak: number; output: number }
  }
  const json = child('json')
  const parse = child('parse')
  return { jsonParsePeakRssMb: mb(json.peak), peakRssMb: mb(parse.peak), outputHeapMb: mb(parse.output) }
}

function print(result: StatsBombBenchResult): void {
  const rows: [string, string][] = [
    ['JSON.parse(text)', `${result.jsonParseMs} ms`],
    [
      'parseStatsBombEvents(text)',
      `${result.parseNormaliseMs} ms  (x${result.ratio}, budget x1.3; fastest runs x${result.ratioOfMinimums})`,
    ],
    ['  normalise alone (parsed array)', `${result.normaliseMs} ms`],
    ['JSON.parse(decode(bytes))', `${result.decodeJsonParseMs} ms`],
    ['parseStatsBombEvents(bytes)', `${result.parseNormaliseBytesMs} ms  (x${result.ratioBytes})`],
    [
      'peak RSS delta, one call',
      `${result.peakRssMb} MB (JSON.parse alone: ${result.jsonParsePeakRssMb} MB)`,
    ],
    ['output kept alive', `${result.outputHeapMb} MB of heap`],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  console.log(
    `${result.file}: ${result.bytes.toLocaleString('en-US')} bytes, ${result.events} events, median of ${result.runs}`,
  )
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`)
  console.log(JSON.stringify({ bench: 'statsbomb-parse', node: process.version, ...result }))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run()
  if (result !== undefined) print(result)
}
