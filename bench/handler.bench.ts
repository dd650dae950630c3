// Handler requests/s over real HTTP (autocannon, loopback) against a bare node:http echo server, measured
// in the same run, each server in its own process. Not a test: figures go to the issue notes.
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath, pathToFileURL } from 'node:url'
import autocannon from 'autocannon'
import { signHmacSignature } from '../src/webhooks/index.js'

const BENCH_SECRET = 'bench-secret-0123456789abcdef'
const serverScript = fileURLToPath(new URL('./handler-server.ts', import.meta.url))
const body = JSON.stringify({
  match_id: '8841',
  event_type: 'goal',
  minute: 23,
  player_id: '9',
  team_id: '541',
  position_x: 88.5,
  position_y: 50,
  metadata: '{"assist":"10"}',
  timestamp: '2026-11-24T16:23:41+01:00',
})

async function measure(kind: 'echo' | 'matchfeed', seconds: number) {
  const child = fork(serverScript, [kind, BENCH_SECRET], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
  const [{ port }] = (await once(child, 'message')) as [{ port: number }]
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/`,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signHmacSignature(body, { secret: BENCH_SECRET }) },
      connections: 32,
      pipelining: 1,
      duration: seconds,
    })
    const ok = result['2xx']
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors`)
    return {
      kind,
      requestsPerSecond: Math.round(ok / seconds),
      p50ms: result.latency.p50,
      p99ms: result.latency.p99,
    }
  } finally {
    child.disconnect()
    await once(child, 'exit')
  }
}

export async function run(seconds = Number(process.env.BENCH_SECONDS ?? 5)) {
  await measure('echo', 1) // warm-up of the machine and autocannon itself
  const echo = await measure('echo', seconds)
  const matchfeed = await measure('matchfeed', seconds)
  const ratio = matchfeed.requestsPerSecond / echo.requestsPerSecond
  console.log(`handler over HTTP (${body.length} B body, 32 connections, ${seconds} s each)`)
  console.table([echo, matchfeed])
  console.log(`matchfeed / bare node:http = ${ratio.toFixed(2)}`)
  return { echo, matchfeed, ratio }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const results = await run()
  console.log(JSON.stringify({ bench: 'handler', ...results }))
}
