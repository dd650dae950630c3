import type { z } from 'zod'
import { MatchfeedError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { ProviderHttpError } from '../../http/errors.js'
import type { RateLimitState } from '../../http/rate-limit.js'
import type { Source } from '../../pipeline/contracts.js'
import type { DiffRules } from '../snapshot.js'
import { EventLedger } from './event-ledger.js'
import { type BudgetSnapshot, type PlanLimits, RequestBudget } from './poll-budget.js'
import { iso, MINUTE, type PollClock, systemClock } from './poll-clock.js'
import type { HeadlinePollerOptionsSchema } from './poller-options.js'
import { type NextPoll, nextPollOf, type TrackedMatch } from './tracked-match.js'

/** What every poller starts from: its clock, a request budget for its plan, and its ledger. */
export interface PollerParts {
  clock: PollClock
  budget: RequestBudget
  ledger: EventLedger
  /** A poller's own report over the matches it follows. */
  report(tracked: ReadonlyMap<string, TrackedMatch>): PollerReport
}

/** What a poller tells about itself (health endpoints, dashboards). */
export interface PollerReport {
  /** Requests used and left, per minute and per day, and the spacing kept now. */
  budget(): BudgetSnapshot
  /** Each followed match and when it is polled next. */
  nextPolls(): NextPoll[]
}

/** A poller's parts, its plan given by name (one of `plans`) or as limits; `rules` diff its snapshots. */
export function pollerParts<P extends string>(
  options: { clock?: PollClock | undefined; plan: P | PlanLimits },
  plans: Readonly<Record<P, PlanLimits>>,
  rules: DiffRules,
): PollerParts {
  const clock = options.clock ?? systemClock
  const budget = new RequestBudget(typeof options.plan === 'string' ? plans[options.plan] : options.plan)
  return {
    clock,
    budget,
    ledger: new EventLedger(rules),
    report: (tracked) => ({
      budget: () => budget.snapshot(clock.now()),
      nextPolls: () => [...tracked.values()].map((t) => nextPollOf(t, clock.now())),
    }),
  }
}

/** A poll's outcome: the batch to emit, and the state changes to make once `emit` accepted it. */
export interface PollResult {
  batch: MatchEvent[]
  apply: () => void
}

/** What a headline poller (API-Football, Football-Data) gives the loop: its state and its own rules. */
export interface PollLoop<Request, Body> {
  /** Names the poller in its errors (`api-football: this poller is already running`). */
  provider: string
  options: Pick<z.output<typeof HeadlinePollerOptionsSchema>, 'onError' | 'maxConsecutiveFailures' | 'random'>
  clock: PollClock
  budget: RequestBudget
  ledger: EventLedger
  /** The followed matches: none is due before a run begins. */
  tracked: ReadonlyMap<string, { due: number }>
  /** Called as each run begins. */
  begin?(): void
  /**
   * The next request and when it is due, the poller's own spacing included (the budget's limits and a
   * retry's wait come on top); none: nothing left to poll, `start` resolves.
   */
  next(now: number): { at: number; request: Request } | undefined
  /** Sends a request, counted in the budget at `now`. */
  send(
    request: Request,
    now: number,
    signal: AbortSignal,
  ): Promise<{ body: Body; rateLimit?: RateLimitState }>
  /** A failure that ends what the request was about rather than the poll: handled, not counted, no wait. */
  gone?(error: unknown, request: Request): boolean
  /** The provider said its quota is used up: block the budget until the quota is back. */
  blockOnQuota(error: ProviderHttpError, now: number): void
  /** A response → what to deliver; none: nothing (the poller has handled it). */
  read(request: Request, body: Body, now: number): PollResult | undefined
  close(): Promise<void>
}

/**
 * A headline poller's `start`: one run at a time; requests when the poller, the budget and the last
 * failure allow; failures retried with backoff or after the provider's reset, fatal ones ending the run;
 * each batch committed to the ledger, and the poller's state advanced, only after `emit` resolves.
 * An abort ends the run quietly, mid-sleep or mid-request.
 */
export function pollLoop<Request, Body>(loop: PollLoop<Request, Body>): Source['start'] {
  const { clock, budget, ledger, options } = loop
  const random = options.random ?? Math.random
  let running = false

  /** A failed request: fatal ones end `start`, the rest wait (backoff, or the provider's reset). */
  function retryAfter(error: unknown, now: number, failures: number): number {
    if (!(error instanceof ProviderHttpError)) throw error
    let retry: number
    if (error.code === 'quota_exhausted') {
      loop.blockOnQuota(error, now)
      retry = budget.earliest(now)
    } else if (error.code === 'rate_limited') {
      budget.block(now + (error.retryAfterMs ?? MINUTE), 'rate limited')
      retry = budget.earliest(now)
    } else if (error.retryable) {
      if (failures > options.maxConsecutiveFailures) throw error
      const backoff = Math.min(5 * MINUTE, 2_000 * 2 ** Math.min(failures - 1, 10))
      retry = now + backoff * (0.5 + random() / 2)
    } else {
      throw error // unauthorized, forbidden, a bad request: trying again cannot help
    }
    options.onError?.(error, { retryAt: iso(retry) })
    return retry
  }

  return async (emit, signal) => {
    if (running)
      throw new MatchfeedError(`${loop.provider}: this poller is already running`, {
        code: 'already_running',
      })
    running = true
    let failures = 0
    let retryAt = 0
    try {
      loop.begin?.()
      for (const t of loop.tracked.values()) t.due = Math.max(t.due, clock.now())
      while (!signal.aborted) {
        const now = clock.now()
        const next = loop.next(now)
        if (!next) return
        const at = Math.max(next.at, retryAt, budget.earliest(now))
        if (at > now) {
          await clock.sleep(at - now, signal)
          continue
        }
        budget.record(now)
        let body: Body
        try {
          const response = await loop.send(next.request, now, signal)
          budget.observe(response.rateLimit, clock.now())
          body = response.body
        } catch (error) {
          if (signal.aborted) return
          if (loop.gone?.(error, next.request)) continue
          retryAt = retryAfter(error, clock.now(), ++failures)
          continue
        }
        failures = 0
        retryAt = 0
        const result = loop.read(next.request, body, clock.now())
        if (!result) continue
        if (result.batch.length > 0) await emit(result.batch)
        ledger.commit(result.batch)
        result.apply()
      }
    } catch (error) {
      if (signal.aborted) return
      throw error
    } finally {
      running = false
      await loop.close()
    }
  }
}
