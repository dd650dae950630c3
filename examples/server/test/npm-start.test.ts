// The README's first command as a user runs it: `npm start` from the repository root, as a child process,
// on the embedded default (PGlite, in-process fan-out, the simulated match posted to its own webhooks); and the
// embedded default fed a provider file instead (REPLAY_FILE, through the built `matchfeed replay`).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { connectLive } from 'matchfeed/live/client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { freePort } from '../../../test/helpers/redis.js'
import { launchChromium } from './browser.js'
import { guideEvent } from './helpers.js'
import { startServer } from './server-process.js'

const ROOT = new URL('../../..', import.meta.url).pathname
// The simulated match of SIMULATE_SEED=42 (matchfeed/testing's default fixture id).
const MATCH_ID = '1000001'

let child: ChildProcess | undefined
let output = ''

interface Watched {
  name: string
  exitCode(): number | null
  output(): string
}
const npmStart: Watched = { name: 'npm start', exitCode: () => child?.exitCode ?? null, output: () => output }

/** Polls `url` until `accept` says yes; fails after `withinMs`, or once the process exited, with what it printed. */
async function waitFor(
  url: string,
  accept: (status: number, body: string) => boolean,
  withinMs: number,
  watched: Watched = npmStart,
) {
  const deadline = Date.now() + withinMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    const code = watched.exitCode()
    if (code !== null) throw new Error(`${watched.name} exited ${code}:\n${watched.output()}`)
    try {
      const res = await fetch(url)
      const body = await res.text()
      if (accept(res.status, body)) return JSON.parse(body)
      last = `${res.status} ${body.slice(0, 200)}`
    } catch (error) {
      last = (error as Error).message
    }
    await sleep(250)
  }
  throw new Error(
    `${url} not as expected within ${withinMs} ms (last: ${last}):\n${watched.output().slice(-4000)}`,
  )
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`${what} did not come within ${ms} ms:\n${output.slice(-4000)}`)
    }),
  ])
}

beforeAll(() => {
  // The first start of a fresh clone builds dist/ (what the server imports); done here so that the 30 s
  // below measure the server, not the build.
  const build = spawnSync('node', ['scripts/build-if-stale.mjs'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`)
}, 200_000)

afterAll(() => {
  // Whatever is left of the process group (npm, the shells, the server) goes.
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
})

it('serves within 30 s: probes answer, the simulated match reaches storage, the page and a WebSocket client; SIGTERM exits 0', async () => {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true, // its own process group, removed as a whole in afterAll
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info', SIMULATE_SPEED: '300' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))

  await waitFor(`${base}/livez`, (status) => status === 200, 30_000)
  expect(await waitFor(`${base}/readyz`, (status) => status === 200, 10_000)).toEqual({ status: 'ready' })
  const stored = await waitFor(
    `${base}/api/v1/matches/${MATCH_ID}/events`,
    (status, body) => status === 200 && JSON.parse(body).events.length >= 3,
    30_000,
  )
  expect(stored.events[0]).toMatchObject({ matchId: MATCH_ID, type: 'period_start' })
  const health = await waitFor(`${base}/api/v1/feed/health`, (status) => status === 200, 5_000)
  expect(health.sources['webhook:match-events'].eventsReceived).toBeGreaterThan(0)

  // A WebSocket client (Node's global WebSocket) follows the match: the snapshot, then what comes next.
  const browser = await launchChromium()
  const live = connectLive({ url: `ws://127.0.0.1:${port}/live`, matches: [MATCH_ID] })
  const updates = live.updates()
  try {
    const first = await within(updates.next(), 10_000, 'the snapshot')
    expect(first.value).toMatchObject({ type: 'snapshot', matchId: MATCH_ID })
    expect(live.events(MATCH_ID)[0]).toMatchObject({ type: 'period_start' })
    const next = await within(updates.next(), 30_000, 'a live event')
    expect(next.value).toMatchObject({ type: 'event', matchId: MATCH_ID })

    // The page: the list has the match; its page fills its timeline and its pitch as the match goes on.
    const page = await browser.newPage()
    await page.goto(`${base}/`)
    await page.locator(`#matches [data-match-id="${MATCH_ID}"] a`).click()
    await page.waitForURL(`${base}/matches/${MATCH_ID}`)
    await page.locator('#connection[data-status="open"]').waitFor({ timeout: 10_000 })
    await page.locator('#timeline [data-type="period_start"]').first().waitFor({ timeout: 10_000 })
    await page.locator('#marks [data-type="shot"]').first().waitFor({ timeout: 30_000 }) // the first goal

    // SIGTERM to the server itself (as an orchestrator does), the page and the client still connected: the
    // hub closes their sockets first, so the server's close does not wait on them. npm then exits with the
    // server's code.
    const serverPid = Number(/"pid":(\d+)[^\n]*matchfeed server on/.exec(output)?.[1])
    expect(serverPid).toBeGreaterThan(0)
    const exited = once(child, 'exit')
    process.kill(serverPid, 'SIGTERM')
    const [code] = await exited
    expect(code).toBe(0)
    expect(output).toContain('shutting down')
  } finally {
    live.close()
    await browser.close()
  }
}, 120_000)

it('replays REPLAY_FILE into its own webhook instead of the simulated match', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfsrv-replay-'))
  try {
    const file = join(dir, 'match.json')
    const items = [1, 2, 3].map((i) => guideEvent({ match_id: 'rf1', event_id: `f${i}`, seq: i, minute: i }))
    writeFileSync(file, JSON.stringify(items))
    const server = await startServer({ REPLAY_FILE: file, REPLAY_SPEED: '0' }, await freePort())
    try {
      const stored = await waitFor(
        `${server.base}/api/v1/matches/rf1/events`,
        (status, body) => status === 200 && JSON.parse(body).events.length === 3,
        30_000,
        { name: 'the server', exitCode: () => null, output: server.output },
      )
      expect(stored.events.map((e: { id: string }) => e.id)).toEqual([
        'custom:rf1:f1',
        'custom:rf1:f2',
        'custom:rf1:f3',
      ])
    } finally {
      expect(await server.stop()).toBe(0)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)
