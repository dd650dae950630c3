import { z } from 'zod'
import { MatchfeedError, ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import type { Source } from '../../pipeline/contracts.js'
import { EventLedger } from '../headline/event-ledger.js'
import { type BudgetSnapshot, type PlanLimits, RequestBudget } from '../headline/poll-budget.js'
import { iso, nextUtcMidnight, systemClock } from '../headline/poll-clock.js'
import { type PollResult, pollLoop } from '../headline/poll-loop.js'
import {
  fn,
  HeadlinePollerOptionsSchema,
  MINUTE,
  type NextPoll,
  nextPollOf,
  parsePollerOptions,
  type TrackedMatch,
  warnOnce,
} from '../headline/poller-options.js'
import type { ApiFootballWarning } from './api-football-options.js'
import { type ApiFootballClient, type ApiFootballEnvelope, createApiFootballClient } from './client.js'
import { API_FOOTBALL_PLANS, FINAL_STATUSES } from './map-api-football.js'
import { parseApiFootballFixture } from './parse-fixture.js'

const MAX_IDS = 20

const id = z.union([z.int().positive(), z.string().regex(/^\d+$/)]).transform(String)
const PlanSchema = z.union([
  z.enum(['free', 'pro', 'ultra', 'mega']),
  z.object({ perMinute: z.int().positive(), perDay: z.int().positive().optional() }),
])

export const ApiFootballPollerOptionsSchema = HeadlinePollerOptionsSchema.extend({
  apiKey: z.string().min(1),
  host: z.enum(['api-sports', 'rapidapi']).default('api-sports'),
  /** Fixture ids to follow until each has finished. */
  fixtures: z.array(id).min(1).optional(),
  /** League ids: follow their fixtures in play (`fixtures?live=39-61`). */
  leagues: z.array(id).min(1).optional(),
  /** Follow every fixture in play (`fixtures?live=all`). */
  live: z.literal(true).optional(),
  /** The plan's limits: a name (free: 10/min, 100/day) or your own numbers. Default free. */
  plan: PlanSchema.default('free'),
  /** Never poll a fixture more often than this. Default 15 s (the provider refreshes every 15 s). */
  minIntervalMs: z.int().positive().default(15_000),
  /** Live and leagues modes, while nothing is in play. Default 10 min (never more than a quarter of the day's budget). */
  idleIntervalMs: z
    .int()
    .positive()
    .default(10 * MINUTE),
  /** Live and leagues modes: stop once every fixture followed has finished and none is in play. */
  stopWhenIdle: z.boolean().default(false),
  onWarning: fn<(warning: ApiFootballWarning) => void>().optional(),
  name: z.string().min(1).default('api-football'),
}).refine((o) => [o.fixtures, o.leagues, o.live].filter((v) => v !== undefined).length === 1, {
  message: 'give exactly one of fixtures, leagues or live: true',
})
export type ApiFootballPollerOptions = z.input<typeof ApiFootballPollerOptionsSchema>
type Options = z.output<typeof ApiFootballPollerOptionsSchema>

/** One followed fixture, as `nextPolls()` reports it. */

export interface ApiFootballPoller extends Source {
  /** Requests used and left, per minute and per day, and the spacing kept now. */
  budget(): BudgetSnapshot
  /** Each followed fixture and when it is polled next. */
  nextPolls(): NextPoll[]
}

interface Tracked extends TrackedMatch {
  elapsed?: number
  misses: number
}

type Request = { kind: 'ids'; fixtures: Tracked[] } | { kind: 'live' }

/**
 * A Source that follows API-Football fixtures live. It discovers fixtures in play (`fixtures?live=all` or
 * per league) or follows the ids given (`fixtures?id=`, `?ids=` for several at once), diffs each poll
 * against what it delivered (new, changed, removed → deleted) and emits only that; its state advances
 * after `emit` resolves. Requests are spaced to fit the plan's per-minute and per-day budget and the
 * provider's remaining counters, slowing down as the day's budget drains, with a reserve for the final
 * poll of each fixture, made once after FT/AET/PEN (or any final status). In fixtures mode `start`
 * resolves after the last final poll.
 */
export function createApiFootballPoller(options: ApiFootballPollerOptions): ApiFootballPoller {
  const opts: Options = parsePollerOptions('api-football', ApiFootballPollerOptionsSchema, options)
  const clock = opts.clock ?? systemClock
  const plan: PlanLimits = typeof opts.plan === 'string' ? API_FOOTBALL_PLANS[opts.plan] : opts.plan
  const budget = new RequestBudget(plan)
  const ledger = new EventLedger()
  const tracked = new Map<string, Tracked>()
  const mode: 'fixtures' | 'live' = opts.fixtures ? 'fixtures' : 'live'

  for (const fixtureId of opts.fixtures ?? []) {
    tracked.set(fixtureId, { id: fixtureId, due: 0, phase: 'active', misses: 0 })
  }

  const client: ApiFootballClient = createApiFootballClient({
    apiKey: opts.apiKey,
    host: opts.host,
    // Every attempt goes through the budget, so the poller retries, not the transport.
    retry: { retries: 0 },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
  })

  const onWarning = warnOnce<ApiFootballWarning>(opts.onWarning)

  function open(): Tracked[] {
    return [...tracked.values()].filter((t) => t.phase !== 'done')
  }

  /**
   * The spacing between requests: the plan's minute budget, the provider's 15-second refresh, and the day's
   * budget spread over the time the followed fixtures are still expected to be in play today, keeping one
   * request per fixture for its final poll. As the day's budget drains, the spacing grows.
   */
  function interval(now: number): number {
    const perMinute = MINUTE / plan.perMinute
    let perDay = 0
    const remaining = budget.remainingToday(now)
    if (remaining !== undefined) {
      const active = open()
      const inPlay = active.filter((t) => t.phase === 'active' && isLive(t.status)).length
      const perTick = mode === 'live' ? 1 : Math.max(1, Math.ceil(inPlay / MAX_IDS))
      const reserve = active.length + (mode === 'live' ? 1 : 0)
      const horizon = Math.max(MINUTE, playHorizon(active, now))
      const usable = remaining - reserve
      perDay = usable > 0 ? (horizon * perTick) / usable : horizon
    }
    budget.intervalMs = Math.max(opts.minIntervalMs, perMinute, perDay)
    return budget.intervalMs
  }

  function idleInterval(now: number): number {
    const remaining = budget.remainingToday(now)
    const share = remaining === undefined ? 0 : (nextUtcMidnight(now) - now) / Math.max(1, remaining / 4)
    return Math.max(opts.idleIntervalMs, share, interval(now))
  }

  function nextDue(t: Tracked, now: number, spacing: number): number {
    const status = t.status ?? ''
    if (status === 'NS' || status === 'TBD' || status === '') {
      if (t.kickOff !== undefined && t.kickOff - MINUTE > now) return t.kickOff - MINUTE
      return now + Math.max(spacing, opts.prematchIntervalMs)
    }
    if (['HT', 'BT', 'SUSP', 'INT'].includes(status)) return now + Math.max(spacing, opts.breakIntervalMs)
    return now + spacing
  }

  let lastLive = Number.NEGATIVE_INFINITY
  let lastRequest = Number.NEGATIVE_INFINITY
  let sawFixture = false
  let liveEmpty = false

  /** The next request and when it is due (before the budget's own limits). */
  function nextRequest(now: number): { at: number; request: Request } | undefined {
    const spacing = interval(now)
    const pending = open()
      .filter((t) => mode === 'fixtures' || t.phase === 'final')
      .sort((a, b) => a.due - b.due)
    if (mode === 'fixtures') {
      const first = pending[0]
      if (!first) return undefined
      const batch = pending.filter((t) => t.due <= Math.max(now, first.due)).slice(0, MAX_IDS)
      return { at: first.due, request: { kind: 'ids', fixtures: batch } }
    }
    const finals = pending.filter((t) => t.due <= now)
    if (finals.length > 0) return { at: now, request: { kind: 'ids', fixtures: finals.slice(0, MAX_IDS) } }
    if (opts.stopWhenIdle && sawFixture && liveEmpty && open().length === 0) return undefined
    const anyLive = open().some((t) => t.phase === 'active')
    const liveAt = lastLive + (anyLive ? spacing : idleInterval(now))
    const finalAt = pending[0]?.due ?? Number.POSITIVE_INFINITY
    return finalAt < liveAt
      ? { at: finalAt, request: { kind: 'ids', fixtures: pending.filter((t) => t.due <= finalAt) } }
      : { at: liveAt, request: { kind: 'live' } }
  }

  function poll(request: Request, signal: AbortSignal) {
    if (request.kind === 'live') return client.fixtures({ live: opts.leagues ? opts.leagues : 'all' }, signal)
    const ids = request.fixtures.map((t) => t.id)
    return client.fixtures(ids.length === 1 ? { id: ids[0]! } : { ids }, signal)
  }

  return {
    name: opts.name,
    budget: () => budget.snapshot(clock.now()),
    nextPolls: () => [...tracked.values()].map((t) => nextPollOf(t, clock.now())),
    start: pollLoop<Request, ApiFootballEnvelope>({
      provider: 'api-football',
      options: opts,
      clock,
      budget,
      ledger,
      tracked,
      next(now) {
        const next = nextRequest(now)
        if (!next) return undefined
        // Final polls only wait for the budget; the others also keep the spacing.
        const finalOnly =
          next.request.kind === 'ids' && next.request.fixtures.every((t) => t.phase === 'final')
        const spaced = finalOnly ? 0 : lastRequest + budget.intervalMs
        return { at: Math.max(next.at, spaced), request: next.request }
      },
      send(request, now, signal) {
        lastRequest = now
        if (request.kind === 'live') lastLive = now
        return poll(request, signal)
      },
      blockOnQuota: (_error, now) => budget.blockUntilDailyReset(now, 'daily quota exhausted'),
      read: (request, body, now) => readResponse(request, body.response, now),
      close: () => client.close(),
    }),
  }

  /** A poll's fixtures → the batch to emit, and the state changes to make once it is accepted. */
  function readResponse(request: Request, items: unknown[], now: number): PollResult {
    const batch: MatchEvent[] = []
    const changes: (() => void)[] = []
    const spacing = interval(now)
    const seen = new Set<string>()
    for (const item of items) {
      const fixture = (
        item as {
          fixture?: { id?: unknown; status?: { short?: unknown; elapsed?: unknown }; timestamp?: unknown }
        }
      )?.fixture
      const fixtureId = fixture?.id === undefined ? undefined : String(fixture.id)
      if (!fixtureId) continue
      let t = tracked.get(fixtureId)
      if (!t) {
        if (request.kind !== 'live') continue
        t = { id: fixtureId, due: now, phase: 'active', misses: 0 }
        tracked.set(fixtureId, t)
      }
      if (t.phase === 'done') continue
      seen.add(fixtureId)
      sawFixture = true
      let events: MatchEvent[]
      try {
        events = parseApiFootballFixture(item, { includeRaw: opts.includeRaw, onWarning })
      } catch (error) {
        if (!(error instanceof ProviderPayloadError)) throw error
        opts.onError?.(error, { retryAt: iso(now + spacing) })
        const target = t
        changes.push(() => {
          target.due = now + spacing
        })
        continue
      }
      batch.push(...ledger.diffSnapshot(fixtureId, events))
      const status =
        typeof fixture?.status?.short === 'string' ? fixture.status.short.toUpperCase() : undefined
      const elapsed = typeof fixture?.status?.elapsed === 'number' ? fixture.status.elapsed : undefined
      const kickOff = typeof fixture?.timestamp === 'number' ? fixture.timestamp * 1000 : undefined
      const target = t
      // The final poll: the one after a fixture was seen finished, or the first poll of one already finished.
      const wasFinal =
        (target.phase === 'final' && request.kind === 'ids') || target.lastPolledAt === undefined
      changes.push(() => {
        target.status = status
        target.elapsed = elapsed
        if (kickOff !== undefined) target.kickOff = kickOff
        target.lastPolledAt = now
        target.misses = 0
        if (wasFinal && status !== undefined && FINAL_STATUSES.has(status)) {
          target.phase = 'done' // that was the final poll
        } else if (status !== undefined && FINAL_STATUSES.has(status)) {
          target.phase = 'final'
          target.due = now + opts.finalPollDelayMs
        } else {
          target.phase = 'active'
          target.due = nextDue(target, now, spacing)
        }
      })
    }
    if (request.kind === 'live') {
      liveEmpty = seen.size === 0
      // Gone from the live list: finished (or interrupted) — one final poll by id tells which.
      for (const t of open()) {
        if (t.phase === 'active' && !seen.has(t.id)) {
          changes.push(() => {
            t.phase = 'final'
            t.due = now + opts.finalPollDelayMs
          })
        }
      }
    } else {
      for (const t of request.fixtures) {
        if (seen.has(t.id)) continue
        changes.push(() => {
          t.misses++
          t.due = now + spacing
          if (t.misses >= 3) {
            t.phase = 'done'
            opts.onError?.(
              new MatchfeedError(
                `api-football: fixture ${t.id} is not in the provider's answers: no longer followed`,
                {
                  code: 'unknown_fixture',
                },
              ),
              { retryAt: iso(now) },
            )
          }
        })
      }
    }
    return {
      batch,
      apply: () => {
        for (const change of changes) change()
      },
    }
  }
}

function isLive(status: string | undefined): boolean {
  return status !== undefined && ['1H', '2H', 'ET', 'P', 'LIVE', 'HT', 'BT'].includes(status)
}

/**
 * How long the followed fixtures are still expected to be in play today (a union of windows, clipped at
 * the daily reset): what the day's remaining budget is spread over.
 */
function playHorizon(fixtures: readonly Tracked[], now: number): number {
  const end = nextUtcMidnight(now)
  const windows: [number, number][] = []
  for (const t of fixtures) {
    if (t.phase !== 'active') continue
    const e = t.elapsed ?? 0
    let start = now
    let minutes: number
    switch (t.status) {
      // Generous added time: under-estimating spends the day's budget too early.
      case '1H':
        minutes = Math.max(0, 45 - e) + 3 + 15 + 52
        break
      case 'HT':
        minutes = 15 + 52
        break
      case '2H':
        minutes = Math.max(3, 90 - e + 7)
        break
      case 'ET':
        minutes = Math.max(2, 120 - e + 3) + 10
        break
      case 'BT':
        minutes = 35
        break
      case 'P':
        minutes = 10
        break
      case 'SUSP':
      case 'INT':
        minutes = 30
        break
      case 'LIVE':
        minutes = 60
        break
      default:
        start = Math.max(now, t.kickOff ?? now)
        minutes = 122
    }
    windows.push([start, Math.min(end, start + minutes * MINUTE)])
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
