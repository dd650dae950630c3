// The live match page in a real browser: headless Chromium (Debian's `chromium`, which .ci/run installs)
// driven by playwright-core against the server as a process. Events go in through the signed webhooks, as
// a provider sends them; what the page shows is read from the DOM (the data-* attributes app.js sets).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_URL } from '../../../test/helpers/postgres.js'
import { REDIS_URL, requireRedis } from '../../../test/helpers/redis.js'
import { launchChromium } from './browser.js'
import { freePort, type ServerProcess, sendUntilAcked, startServer } from './server-process.js'

const ROOT = new URL('../../..', import.meta.url).pathname
const SCREENSHOT = new URL('../../../docs/img/live-page.png', import.meta.url).pathname
const run = `${process.pid}x${Math.random().toString(36).slice(2, 6)}`

let browser: Browser
const servers: ServerProcess[] = []
const dirs: string[] = []

beforeAll(async () => {
  // The page serves matchfeed/live/client from dist/ (the package's export), built here if stale.
  const build = spawnSync('node', ['scripts/build-if-stale.mjs'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`)
  browser = await launchChromium()
}, 200_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all(servers.map((s) => s.kill9()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function serve(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const server = await startServer({ LOG_LEVEL: 'warn', ...env }, port ?? (await freePort()))
  servers.push(server)
  return server
}

/** A signed delivery to the webhook its type belongs to, retried until acknowledged (at least once). */
async function post(base: string, item: Record<string, unknown>, withinMs = 30_000): Promise<void> {
  const status = ['period_start', 'period_end', 'kick_off', 'half_time', 'full_time'].includes(
    item.event_type as string,
  )
  await sendUntilAcked(() => base, item, withinMs, status ? 'match-status' : 'match-events')
}

/** An item of the integration guide's format; coordinates are Opta-like 0–100, as the guide sends them. */
function item(
  matchId: string,
  id: string,
  type: string,
  minute: number,
  fields: Record<string, unknown> = {},
) {
  return {
    match_id: matchId,
    event_id: id,
    event_type: type,
    minute,
    period: minute < 45 ? 1 : 2,
    timestamp: new Date().toISOString(),
    ...fields,
  }
}
const home = { team_id: 't-home', team_side: 'home' }
const away = { team_id: 't-away', team_side: 'away' }

/** A page that records what would make it wrong: script errors, CSP refusals, requests elsewhere. */
async function openPage(context: BrowserContext, url: string) {
  const page = await context.newPage()
  const problems: string[] = []
  const origin = new URL(url).origin
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`)
  })
  page.on('request', (request) => {
    const target = request.url().replace(/^ws/, 'http')
    if (!target.startsWith(origin) && !target.startsWith('data:')) problems.push(`request: ${request.url()}`)
  })
  await page.goto(url)
  return { page, problems }
}

/** What the match view shows, from its DOM. */
function viewState(page: Page) {
  return page.evaluate(() => {
    const app = document.getElementById('app')!
    return {
      digest: app.dataset.digest ?? '',
      score: document.getElementById('score')?.dataset.score,
      clock: document.getElementById('clock')?.textContent,
      phase: document.getElementById('phase')?.textContent,
      marks: [...document.querySelectorAll<SVGGElement>('#marks [data-event-id]')].map(
        (g) => `${g.dataset.eventId}@${g.dataset.version} ${g.dataset.x},${g.dataset.y}`,
      ),
      timeline: [...document.querySelectorAll<HTMLElement>('#timeline [data-event-id]')].map(
        (li) =>
          `${li.dataset.eventId}@${li.dataset.version}${li.dataset.cancelled === undefined ? '' : ' cancelled'}`,
      ),
    }
  })
}

const mark = (page: Page, id: string) => page.locator(`#marks [data-event-id="${id}"]`)
const entry = (page: Page, id: string) => page.locator(`#timeline [data-event-id="${id}"]`)

