import { describe, expect, it } from 'vitest'
import { parseOptaF24, readOptaF7 } from '../../src/providers/opta/index.js'
import { F7, F24, f24Events, payloadError } from '../helpers/opta.js'

describe('readOptaF7: an F7 read once for all the F24s of its match', () => {
  it('gives what the F7 bytes give, and is not changed by the F24s that use it', () => {
    const f7 = readOptaF7(F7)
    expect(parseOptaF24(F24, { f7 })).toEqual(f24Events)
    expect(parseOptaF24(F24, { f7 })).toEqual(f24Events)
    expect([...f7.teamNames.keys()].sort()).toEqual(['100', '200'])
  })

  it('refuses a damaged F7, a cut-short one included, and an F7 it did not read', () => {
    const text = F7.toString('utf8')
    const cutShort = text.slice(0, text.lastIndexOf('</SoccerDocument>'))
    expect(payloadError(() => readOptaF7('<SoccerFeed><Other/></SoccerFeed>')).field).toBe(
      'f7.SoccerDocument',
    )
    const cut = payloadError(() => readOptaF7(cutShort))
    expect(cut).toMatchObject({ field: 'f7' })
    expect(cut.reason).toMatch(/truncated/)
    expect(payloadError(() => parseOptaF24(F24, { f7: cutShort })).reason).toMatch(/truncated/)
    const forged = { matchId: '900001', teamNames: new Map(), playerNames: new Map() }
    expect(() => parseOptaF24(F24, { f7: forged as never })).toThrow(/option f7/)
  })
})
