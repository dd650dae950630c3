// When the API-Football poller asks what: the spacing the plan's budget allows, each fixture's next due
// time, and the next request (fixtures by id, or the live list). The poller (poller.ts) reads the answers.
import type { z } from 'zod'
import type { RequestBudget } from '../polling/poll-budget.js'
import { MINUTE, nextUtcMidnight } from '../polling/poll-clock.js'
import type { TrackedMatch } from '../polling/tracked-match.js'
import type { ApiFootballPollerOptionsSchema } from './api-football-options.js'
import { FINAL_STATUSES } from './map-api-football.js'

type Options = z.output<typeof ApiFootballPollerOptionsSchema>

/** Fixture ids one `fixtures?ids=` request takes. */
const MAX_IDS = 20

export interface TrackedFixture extends TrackedMatch {
  elapsed?: number
  misses: number
}

/** A poll: fixtures by id (`fixtures?id=` / `?ids=`), or those in play (`fixtures?live=`). */
export type FixturesRequest = { kind: 'ids'; fixtures: TrackedFixture[] } | { kind: 'live' }

/** What one poll said about a fixture. */
export interface FixtureSeen {
  status: string | undefined
  elapsed: number | undefined
  kickOff: number | undefined
}

/**
 * The followed fixtures and when each is polled. Requests are spaced to fit the plan's per-minute and
 * per-day budget and the provider's remaining counters, slowing down as the day's budget drains, with a
 * reserve for the final poll of each fixture, made once after FT/AET/PEN (or any final status).
 */
export class FixtureSchedule {
  readonly tracked = new Map<string, TrackedFixture>()
  readonly mode: 'fixtures' | 'live'
  #lastLive = Number.NEGATIVE_INFINITY
  #lastRequest = Number.NEGATIVE_INFINITY
  #sawFixture = false
  #liveEmpty = false

  readonly opts: Options
  readonly budget: RequestBudget

  constructor(opts: Options, budget: RequestBudget) {
    this.opts = opts
    this.budget = budget
    this.mode = opts.fixtures ? 'fixtures' : 'live'
    for (const id of opts.fixtures ?? []) this.tracked.set(id, { id, due: 0, phase: 'active', misses: 0 })
  }

  open(): TrackedFixture[] {
    return [...this.tracked.values()].filter((t) => t.phase !== 'done')
  }

  /** A fixture new in the live list: followed from now on. */
  follow(fixtureId: string, now: number): TrackedFixture {
    const t: TrackedFixture = { id: fixtureId, due: now, phase: 'active', misses: 0 }
    this.tracked.set(fixtureId, t)
    return t
  }

  /** A followed fixture was in an answer (to stop when idle: there was something to follow). */
  noteSeen(): void {
    this.#sawFixture = true
  }

  /** A live list was read: whether it had no fixture (to stop when idle). */
  noteLiveList(empty: boolean): void {
    this.#liveEmpty = empty
  }

  /**
   * The spacing between requests: the plan's minute budget, the provider's 15-second refresh, and the day's
   * budget spread over the time the followed fixtures are still expected to be in play today, keeping one
   * request per fixture for its final poll. As the day's budget drains, the spacing grows.
   */
  interval(now: number): number {
    const perMinute = MINUTE / this.budget.plan.perMinute
    let perDay = 0
    const remaining = this.budget.remainingToday(now)
    if (remaining !== undefined) {
      const active = this.open()
      const inPlay = active.filter((t) => t.phase === 'active' && isLive(t.status)).length
      const live = this.mode === 'live'
      const perTick = live ? 1 : Math.max(1, Math.ceil(inPlay / MAX_IDS))
      const reserve = active.length + (live ? 1 : 0)
      const horizon = Math.max(MINUTE, playHorizon(active, now))
      const usable = remaining - reserve
      perDay = usable > 0 ? (horizon * perTick) / usable : horizon
    }
    this.budget.intervalMs = Math.max(this.opts.minIntervalMs, perMinute, perDay)
    return this.budget.intervalMs
  }

  /** The next request and when it is due; final polls only wait for the budget, the others keep the spacing. */
  next(now: number): { at: number; request: FixturesRequest } | undefined {
    const next = this.#nextRequest(now)
    if (!next) return undefined
    const request = next.request
    const finalOnly = request.kind === 'ids' && request.fixtures.every((t) => t.phase === 'final')
    const spaced = finalOnly ? 0 : this.#lastRequest + this.budget.intervalMs
    return { at: Math.max(next.at, spaced), request }
  }

  /** A request went out at `now`. */
  sent(request: FixturesRequest, now: number): void {
    this.#lastRequest = now
    if (request.kind === 'live') this.#lastLive = now
  }

