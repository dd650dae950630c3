import { describe, expect, it } from 'vitest'
import { RequestBudget } from '../../src/providers/polling/poll-budget.js'

describe('RequestBudget', () => {
  const T0 = Date.parse('2025-05-25T23:58:00Z')

  it('keeps every 60-second window within the per-minute limit', () => {
    const budget = new RequestBudget({ perMinute: 3 })
    for (const t of [0, 1_000, 2_000]) budget.record(T0 + t)
    expect(budget.remainingThisMinute(T0 + 2_000)).toBe(0)
    expect(budget.earliest(T0 + 2_000)).toBe(T0 + 60_000)
    expect(budget.remainingThisMinute(T0 + 60_000)).toBe(1)
  })

  it('counts the day per UTC day, lowered by the provider`s remaining count, and blocks until a reset', () => {
    const budget = new RequestBudget({ perMinute: 10, perDay: 100 })
    budget.record(T0)
    expect(budget.remainingToday(T0)).toBe(99)
    budget.observe({ minute: { remaining: 9 }, day: { limit: 100, remaining: 5 } }, T0)
    budget.record(T0 + 1_000)
    expect(budget.remainingToday(T0 + 1_000)).toBe(4)
    // Asking about tomorrow does not reset today.
    expect(budget.remainingToday(T0 + 10 * 60_000)).toBe(100)
    expect(budget.remainingToday(T0 + 2_000)).toBe(4)
    budget.blockUntilDailyReset(T0, 'quota')
    expect(budget.earliest(T0 + 2_000)).toBe(Date.parse('2025-05-26T00:01:00Z'))
    expect(budget.snapshot(T0 + 2_000)).toMatchObject({
      usedToday: 2,
      remainingToday: 4,
      blockedUntil: '2025-05-26T00:01:00.000Z',
      blockedReason: 'quota',
    })
  })

  it('waits for the provider`s minute to reset when it says nothing is left', () => {
    const budget = new RequestBudget({ perMinute: 10 })
    budget.observe({ minute: { remaining: 0, resetInMs: 12_000 }, day: {} }, T0)
    expect(budget.earliest(T0 + 1)).toBe(T0 + 12_000)
  })
})
