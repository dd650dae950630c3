import { z } from 'zod'
import { MatchfeedError, ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { ProviderHttpError } from '../../http/errors.js'
import type { Source } from '../../pipeline/contracts.js'
// The budget, clock and ledger are shared with the API-Football poller.
import { EventLedger } from '../headline/event-ledger.js'
import { formatPath } from '../headline/headline.js'
import { type BudgetSnapshot, type PlanLimits, RequestBudget } from '../headline/poll-budget.js'
import { iso, systemClock } from '../headline/poll-clock.js'
import {
  fn,
  HeadlinePollerOptionsSchema,
  MINUTE,
  type NextPoll,
  nextPollOf,
} from '../headline/poller-options.js'
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

interface Tracked {
  id: string
  status?: string
  kickOff?: number
  due: number
  lastPolledAt?: number
  phase: 'active' | 'final' | 'done'
  /** The last snapshot delivered: the base of the next diff. */
  snapshot?: unknown
}

const statuses: Record<string, { kind: string; final: boolean } | undefined> = FOOTBALL_DATA_STATUSES

/**
 * A Source that follows Football-Data.org matches: the ids given, or today's matches of competitions
 * (found with `/v4/matches?competitions=`). Each match is polled on its own (`/v4/matches/{id}`), round
 * robin, the spacing set by the plan's per-minute budget and the provider's `X-Requests-Available-Minute`;
 * each snapshot is diffed against the last one delivered (`parseFootballDataMatch(current, previous)`),
 * its state advancing after `emit` resolves. One final poll after FINISHED (or another final status).
 */
export function createFootballDataPoller(options: FootballDataPollerOptions): FootballDataPoller {
  const checked = FootballDataPollerOptionsSchema.safeParse(options)
  if (!checked.success) {
    const issue = checked.error.issues[0]!
    throw new MatchfeedError(`football-data: poller option ${formatPath('', issue.path)}: ${issue.message}`, {
      code: 'invalid_option',
    })
  }
  const opts: Options = checked.data
  const clock = opts.clock ?? systemClock
  const plan: PlanLimits = typeof opts.plan === 'string' ? FOOTBALL_DATA_PLANS[opts.plan] : opts.plan
  const budget = new RequestBudget(plan)
  const ledger = new EventLedger()
  const tracked = new Map<string, Tracked>()
  const random = opts.random ?? Math.random
  const warned = new Set<string>()
  let running = false
  let discoveryDue = 0
  let discovered = false

  for (const matchId of opts.matches ?? []) tracked.set(matchId, { id: matchId, due: 0, phase: 'active' })

  const client: FootballDataClient = createFootballDataClient({
    token: opts.token,
    retry: { retries: 0 }, // every attempt goes through the budget
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
  })

  function onWarning(warning: FootballDataWarning): void {
    const key = `${warning.matchId}|${warning.field}|${warning.message}`
    if (warned.has(key)) return
    warned.add(key)
    opts.onWarning?.(warning)
  }

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

    async start(emit, signal) {
      if (running)
        throw new MatchfeedError('football-data: this poller is already running', { code: 'already_running' })
      running = true
      let failures = 0
      let retryAt = 0
      let lastRequest = Number.NEGATIVE_INFINITY
      try {
        for (const t of tracked.values()) t.due = Math.max(t.due, clock.now())
        while (!signal.aborted) {
          const now = clock.now()
          const competitions = opts.competitions
          const pending = open().sort((a, b) => a.due - b.due)
          if (!competitions && pending.length === 0) return
          if (competitions && opts.stopWhenIdle && discovered && pending.length === 0) return
          const discover = competitions !== undefined && (discoveryDue <= now || pending.length === 0)
          const target = discover ? undefined : pending[0]
          const dueAt = discover ? discoveryDue : target!.due
          const at = Math.max(dueAt, retryAt, lastRequest + spacing(), budget.earliest(now))
          if (at > now) {
            await clock.sleep(at - now, signal)
            continue
          }
          budget.record(now)
          lastRequest = now
          let body: Record<string, unknown>
          try {
            const response = discover
              ? await client.matches({ competitions }, signal)
              : await client.match(target!.id, signal)
            budget.observe(response.rateLimit, clock.now())
            body = response.body
          } catch (error) {
            if (signal.aborted) return
            if (error instanceof ProviderHttpError && error.code === 'not_found' && target) {
              target.phase = 'done'
              opts.onError?.(error, { retryAt: iso(clock.now()) })
              continue
            }
            retryAt = onFailure(error, clock.now(), ++failures)
            continue
          }
          failures = 0
          retryAt = 0
          const after = clock.now()
          if (discover) {
            discoverMatches(body, after)
            continue
          }
          const t = target!
          let batch: MatchEvent[]
          try {
            batch = ledger.diffDelta(
              parseFootballDataMatch(body, t.snapshot, {
                now: after,
                includeRaw: opts.includeRaw,
                onWarning,
              }),
            )
          } catch (error) {
            if (!(error instanceof ProviderPayloadError)) throw error
            t.due = after + spacing()
            opts.onError?.(error, { retryAt: iso(t.due) })
            continue
          }
          if (batch.length > 0) await emit(batch)
          ledger.commit(batch)
          advance(t, body, after)
        }
      } catch (error) {
        if (signal.aborted) return
        throw error
      } finally {
        running = false
        await client.close()
      }
    },
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

  function onFailure(error: unknown, now: number, failures: number): number {
    if (!(error instanceof ProviderHttpError)) throw error
    let retry: number
    if (error.code === 'rate_limited' || error.code === 'quota_exhausted') {
      budget.block(
        now + (error.retryAfterMs ?? MINUTE),
        error.code === 'rate_limited' ? 'rate limited' : 'quota exhausted',
      )
      retry = budget.earliest(now)
    } else if (error.retryable) {
      if (failures > opts.maxConsecutiveFailures) throw error
      const backoff = Math.min(5 * MINUTE, 2_000 * 2 ** Math.min(failures - 1, 10))
      retry = now + backoff * (0.5 + random() / 2)
    } else {
      throw error
    }
    opts.onError?.(error, { retryAt: iso(retry) })
    return retry
  }
}
