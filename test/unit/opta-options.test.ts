import { describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import { parseOptaF24, parseStatsPerformMA3 } from '../../src/providers/opta/index.js'
import { F24, MA3 } from '../helpers/opta.js'

describe('bad input: a ProviderPayloadError naming the field', () => {
  it('reports bad options as MatchfeedError invalid_option', () => {
    expect(() => parseOptaF24(F24, { includeRaw: 'yes' } as never)).toThrow(MatchfeedError)
    expect(() => parseOptaF24(F24, { matchId: 'a:b' })).toThrow(/option matchId/)
    expect(() => parseStatsPerformMA3(MA3, { ma1: 42 } as never)).toThrow(/option ma1/)
  })
})
