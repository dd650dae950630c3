import { z } from 'zod'
import { ProviderPayloadError } from '../../errors.js'
import { ProviderHttpError } from '../../http/errors.js'
import type { Source } from '../../pipeline/contracts.js'
// The budget, clock, ledger and loop are shared with the API-Football poller.
import { EventLedger } from '../headline/event-ledger.js'
import { type BudgetSnapshot, type PlanLimits, RequestBudget } from '../headline/poll-budget.js'
import { iso, systemClock } from '../headline/poll-clock.js'
import { pollLoop } from '../headline/poll-loop.js'
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
import { lookupTable } from '../lookup.js'
import { createFootballDataClient, type FootballDataClient } from './client.js'
import type { FootballDataWarning } from './football-data-options.js'
import { FOOTBALL_DATA_PLANS, FOOTBALL_DATA_STATUSES } from './map-football-data.js'
import { parseFootballDataMatch } from './parse-match.js'

const id = z.union([z.int().positive(), z.string().regex(/^\d+$/)]).transform(String)

export const FootballDataPollerOptionsSchema = HeadlinePollerOptionsSchema.extend({
  token: z.string().min(1),
  /** Match ids to follow until each has finished. */
  matches: z.array(id).min(1).optional(),
  /** Competition codes or ids (PL, CL, 2021): follow today's matches of these. */
  competitions: z
    .array(z.union([z.string().min(1), z.int().positive()]).transform(String))
    .min(1)
    .optional(),
  /** The plan: free (10/min), standard (30/min), advanced or pro (60/min), or your own numbers. Default free. */
  plan: z
    .union([z.enum(['free', 'standard', 'advanced', 'pro']), z.object({ perMinute: z.int().positive() })])
    .default('free'),
  /** Never poll a match more often than this. Default 20 s. */
  minIntervalMs: z.int().positive().default(20_000),
  /** Competitions mode: how often today's list is read again. Default 15 min. */
  discoveryIntervalMs: z
    .int()
    .positive()
    .default(15 * MINUTE),
  /** Competitions mode: stop once every match of the day has finished. */
  stopWhenIdle: z.boolean().default(false),
  onWarning: fn<(warning: FootballDataWarning) => void>().optional(),
  name: z.string().min(1).default('football-data'),
}).refine((o) => (o.matches === undefined) !== (o.competitions === undefined), {
  message: 'give exactly one of matches or competitions',
})
export type FootballDataPollerOptions = z.input<typeof FootballDataPollerOptionsSchema>
type Options = z.output<typeof FootballDataPollerOptionsSchema>

export type FootballDataNextPoll = NextPoll

export interface FootballDataPoller extends Source {
  budget(): BudgetSnapshot
  nextPolls(): FootballDataNextPoll[]
}

interface Tracked extends TrackedMatch {
  /** The last snapshot delivered: the base of the next diff. */
  snapshot?: unknown
}

/** A poll: today's list of the competitions, or one match. */
type Request = { kind: 'discover' } | { kind: 'match'; match: Tracked }

const statuses = lookupTable<{ kind: string; final: boolean }>(FOOTBALL_DATA_STATUSES)

/**
 * A Source that follows Football-Data.org matches: the ids given, or today's matches of competitions
 * (found with `/v4/matches?competitions=`). Each match is polled on its own (`/v4/matches/{id}`), round
 * robin, the spacing set by the plan's per-minute budget and the provider's `X-Requests-Available-Minute`;
 * each snapshot is diffed against the last one delivered (`parseFootballDataMatch(current, previous)`),
 * its state advancing after `emit` resolves. One final poll after FINISHED (or another final status).
 */