describe('the live match page', () => {
  it('shows a match as it happens: marks, timeline, score, a correction, a deletion, a VAR-cancelled goal', async () => {
    const server = await serve({})
    const m = `b${run}`
    const id = (key: string) => `custom:${m}:${key}`
    await post(server.base, item(m, 'ko', 'kick_off', 0, home))
    await post(
      server.base,
      item(m, 'p1', 'pass', 3, {
        ...home,
        position_x: 30,
        position_y: 40,
        end_position_x: 55,
        end_position_y: 70,
      }),
    )
    await post(
      server.base,
      item(m, 's1', 'shot_off_target', 7, {
        ...away,
        position_x: 82,
        position_y: 45,
        end_position_x: 100,
        end_position_y: 58,
      }),
    )

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    try {
      // The list first: the match with its score, a link to its page.
      const list = await openPage(context, `${server.base}/`)
      const card = list.page.locator(`#matches [data-match-id="${m}"]`)
      await card.waitFor({ timeout: 10_000 })
      expect(await card.locator('.score').getAttribute('data-score')).toBe('0-0')
      await card.locator('a').click()
      await list.page.waitForURL(`${server.base}/matches/${m}`)
      const { page, problems } = { page: list.page, problems: list.problems }

      // The snapshot: the pass as an arrow, the shot with its end point, kick-off on the timeline.
      await mark(page, id('p1')).waitFor({ timeout: 10_000 })
      expect(await mark(page, id('p1')).locator('line[marker-end]').count()).toBe(1)
      await mark(page, id('s1')).waitFor()
      expect(await mark(page, id('s1')).locator('circle.end').count()).toBe(1)
      await entry(page, id('ko')).waitFor()
      expect(await page.locator('#score').getAttribute('data-score')).toBe('0-0')
      await page.locator('#connection[data-status="open"]').waitFor()

      // Live: a goal changes the score and lands on the pitch and the timeline.
      await post(
        server.base,
        item(m, 'g1', 'goal', 12, {
          ...home,
          player_id: 'p9',
          position_x: 88.5,
          position_y: 50,
          score: { home: 1, away: 0 },
        }),
      )
      await page.locator('#score[data-score="1-0"]').waitFor({ timeout: 10_000 })
      await mark(page, id('g1')).waitFor()
      await entry(page, id('g1')).waitFor()
      expect(await page.locator('#clock').textContent()).toBe("12'")

      // A correction (a higher version, other coordinates) moves the mark.
      const before = await mark(page, id('p1')).getAttribute('data-x')
      await post(
        server.base,
        item(m, 'p1', 'pass', 3, {
          ...home,
          version: 1,
          position_x: 60,
          position_y: 40,
          end_position_x: 80,
          end_position_y: 30,
        }),
      )
      await page
        .locator(`#marks [data-event-id="${id('p1')}"][data-version="1"]`)
        .waitFor({ timeout: 10_000 })
      const after = await mark(page, id('p1')).getAttribute('data-x')
      expect(Number(after)).toBeGreaterThan(Number(before))

      // A deletion removes the shot from the pitch.
      await post(server.base, item(m, 's1', 'shot_off_target', 7, { ...away, version: 1, deleted: true }))
      await mark(page, id('s1')).waitFor({ state: 'detached', timeout: 10_000 })
      expect(await mark(page, id('p1')).count()).toBe(1)

      // A goal, then VAR cancels it: the score goes back, the goal stays on the timeline, struck through.
      await post(
        server.base,
        item(m, 'g2', 'goal', 20, { ...away, position_x: 90, position_y: 45, score: { home: 1, away: 1 } }),
      )
      await page.locator('#score[data-score="1-1"]').waitFor({ timeout: 10_000 })
      await post(server.base, item(m, 'g2', 'goal', 20, { ...away, version: 1, deleted: true }))
      await post(server.base, item(m, 'v1', 'var', 22, away))
      await page.locator('#score[data-score="1-0"]').waitFor({ timeout: 10_000 })
      await page.locator(`#timeline [data-event-id="${id('g2')}"][data-cancelled]`).waitFor()
      await mark(page, id('g2')).waitFor({ state: 'detached' })

      // A page opened now shows the same, the cancelled goal included (read back from storage).
      const fresh = await openPage(context, `${server.base}/matches/${m}`)
      await fresh.page
        .locator(`#timeline [data-event-id="${id('g2')}"][data-cancelled]`)
        .waitFor({ timeout: 10_000 })
      expect(await viewState(fresh.page)).toEqual(await viewState(page))

      // The feed's health, polled.
      await page.locator('#health [data-source="webhook:match-events"]').waitFor({ timeout: 10_000 })
      expect(await page.locator('#feed-status').getAttribute('data-status')).toMatch(/healthy|stale|degraded/)

      // Readable on a phone: nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 844 })
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)

      expect([...problems, ...fresh.problems]).toEqual([])
    } finally {
      await context.close()
    }
  }, 90_000)

  it('with LIVE_TOKEN: the token in the fragment stays on the links, reaches the hub, and no log line holds it', async () => {
    const token = `page-token-${run}-0123456789`
    const server = await serve({ LIVE_TOKEN: token, LOG_LEVEL: 'info' })
    const m = `t${run}`
    await post(server.base, item(m, 'ko', 'kick_off', 0, home))
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } })
    try {
      // Without it the hub refuses the page, which says how to give it.
      const bare = await openPage(context, `${server.base}/matches/${m}`)
      await bare.page.locator('#connection[data-status^="refused"]').waitFor({ timeout: 10_000 })
      expect(await bare.page.locator('#connection').textContent()).toBe('refused: add #token=')

      // With it: the list's links, the brand and the way back keep it; the match page follows live.
      const fragment = `#token=${token}`
      const { page, problems } = await openPage(context, `${server.base}/${fragment}`)
      expect(await page.locator('a.brand').getAttribute('href')).toBe(`/${fragment}`)
      await page.locator(`#matches [data-match-id="${m}"] a`).click({ timeout: 10_000 })
      await page.waitForURL(`${server.base}/matches/${m}${fragment}`)
      await page.locator('#connection[data-status="open"]').waitFor({ timeout: 10_000 })
      await entry(page, `custom:${m}:ko`).waitFor({ timeout: 10_000 })
      await page.locator('.crumbs a').click()
      await page.waitForURL(`${server.base}/${fragment}`)
      await page.locator('a.brand').click()
      await page.waitForURL(`${server.base}/${fragment}`)
      await page.locator(`#matches [data-match-id="${m}"] a`).click({ timeout: 10_000 })
      await page.locator('#connection[data-status="open"]').waitFor({ timeout: 10_000 })
      expect(problems).toEqual([])
    } finally {
      await context.close()
    }
    // Every request was logged (info), the page's included; the token is in none.
    expect(server.output()).toContain(`"url":"/matches/${m}"`)
    expect(server.output()).not.toContain(token)
  }, 90_000)

  it('follows the simulated match; the README’s screenshot is taken of it', async () => {
    const server = await serve({ SIMULATE: 'true', SIMULATE_SPEED: '200' })
    const m = '1000001'
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 2 })
    try {
      const { page, problems } = await openPage(context, `${server.base}/matches/${m}`)
      // The home side's second substitution (78'): the goals, the own goal, the goal VAR cancelled, the
      // penalty and the cards are in by then.
      await page.waitForFunction(
        () => document.querySelectorAll('#timeline [data-type="substitution"].home').length >= 2,
        undefined,
        { timeout: 60_000 },
      )
      expect(await page.locator('#timeline [data-cancelled]').count()).toBe(1)
      expect(await page.locator('#score').getAttribute('data-score')).toBe('2-1')

      // The simulator sends the headline events only; a few passes and shots around them make the pitch
      // look like a match (home 33 attacks right, Aston Villa's 66 left).
      const play: [string, number, Record<string, unknown>][] = [
        [
          'pass',
          78,
          {
            team_id: '33',
            team_side: 'home',
            player_id: '33004',
            position_x: 22,
            position_y: 30,
            end_position_x: 41,
            end_position_y: 18,
          },
        ],
        [
          'pass',
          78,
          {
            team_id: '33',
            team_side: 'home',
            player_id: '33008',
            position_x: 41,
            position_y: 18,
            end_position_x: 63,
            end_position_y: 34,
          },
        ],
        [
          'pass',
          78,
          {
            team_id: '33',
            team_side: 'home',
            player_id: '33016',
            position_x: 63,
            position_y: 34,
            end_position_x: 79,
            end_position_y: 72,
          },
        ],
        [
          'cross',
          79,
          {
            team_id: '33',
            team_side: 'home',
            player_id: '33007',
            position_x: 86,
            position_y: 88,
            end_position_x: 91,
            end_position_y: 55,
          },
        ],
        [
          'shot_saved',
          79,
          {
            team_id: '33',
            team_side: 'home',
            player_id: '33014',
            position_x: 90,
            position_y: 56,
            end_position_x: 100,
            end_position_y: 52,
          },
        ],
        [
          'pass',
          79,
          {
            team_id: '66',
            team_side: 'away',
            player_id: '66001',
            position_x: 8,
            position_y: 45,
            end_position_x: 35,
            end_position_y: 76,
          },
        ],
        [
          'pass',
          79,
          {
            team_id: '66',
            team_side: 'away',
            player_id: '66008',
            position_x: 38,
            position_y: 76,
            end_position_x: 58,
            end_position_y: 60,
          },
        ],
        [
          'pass',
          80,
          {
            team_id: '66',
            team_side: 'away',
            player_id: '66010',
            position_x: 58,
            position_y: 60,
            end_position_x: 74,
            end_position_y: 38,
          },
        ],
        [
          'shot_off_target',
          80,
          {
            team_id: '66',
            team_side: 'away',
            player_id: '66018',
            position_x: 78,
            position_y: 40,
            end_position_x: 100,
            end_position_y: 60,
          },
        ],
      ]
      let n = 0
      for (const [type, minute, fields] of play)
        await post(server.base, item(m, `play-${++n}`, type, minute, { second: 5 * n, ...fields }))
      await page.waitForFunction(
        (count) => document.querySelectorAll('#marks [data-event-id*=":play-"]').length === count,
        play.length,
        { timeout: 10_000 },
      )
      await page.locator('#health [data-source="webhook:match-events"]').waitFor({ timeout: 10_000 })
      await sleep(300) // the health panel's and the pulse's next frame
      mkdirSync(new URL('.', `file://${SCREENSHOT}`).pathname, { recursive: true })
      await page.screenshot({ path: SCREENSHOT, animations: 'disabled', fullPage: true })
      expect(problems).toEqual([])
    } finally {
      await context.close()
    }
  }, 120_000)

  const restarts = [
    {
      name: 'on Postgres and Redis, killed with kill -9: the page resumes after its stream position',
      env: () => ({ DATABASE_URL, REDIS_URL }),
      stop: (server: ServerProcess) => server.kill9(),
      snapshots: '1',
    },
    {
      // A memory store's positions belong to its process: the restarted hub answers the resume with a snapshot.
      name: 'on the embedded default with PGLITE_DATA_DIR, stopped with SIGTERM: the page gets the snapshot again',
      env: () => {
        const dir = mkdtempSync(join(tmpdir(), 'mfsrv-page-'))
        dirs.push(dir)
        return { PGLITE_DATA_DIR: dir }
      },
      stop: async (server: ServerProcess) => void (await server.stop()),
      snapshots: '2',
    },
  ]

  it.each(restarts)(
    'survives a server restart mid-match $name, and ends as a page opened afterwards',
    async (mode) => {
      const env: Record<string, string> = mode.env()
      if (env.REDIS_URL) await requireRedis()
      const port = await freePort()
      let server = await serve(env, port)
      const m = `r${mode.snapshots}${run}`
      const id = (key: string) => `custom:${m}:${key}`
      await post(server.base, item(m, 'ko', 'kick_off', 0, home))
      for (let i = 1; i <= 4; i++)
        await post(
          server.base,
          item(m, `p${i}`, 'pass', i, {
            ...home,
            position_x: 10 * i,
            position_y: 30,
            end_position_x: 10 * i + 8,
            end_position_y: 40,
          }),
        )

      const context = await browser.newContext({ viewport: { width: 1024, height: 800 } })
      try {
        const { page, problems } = await openPage(context, `${server.base}/matches/${m}`)
        await mark(page, id('p4')).waitFor({ timeout: 15_000 })
        expect(await page.locator('#app').getAttribute('data-snapshots')).toBe('1')

        // Gone mid-match: the page reconnects on its own while the server is away.
        await mode.stop(server)
        await page.locator('#connection[data-status="reconnecting"]').waitFor({ timeout: 10_000 })
        server = await serve(env, port)

        // Play goes on: a goal, a correction, a deletion.
        await post(
          server.base,
          item(m, 'g1', 'goal', 9, {
            ...home,
            position_x: 88.5,
            position_y: 50,
            score: { home: 1, away: 0 },
          }),
        )
        await post(
          server.base,
          item(m, 'p2', 'pass', 2, {
            ...home,
            version: 1,
            position_x: 70,
            position_y: 20,
            end_position_x: 80,
            end_position_y: 25,
          }),
        )
        await post(server.base, item(m, 'p3', 'pass', 3, { ...home, version: 1, deleted: true }))
        await page.locator('#connection[data-status="open"]').waitFor({ timeout: 20_000 })
        await page.locator('#score[data-score="1-0"]').waitFor({ timeout: 20_000 })
        await page
          .locator(`#marks [data-event-id="${id('p2')}"][data-version="1"]`)
          .waitFor({ timeout: 10_000 })
        await mark(page, id('p3')).waitFor({ state: 'detached', timeout: 10_000 })
        expect(await page.locator('#app').getAttribute('data-snapshots')).toBe(mode.snapshots)

        const fresh = await openPage(context, `${server.base}/matches/${m}`)
        await fresh.page.locator('#score[data-score="1-0"]').waitFor({ timeout: 15_000 })
        await fresh.page
          .locator(`#marks [data-event-id="${id('p2')}"][data-version="1"]`)
          .waitFor({ timeout: 10_000 })
        const state = await viewState(page)
        expect(await viewState(fresh.page)).toEqual(state)
        expect(state.digest.split(' ')).toHaveLength(6) // kick-off, 4 passes (one withdrawn), the goal
        expect(
          [...problems, ...fresh.problems].filter(
            (p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p),
          ),
        ).toEqual([])
      } finally {
        await context.close()
      }
    },
    120_000,
  )
})
