/**
 * Webhook signature verifications per second, one core, for a 1 KB body and a valid signature.
 * Run: `node --import tsx bench/verify.bench.ts`. Prints a table and one JSON line; `run()` returns the
 * same results for a combined bench runner.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import type { HeaderBag } from '../src/webhooks/headers.js'
import { signHmacSignature, verifyHmacSignature } from '../src/webhooks/hmac.js'
import { signStandardWebhook, verifyStandardWebhook } from '../src/webhooks/standard-webhooks.js'
import { signTimestampedSignature, verifyTimestampedSignature } from '../src/webhooks/timestamped.js'

export interface VerifyBenchResult {
  scheme: string
  bodyBytes: number
  iterations: number
  seconds: number
  opsPerSec: number
  nsPerOp: number
}

export interface VerifyBenchOptions {
  /** Measured time per scheme, default 1.5 s. */
  seconds?: number
  /** Warm-up per scheme (JIT, key cache), default 0.3 s. */
  warmupSeconds?: number
  bodyBytes?: number
}

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const SECRET = 'bench secret with enough entropy 0123456789'
const T = 1_700_000_000

/** A JSON-looking body of exactly `size` bytes. */
function makeBody(size: number): Buffer {
  const event = JSON.stringify({ type: 'shot', matchId: 'm-1', minute: 42, player: 'p-9', xg: 0.12, pad: '' })
  return Buffer.from(`${event.slice(0, -2).padEnd(size - 2, 'x')}"}`).subarray(0, size)
}

function cases(body: Buffer): { scheme: string; verify: () => { replayKey: string } }[] {
  const now = () => T * 1000
  const sw: HeaderBag = signStandardWebhook(body, { secret: SW_SECRET, id: 'msg_bench', timestamp: T })
  const gh: HeaderBag = {
    ...signHmacSignature(body, { secret: SECRET, header: 'x-hub-signature-256', prefix: 'sha256=' }),
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  }
  const ghOptions = {
    secret: SECRET,
    header: 'x-hub-signature-256',
    prefix: 'sha256=',
    idHeader: 'x-github-delivery',
  }
  const ts: HeaderBag = signTimestampedSignature(body, {
    secret: SECRET,
    header: 'stripe-signature',
    timestamp: T,
  })
  return [
    {
      scheme: 'standard-webhooks',
      verify: () => verifyStandardWebhook(body, sw, { secret: SW_SECRET, now }),
    },
    { scheme: 'hmac', verify: () => verifyHmacSignature(body, gh, ghOptions) },
    {
      scheme: 'timestamped',
      verify: () => verifyTimestampedSignature(body, ts, { secret: SECRET, header: 'stripe-signature', now }),
    },
  ]
}

function loop(verify: () => { replayKey: string }, seconds: number): { iterations: number; elapsed: number } {
  const batch = 1000
  let iterations = 0
  let sink = 0
  const start = performance.now()
  const end = start + seconds * 1000
  let t = start
  while (t < end) {
    for (let i = 0; i < batch; i++) sink += verify().replayKey.length
    iterations += batch
    t = performance.now()
  }
  if (sink === 0) throw new Error('unreachable: keeps the result alive')
  return { iterations, elapsed: (t - start) / 1000 }
}

export async function run(options: VerifyBenchOptions = {}): Promise<VerifyBenchResult[]> {
  const bodyBytes = options.bodyBytes ?? 1024
  const body = makeBody(bodyBytes)
  const results: VerifyBenchResult[] = []
  for (const { scheme, verify } of cases(body)) {
    loop(verify, options.warmupSeconds ?? 0.3)
    await yieldToLoop()
    const { iterations, elapsed } = loop(verify, options.seconds ?? 1.5)
    results.push({
      scheme,
      bodyBytes,
      iterations,
      seconds: Number(elapsed.toFixed(3)),
      opsPerSec: Math.round(iterations / elapsed),
      nsPerOp: Math.round((elapsed * 1e9) / iterations),
    })
    await yieldToLoop()
  }
  return results
}

function print(results: VerifyBenchResult[]): void {
  const rows = results.map((r) => [
    r.scheme,
    r.opsPerSec.toLocaleString('en-US'),
    `${(r.nsPerOp / 1000).toFixed(2)} µs`,
  ])
  const header = ['scheme (1 KB body)', 'verifications/s', 'per op']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
  console.log(JSON.stringify({ bench: 'webhooks-verify', node: process.version, results }))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  print(await run())
}
