// The events a headline provider's match status implies: period starts and ends, and match statuses,
// keyed `status:…` so that each is produced once across polls (and never withdrawn by a later one).
import { type ClockPlace, PERIOD_END_MINUTE, PERIOD_START_MINUTE } from '../../event/clock.js'
import type { Period } from '../../event/enums.js'
import type { MatchEvent } from '../../event/schema.js'
import { clockSeq, FINAL_STATUS_RANK, headlineEvent, PERIOD_END_RANK } from './headline.js'

/** One status-derived event: a period start or end, or a match status (final or not). */
export type StatusStep =
  | { type: 'period_start' | 'period_end'; period: Period }
  | { type: 'match_status' | 'generic'; key: string; providerType: string; place: ClockPlace; final: boolean }

/**
 * The period starts and ends a status implies so far: a match in its second half has started and ended
 * the first and started the second. Periods 3 and 4 only with extra time.
 */
export function periodSteps(last: Period, ended: boolean, extraTime: boolean): StatusStep[] {
  const steps: StatusStep[] = []
  for (let p = 1; p <= last; p++) {
    const period = p as Period
    if ((period === 3 || period === 4) && !extraTime) continue
    steps.push({ type: 'period_start', period })
    if (period < last || ended) steps.push({ type: 'period_end', period })
  }
  return steps
}

/** A period's end: its nominal length, or later when events were placed in its added time. */
export function periodEnd(period: Period, lastTime: ReadonlyMap<Period, number>): ClockPlace {
  const nominal = (PERIOD_END_MINUTE[period] - PERIOD_START_MINUTE[period]) * 60
  const periodTime = Math.max(nominal, lastTime.get(period) ?? 0)
  const place: ClockPlace = { period, minute: PERIOD_END_MINUTE[period], periodTime }
  if (periodTime > nominal) place.addedTime = Math.round((periodTime - nominal) / 60)
  return place
}

/** The latest periodTime placed in each period, so that a period's end comes after its added time. */
export function lastTimes(events: readonly MatchEvent[]): Map<Period, number> {
  const last = new Map<Period, number>()
  for (const e of events) last.set(e.period, Math.max(last.get(e.period) ?? 0, e.periodTime))
  return last
}

/**
 * Status steps → MatchEvents keyed `status:period_start:<p>`, `status:period_end:<p>` or `status:<key>`,
 * so each is produced once across polls. Period events carry `periodProviderType`; timestamps come from
 * `startTimes` when the provider gives them.
 */
export function statusStepEvents(args: {
  provider: string
  matchId: string
  steps: readonly StatusStep[]
  lastTime: ReadonlyMap<Period, number>
  periodProviderType: string
  startTimes?: Partial<Record<Period, string | undefined>>
}): MatchEvent[] {
  const { provider, matchId } = args
  return args.steps.map((step) => {
    if ('key' in step) {
      const key = `status:${step.key}`
      return headlineEvent({
        provider,
        matchId,
        key,
        place: step.place,
        seq: step.final
          ? clockSeq(step.place.period, 0, FINAL_STATUS_RANK)
          : clockSeq(step.place.period, step.place.periodTime, 990),
        type: step.type,
        result: null,
        providerType: step.providerType,
      })
    }
    const start = step.type === 'period_start'
    const place = start
      ? { period: step.period, minute: PERIOD_START_MINUTE[step.period], periodTime: 0 }
      : periodEnd(step.period, args.lastTime)
    const key = `status:${step.type}:${step.period}`
    const event = headlineEvent({
      provider,
      matchId,
      key,
      place,
      seq: clockSeq(step.period, 0, start ? 0 : PERIOD_END_RANK),
      type: step.type,
      result: null,
      providerType: args.periodProviderType,
    })
    const timestamp = start ? args.startTimes?.[step.period] : undefined
    if (timestamp) event.timestamp = timestamp
    return event
  })
}
