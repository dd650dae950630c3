// When the Football-Data poller asks what: the spacing the plan's minute budget (and the provider's own
// count) allows, each match's next due time, and the next request (today's list, or one match). The poller
// (poller.ts) reads the answers.
import type { z } from 'zod'
import type { RateLimitState } from '../../http/rate-limit.js'
import { lookupTable } from '../lookup.js'
import type { RequestBudget } from '../polling/poll-budget.js'
import { MINUTE } from '../polling/poll-clock.js'
import type { TrackedMatch } from '../polling/tracked-match.js'
import type { FootballDataPollerOptionsSchema } from './football-data-options.js'
import { FOOTBALL_DATA_STATUSES } from './map-football-data.js'

type Options = z.output<typeof FootballDataPollerOptionsSchema>

export interface TrackedFootballDataMatch extends TrackedMatch {
  /** The last snapshot delivered: it places the clock of the next one. */
  snapshot?: unknown
}

/** A poll: today's list of the competitions, or one match. */
export type MatchRequest = { kind: 'discover' } | { kind: 'match'; match: TrackedFootballDataMatch }

const statuses = lookupTable<{ kind: string; final: boolean }>(FOOTBALL_DATA_STATUSES)

/**
 * The followed matches (the ids given, or today's matches of the competitions) and when each is polled:
 * round robin, spaced by the plan's per-minute budget and the provider's `X-Requests-Available-Minute`,
 * with one final poll after FINISHED (or another final status).
 */
export class MatchSchedule {
  readonly tracked = new Map<string, TrackedFootballDataMatch>()
  readonly opts: Options
  readonly budget: RequestBudget
  readonly #rateLimit: () => RateLimitState | undefined
  #discoveryDue = 0
  #discovered = false
  #lastRequest = Number.NEGATIVE_INFINITY

  constructor(opts: Options, budget: RequestBudget, rateLimit: () => RateLimitState | undefined) {
    this.opts = opts
    this.budget = budget
    this.#rateLimit = rateLimit
    for (const id of opts.matches ?? []) this.tracked.set(id, { id, due: 0, phase: 'active' })
  }

  open(): TrackedFootballDataMatch[] {
    return [...this.tracked.values()].filter((t) => t.phase !== 'done')
  }

  /** A run begins: each run keeps its own spacing. */
  begin(): void {
    this.#lastRequest = Number.NEGATIVE_INFINITY
  }

  /**
   * The spacing between requests: the plan's minute budget, slowed to the provider's own count when
   * another process uses the same token (few requests left before its counter resets).
   */
  spacing(): number {
    let gap = MINUTE / this.budget.plan.perMinute
    const minute = this.#rateLimit()?.minute
    if (minute?.remaining !== undefined)
      gap = Math.max(gap, (minute.resetInMs ?? MINUTE) / Math.max(1, minute.remaining))
    this.budget.intervalMs = gap
    return gap
  }

  /** The next request and when it is due (the budget's limits come on top); none: nothing left to poll. */
  next(now: number): { at: number; request: MatchRequest } | undefined {
    const competitions = this.opts.competitions
    const pending = this.open().sort((a, b) => a.due - b.due)
    if (!competitions && pending.length === 0) return undefined
    if (competitions && this.opts.stopWhenIdle && this.#discovered && pending.length === 0) return undefined
    const discover = competitions !== undefined && (this.#discoveryDue <= now || pending.length === 0)
    const request: MatchRequest = discover ? { kind: 'discover' } : { kind: 'match', match: pending[0]! }
    const dueAt = request.kind === 'discover' ? this.#discoveryDue : request.match.due
    return { at: Math.max(dueAt, this.#lastRequest + this.spacing()), request }
  }

  /** A request went out at `now`. */
  sent(now: number): void {
    this.#lastRequest = now
  }

  /** After a delivered snapshot: the new base, the status, and when (or whether) to poll again. */
  advance(t: TrackedFootballDataMatch, body: Record<string, unknown>, now: number): void {
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
        t.due = now + this.opts.finalPollDelayMs
      }
      return
    }
    t.phase = 'active'
    t.due = this.#nextDue(t, now)
  }

  /** Today's list: follow matches not seen before (finished ones get their one final poll). */
  discover(body: Record<string, unknown>, now: number): void {
    this.#discovered = true
    this.#discoveryDue = now + this.opts.discoveryIntervalMs
    const matches = Array.isArray(body.matches) ? (body.matches as Record<string, unknown>[]) : []
    for (const m of matches) {
      const matchId = typeof m.id === 'number' || typeof m.id === 'string' ? String(m.id) : undefined
      if (!matchId || this.tracked.has(matchId)) continue
      const kickOff = typeof m.utcDate === 'string' ? Date.parse(m.utcDate) : Number.NaN
      const t: TrackedFootballDataMatch = { id: matchId, due: now, phase: 'active' }
      if (Number.isFinite(kickOff)) {
        t.kickOff = kickOff
        if (kickOff - MINUTE > now) t.due = kickOff - MINUTE
      }
      if (typeof m.status === 'string') t.status = m.status.toUpperCase()
      this.tracked.set(matchId, t)
    }
  }

  #nextDue(t: TrackedFootballDataMatch, now: number): number {
    const status = t.status ?? ''
    const live = this.open().filter(
      (m) => m.phase === 'active' && statuses[m.status ?? '']?.kind === 'live',
    ).length
    const perMatch = Math.max(this.opts.minIntervalMs, this.spacing() * Math.max(1, live))
    if (status === 'SCHEDULED' || status === 'TIMED' || status === '') {
      if (t.kickOff !== undefined && t.kickOff - MINUTE > now) return t.kickOff - MINUTE
      return now + Math.max(perMatch, this.opts.prematchIntervalMs)
    }
    if (status === 'PAUSED' || status === 'SUSPENDED')
      return now + Math.max(perMatch, this.opts.breakIntervalMs)
    return now + perMatch
  }
}
