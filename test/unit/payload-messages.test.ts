import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { createApiFootballPoller } from '../../src/providers/api-football/index.js'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import { parseStatsBombEvents } from '../../src/providers/statsbomb/index.js'

const thrown = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return error as ProviderPayloadError
  }
  throw new Error('did not throw')
}

// Zod's own words ("Invalid input") said neither what was expected nor what came.
describe('reasons say what was expected and what came', () => {
  it('custom: a missing or mistyped field', () => {
    const missing = thrown(() => parseCustomEvents('{"event_type":"goal","minute":3}'))
    expect(missing).toBeInstanceOf(ProviderPayloadError)
    expect(missing.field).toBe('match_id')
    expect(missing.reason).toBe('expected a string or a number, got nothing (missing)')
    const typed = thrown(() => parseCustomEvents('[{"match_id":"1","event_type":"goal","minute":"3"}]'))
    expect(typed.field).toBe('[0].minute')
    expect(typed.reason).toBe('expected a number, got the string "3"')
    expect(
      thrown(() => parseCustomEvents('{"match_id":1,"event_type":"goal","minute":3,"team_side":"left"}'))
        .reason,
    ).toBe('expected one of "home", "away", got the string "left"')
  })

  it('statsbomb: an events file given as lineups', () => {
    const events = readFileSync(new URL('../fixtures/statsbomb/match_events.json', import.meta.url))
    const error = thrown(() => parseStatsBombEvents(events, { matchId: 7, lineups: events }))
    expect(error.field).toMatch(/^lineups\[0\]\./)
    expect(error.reason).toMatch(/^expected .+, got .+; this looks like an events file, not a lineups file$/)
  })

  it('options: what the option should be, and what it was', () => {
    expect(() => createApiFootballPoller({ apiKey: 'k', fixtures: 'all' as never })).toThrow(
      /fixtures: expected an array, got the string "all"/,
    )
  })
})