export function createFootballDataPoller(options: FootballDataPollerOptions): FootballDataPoller {
  const opts: Options = parsePollerOptions('football-data', FootballDataPollerOptionsSchema, options)
  const clock = opts.clock ?? systemClock
  const plan: PlanLimits = typeof opts.plan === 'string' ? FOOTBALL_DATA_PLANS[opts.plan] : opts.plan
  const budget = new RequestBudget(plan)
  const ledger = new EventLedger()
  const tracked = new Map<string, Tracked>()
  let discoveryDue = 0
  let discovered = false
  let lastRequest = Number.NEGATIVE_INFINITY

  for (const matchId of opts.matches ?? []) tracked.set(matchId, { id: matchId, due: 0, phase: 'active' })

  const client: FootballDataClient = createFootballDataClient({
    token: opts.token,
    retry: { retries: 0 }, // every attempt goes through the budget
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
  })

  const onWarning = warnOnce<FootballDataWarning>(opts.onWarning)

  const open = () => [...tracked.values()].filter((t) => t.phase !== 'done')

  /**
   * The spacing between requests: the plan's minute budget, slowed to the provider's own count when
   * another process uses the same token (few requests left before its counter resets).
   */
  function spacing(): number {
    let gap = MINUTE / plan.perMinute
    const minute = client.rateLimit?.minute
    if (minute?.remaining !== undefined)
      gap = Math.max(gap, (minute.resetInMs ?? MINUTE) / Math.max(1, minute.remaining))
    budget.intervalMs = gap
    return gap
  }

  function nextDue(t: Tracked, now: number): number {
    const status = t.status ?? ''
    const live = open().filter(
      (m) => m.phase === 'active' && statuses[m.status ?? '']?.kind === 'live',
    ).length
    const perMatch = Math.max(opts.minIntervalMs, spacing() * Math.max(1, live))
    if (status === 'SCHEDULED' || status === 'TIMED' || status === '') {
      if (t.kickOff !== undefined && t.kickOff - MINUTE > now) return t.kickOff - MINUTE
      return now + Math.max(perMatch, opts.prematchIntervalMs)
    }
    if (status === 'PAUSED' || status === 'SUSPENDED') return now + Math.max(perMatch, opts.breakIntervalMs)
    return now + perMatch
  }

  return {
    name: opts.name,
    budget: () => budget.snapshot(clock.now()),
    nextPolls: () => [...tracked.values()].map((t) => nextPollOf(t, clock.now())),
    start: pollLoop<Request, Record<string, unknown>>({
      provider: 'football-data',
      options: opts,
      clock,
      budget,
      ledger,
      tracked,
      begin() {
        lastRequest = Number.NEGATIVE_INFINITY // each run keeps its own spacing
      },
      next(now) {
        const competitions = opts.competitions
        const pending = open().sort((a, b) => a.due - b.due)
        if (!competitions && pending.length === 0) return undefined
        if (competitions && opts.stopWhenIdle && discovered && pending.length === 0) return undefined
        const discover = competitions !== undefined && (discoveryDue <= now || pending.length === 0)
        const request: Request = discover ? { kind: 'discover' } : { kind: 'match', match: pending[0]! }
        const dueAt = request.kind === 'discover' ? discoveryDue : request.match.due
        return { at: Math.max(dueAt, lastRequest + spacing()), request }
      },
      send(request, now, signal) {
        lastRequest = now
        return request.kind === 'discover'
          ? client.matches({ competitions: opts.competitions }, signal)
          : client.match(request.match.id, signal)
      },
      gone(error, request) {
        if (!(error instanceof ProviderHttpError && error.code === 'not_found' && request.kind === 'match'))
          return false
        request.match.phase = 'done'
        opts.onError?.(error, { retryAt: iso(clock.now()) })
        return true
      },
      blockOnQuota: (error, now) => budget.block(now + (error.retryAfterMs ?? MINUTE), 'quota exhausted'),
      read(request, body, now) {
        if (request.kind === 'discover') {
          discoverMatches(body, now)
          return undefined
        }
        const t = request.match
        try {
          const batch = ledger.diffDelta(
            parseFootballDataMatch(body, t.snapshot, {
              now,
              includeRaw: opts.includeRaw,
              onWarning,
            }),
          )
          return { batch, apply: () => advance(t, body, now) }
        } catch (error) {
          if (!(error instanceof ProviderPayloadError)) throw error
          t.due = now + spacing()
          opts.onError?.(error, { retryAt: iso(t.due) })
          return undefined
        }
      },
      close: () => client.close(),
    }),
  }

  /** After a delivered snapshot: the new base, the status, and when (or whether) to poll again. */
  function advance(t: Tracked, body: Record<string, unknown>, now: number): void {
    const wasFinal = t.phase === 'final' || t.lastPolledAt === undefined
    t.snapshot = body
    t.lastPolledAt = now
    t.status = typeof body.status === 'string' ? body.status.toUpperCase() : undefined
    const kickOff = typeof body.utcDate === 'string' ? Date.parse(body.utcDate) : Number.NaN
    if (Number.isFinite(kickOff)) t.kickOff = kickOff
    if (t.status !== undefined && statuses[t.status]?.final) {
      if (wasFinal)
        t.phase = 'done' // that was the final poll
      else {
        t.phase = 'final'
        t.due = now + opts.finalPollDelayMs
      }
      return
    }
    t.phase = 'active'
    t.due = nextDue(t, now)
  }

  /** Today's list: follow matches not seen before (finished ones get their one final poll). */
  function discoverMatches(body: Record<string, unknown>, now: number): void {
    discovered = true
    discoveryDue = now + opts.discoveryIntervalMs
    const matches = Array.isArray(body.matches) ? (body.matches as Record<string, unknown>[]) : []
    for (const m of matches) {
      const matchId = typeof m.id === 'number' || typeof m.id === 'string' ? String(m.id) : undefined
      if (!matchId || tracked.has(matchId)) continue
      const kickOff = typeof m.utcDate === 'string' ? Date.parse(m.utcDate) : Number.NaN
      const t: Tracked = { id: matchId, due: now, phase: 'active' }
      if (Number.isFinite(kickOff)) {
        t.kickOff = kickOff
        if (kickOff - MINUTE > now) t.due = kickOff - MINUTE
      }
      if (typeof m.status === 'string') t.status = m.status.toUpperCase()
      tracked.set(matchId, t)
    }
  }
}
