import { describe, expect, it } from 'vitest'
import { EVENTS_TEXT, LINEUPS_TEXT, parse, payloadError } from '../helpers/statsbomb.js'

describe('parseStatsBombEvents on a hand-written match', () => {
  const events = parse()

  it('reads the old lineups format (no cards, no positions) as well', () => {
    const old = (JSON.parse(LINEUPS_TEXT) as { lineup: Record<string, unknown>[] }[]).map((team) => ({
      ...team,
      lineup: team.lineup.map(({ cards: _c, positions: _p, ...player }) => player),
    }))
    expect(parse(EVENTS_TEXT, { lineups: old })).toEqual(events)
  })
})

describe('bad input: ProviderPayloadError naming the event and the field, never a partial result', () => {
  it('rejects a bad lineups file, naming the field', () => {
    payloadError(() => parse(EVENTS_TEXT, { lineups: '[{"team_id": 1' }), 'lineups')
    payloadError(
      () => parse(EVENTS_TEXT, { lineups: '[{"team_id": 1, "team_name": "A", "lineup": [{}]}]' }),
      'lineups[0].lineup[0].player_id',
    )
  })
})