  /** After a delivered poll of `t`: its status, and when (or whether) to poll it again. */
  advance(t: TrackedFixture, seen: FixtureSeen, wasFinal: boolean, now: number, spacing: number): void {
    const { status } = seen
    t.status = status
    t.elapsed = seen.elapsed
    if (seen.kickOff !== undefined) t.kickOff = seen.kickOff
    t.lastPolledAt = now
    t.misses = 0
    if (wasFinal && status !== undefined && FINAL_STATUSES.has(status)) {
      t.phase = 'done' // that was the final poll
    } else if (status !== undefined && FINAL_STATUSES.has(status)) {
      t.phase = 'final'
      t.due = now + this.opts.finalPollDelayMs
    } else {
      t.phase = 'active'
      t.due = this.#nextDue(t, now, spacing)
    }
  }

  /** Gone from the live list: finished (or interrupted) — one final poll by id tells which. */
  finalPoll(t: TrackedFixture, now: number): void {
    t.phase = 'final'
    t.due = now + this.opts.finalPollDelayMs
  }

  #nextDue(t: TrackedFixture, now: number, spacing: number): number {
    const status = t.status ?? ''
    if (status === 'NS' || status === 'TBD' || status === '') {
      if (t.kickOff !== undefined && t.kickOff - MINUTE > now) return t.kickOff - MINUTE
      return now + Math.max(spacing, this.opts.prematchIntervalMs)
    }
    if (['HT', 'BT', 'SUSP', 'INT'].includes(status))
      return now + Math.max(spacing, this.opts.breakIntervalMs)
    return now + spacing
  }

  #idleInterval(now: number): number {
    const remaining = this.budget.remainingToday(now)
    const share = remaining === undefined ? 0 : (nextUtcMidnight(now) - now) / Math.max(1, remaining / 4)
    return Math.max(this.opts.idleIntervalMs, share, this.interval(now))
  }

  /** The next request and when it is due (before the budget's own limits). */
  #nextRequest(now: number): { at: number; request: FixturesRequest } | undefined {
    const spacing = this.interval(now)
    const pending = this.open()
      .filter((t) => this.mode === 'fixtures' || t.phase === 'final')
      .sort((a, b) => a.due - b.due)
    if (this.mode === 'fixtures') {
      const first = pending[0]
      if (!first) return undefined
      const batch = pending.filter((t) => t.due <= Math.max(now, first.due)).slice(0, MAX_IDS)
      return { at: first.due, request: { kind: 'ids', fixtures: batch } }
    }
    const finals = pending.filter((t) => t.due <= now)
    if (finals.length > 0) return { at: now, request: { kind: 'ids', fixtures: finals.slice(0, MAX_IDS) } }
    if (this.opts.stopWhenIdle && this.#sawFixture && this.#liveEmpty && this.open().length === 0)
      return undefined
    const anyLive = this.open().some((t) => t.phase === 'active')
    const liveAt = this.#lastLive + (anyLive ? spacing : this.#idleInterval(now))
    const finalAt = pending[0]?.due ?? Number.POSITIVE_INFINITY
    return finalAt < liveAt
      ? { at: finalAt, request: { kind: 'ids', fixtures: pending.filter((t) => t.due <= finalAt) } }
      : { at: liveAt, request: { kind: 'live' } }
  }
}

function isLive(status: string | undefined): boolean {
  return status !== undefined && ['1H', '2H', 'ET', 'P', 'LIVE', 'HT', 'BT'].includes(status)
}

/** Minutes a fixture in this status is still expected to be in play (generous: under-estimating spends the day's budget too early). */
function minutesLeft(status: string | undefined, elapsed: number): number | undefined {
  switch (status) {
    case '1H':
      return Math.max(0, 45 - elapsed) + 3 + 15 + 52
    case 'HT':
      return 15 + 52
    case '2H':
      return Math.max(3, 90 - elapsed + 7)
    case 'ET':
      return Math.max(2, 120 - elapsed + 3) + 10
    case 'BT':
      return 35
    case 'P':
      return 10
    case 'SUSP':
    case 'INT':
      return 30
    case 'LIVE':
      return 60
    default:
      return undefined // not started: a whole match from kick-off
  }
}

/**
 * How long the followed fixtures are still expected to be in play today (a union of windows, clipped at
 * the daily reset): what the day's remaining budget is spread over.
 */
function playHorizon(fixtures: readonly TrackedFixture[], now: number): number {
  const end = nextUtcMidnight(now)
  const windows: [number, number][] = []
  for (const t of fixtures) {
    if (t.phase !== 'active') continue
    const left = minutesLeft(t.status, t.elapsed ?? 0)
    const start = left === undefined ? Math.max(now, t.kickOff ?? now) : now
    windows.push([start, Math.min(end, start + (left ?? 122) * MINUTE)])
  }
  windows.sort((a, b) => a[0] - b[0])
  let total = 0
  let cursor = now
  for (const [a, b] of windows) {
    const from = Math.max(a, cursor)
    if (b > from) {
      total += b - from
      cursor = b
    }
  }
  return total
}
