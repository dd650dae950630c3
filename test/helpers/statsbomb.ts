import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { parseStatsBombEvents, type StatsBombParseOptions } from '../../src/providers/statsbomb/index.js'

// A hand-written match in StatsBomb's open-data format (events v8 / lineups v4, the newer lineups format with
// cards and positions). Home is Harbour City (the first Starting XI) although the lineups list Valley Rovers
// first; locations are fractional, so both fidelities are v2.
const fixture = (name: string) => new URL(`../fixtures/statsbomb/${name}`, import.meta.url)
export const EVENTS_TEXT = readFileSync(fixture('match_events.json'), 'utf8')
export const LINEUPS_TEXT = readFileSync(fixture('match_lineups.json'), 'utf8')
export type Raw = Record<string, unknown> & { id: string }
export const rawEvents = () => JSON.parse(EVENTS_TEXT) as Raw[]
export const OPTIONS: StatsBombParseOptions = { matchId: '9001', lineups: LINEUPS_TEXT }
export const parse = (
  events: string | Uint8Array | unknown[] = EVENTS_TEXT,
  options: Partial<StatsBombParseOptions> = {},
) => parseStatsBombEvents(events, { ...OPTIONS, ...options })
export const RAW = rawEvents()
export const idOf = (index: number) => RAW[index - 1]!.id

/** The ProviderPayloadError `fn` throws: provider statsbomb, the given field. */
export function payloadError(fn: () => unknown, field: string): ProviderPayloadError {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(ProviderPayloadError)
  const error = thrown as ProviderPayloadError
  expect(error.provider).toBe('statsbomb')
  expect(error.field).toBe(field)
  expect(error.code).toBe('invalid_payload')
  return error
}

export const withEvent = (index: number, change: (event: Raw) => void): Raw[] => {
  const events = rawEvents()
  change(events[index - 1]!)
  return events
}
