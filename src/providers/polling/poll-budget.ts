import type { RateLimitState } from '../../http/rate-limit.js'
import { iso, MINUTE as MINUTE_MS, nextUtcMidnight, utcDay } from './poll-clock.js'

/** A plan's request limits. `perDay` is counted per UTC day (API-Football's reset); absent: no daily quota. */
export interface PlanLimits {
  perMinute: number
  perDay?: number
}

/** What a poller reports about its request budget (health endpoints, dashboards). */
export interface BudgetSnapshot {
  plan: PlanLimits
  /** Requests sent, all attempts included. */
  requests: number
  usedLastMinute: number
  usedToday: number
  /** Left in the current 60-second window, the provider's own count taken into account. */
  remainingThisMinute: number
  /** Left today (UTC), the lower of the plan's count and the provider's header. */
  remainingToday?: number
  /** The provider's last rate-limit headers. */
  provider?: RateLimitState
  /** The spacing the poller currently keeps between requests. */
  intervalMs: number
  /** When the poller waits for a reset (quota exhausted, rate limited): until then, no request. */
  blockedUntil?: string
  blockedReason?: string
}

/**
 * Counts every request a poller sends and says when the next one may go, so that no 60-second window
 * and no UTC day ever holds more than the plan allows (a sliding minute is stricter than the provider's
 * calendar minute). The provider's remaining counters, when its headers carry them, lower the allowance:
 * another process may share the key.
 */
export class RequestBudget {
  readonly plan: PlanLimits
  #sent: number[] = [] // send times within the last minute
  #requests = 0
  #day = -1
  #usedToday = 0
  #provider: RateLimitState | undefined
  #providerMinute: { remaining: number; until: number; used: number } | undefined
  #providerDay: { remaining: number; day: number; used: number } | undefined
  #blockedUntil = 0
  #blockedReason: string | undefined
  intervalMs = 0

  constructor(plan: PlanLimits) {
    this.plan = plan
  }

  /** Records a request sent at `now` (before sending it: a failed attempt counts too). */
  record(now: number): void {
    this.#prune(now)
    this.#sent.push(now)
    this.#requests++
    this.#rollDay(now)
    this.#usedToday++
    if (this.#providerMinute) this.#providerMinute.used++
    if (this.#providerDay) this.#providerDay.used++
  }

  /** Takes the provider's counters from a response received at `now`. */
  observe(state: RateLimitState | undefined, now: number): void {
    if (!state) return
    this.#provider = state
    const minute = state.minute.remaining
    this.#providerMinute =
      minute === undefined
        ? undefined
        : { remaining: minute, until: now + (state.minute.resetInMs ?? MINUTE_MS), used: 0 }
    const day = state.day.remaining
    this.#providerDay = day === undefined ? undefined : { remaining: day, day: utcDay(now), used: 0 }
  }

  /** No request before `until` (a reset the provider announced, or a wait it asked for). */
  block(until: number, reason: string): void {
    if (until > this.#blockedUntil) {
      this.#blockedUntil = until
      this.#blockedReason = reason
    }
  }

  /** Blocks until the next daily reset (00:00 UTC, plus a minute of margin). */
  blockUntilDailyReset(now: number, reason: string): void {
    this.block(nextUtcMidnight(now) + MINUTE_MS, reason)
  }

  remainingThisMinute(now: number): number {
    this.#prune(now)
    let left = this.plan.perMinute - this.#sent.length
    const p = this.#providerMinute
    if (p && now < p.until) left = Math.min(left, p.remaining - p.used)
    return Math.max(0, left)
  }

  remainingToday(now: number): number | undefined {
    let left = this.plan.perDay === undefined ? undefined : this.plan.perDay - this.#usedOn(now)
    const p = this.#providerDay
    if (p && p.day === utcDay(now)) left = Math.min(left ?? Number.POSITIVE_INFINITY, p.remaining - p.used)
    return left === undefined ? undefined : Math.max(0, left)
  }

  /** The earliest time at or after `now` when one more request stays within every limit. */
  earliest(now: number): number {
    let at = Math.max(now, this.#blockedUntil)
    const today = this.remainingToday(at)
    if (today !== undefined && today <= 0) at = Math.max(at, nextUtcMidnight(at))
    this.#prune(now)
    const inWindow = this.#sent.filter((t) => t > at - MINUTE_MS)
    if (inWindow.length >= this.plan.perMinute) {
      // The window frees when its oldest request is a minute old.
      at = Math.max(at, inWindow[inWindow.length - this.plan.perMinute]! + MINUTE_MS)
    }
    const p = this.#providerMinute
    if (p && at < p.until && p.remaining - p.used <= 0) at = Math.max(at, p.until)
    return at
  }

  snapshot(now: number): BudgetSnapshot {
    this.#prune(now)
    const snap: BudgetSnapshot = {
      plan: this.plan,
      requests: this.#requests,
      usedLastMinute: this.#sent.length,
      usedToday: this.#usedOn(now),
      remainingThisMinute: this.remainingThisMinute(now),
      intervalMs: Math.round(this.intervalMs),
    }
    const today = this.remainingToday(now)
    if (today !== undefined) snap.remainingToday = today
    if (this.#provider) snap.provider = this.#provider
    if (this.#blockedUntil > now) {
      snap.blockedUntil = iso(this.#blockedUntil)
      if (this.#blockedReason) snap.blockedReason = this.#blockedReason
    }
    return snap
  }

  /** Requests counted on `now`'s UTC day (pure: asking about tomorrow does not reset today). */
  #usedOn(now: number): number {
    return utcDay(now) === this.#day ? this.#usedToday : 0
  }

  #prune(now: number): void {
    while (this.#sent.length > 0 && this.#sent[0]! <= now - MINUTE_MS) this.#sent.shift()
  }

  #rollDay(now: number): void {
    const day = utcDay(now)
    if (day !== this.#day) {
      this.#day = day
      this.#usedToday = 0
    }
  }
}
