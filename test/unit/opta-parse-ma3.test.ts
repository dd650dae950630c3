import { describe, expect, it } from 'vitest'
import { parseStatsPerformMA3 } from '../../src/providers/opta/index.js'
import { byId, F24, MA1, MA3, MA3_XML, payloadError } from '../helpers/opta.js'

describe('parseStatsPerformMA3: the hand-written MA3 + MA1', () => {
  const events = parseStatsPerformMA3(MA3, { ma1: MA1 })
  const ma3 = byId(events)

  it('reads the MA3 JSON with the same tables as F24', () => {
    expect(events).toHaveLength(11) // 14 events: period 16 set-up and period 14 end dropped, player-on merged
    expect(ma3.get('3000000004')).toEqual({
      id: 'statsperform:a1b2c3d4e5f6g7h8i9j0k1l2m:3000000004',
      provider: 'statsperform',
      providerEventId: '3000000004',
      matchId: 'a1b2c3d4e5f6g7h8i9j0k1l2m',
      seq: 100_000_377_000,
      version: Date.UTC(2021, 2, 28, 13, 0, 7), // lastModified
      deleted: false,
      type: 'pass',
      result: 'complete',
      period: 1,
      periodTime: 0.377,
      minute: 0,
      second: 0,
      timestamp: '2021-03-28T13:00:05.500Z',
      providerType: '1',
      team: { id: 'hometeam00000000000000001', name: 'Home SC', side: 'home' },
      player: { id: 'homeplayer000000000000001', name: 'Anna Home' }, // MA1 first + last name
      relatedPlayer: { id: 'homeplayer000000000000002', name: 'Bea' }, // MA1 knownName
      x: 52.5,
      y: 34,
      endX: 43.35,
      endY: 34,
      setPiece: 'kick_off',
    })
  })

  it('times a goal by qualifier 374, London time (BST since that morning)', () => {
    expect(ma3.get('3000000006')).toMatchObject({
      result: 'goal',
      timestamp: '2021-03-28T13:10:00.250Z', // "14:10:00.250" BST
      periodTime: 595.127,
      endX: 105,
      endY: 34,
      endZ: 2.44,
      bodyPart: 'left_foot',
      score: { home: 1, away: 0 },
    })
  })

  it('keeps a deletion parked in period 16 at the start of period 1, without a location', () => {
    const deleted = ma3.get('3000000007')
    expect(deleted).toMatchObject({
      deleted: true,
      type: 'shot',
      providerType: '13',
      period: 1,
      periodTime: 0,
    })
    expect(deleted?.x).toBeUndefined()
  })

  it('merges the substitution and reads the card', () => {
    expect(ma3.get('3000000011')).toMatchObject({
      type: 'substitution',
      periodTime: 900,
      player: { id: 'awayplayer000000000000001', name: 'Cleo Away' },
      relatedPlayer: { id: 'awayplayer000000000000002', name: 'Dora Away' },
      version: Date.UTC(2021, 2, 28, 14, 16, 5),
    })
    expect(ma3.has('3000000012')).toBe(false)
    expect(ma3.get('3000000008')).toMatchObject({ type: 'card', card: 'second_yellow' })
  })

  it('reads body-part qualifiers on every type: an interception (type 8) with qualifier 15 is by head', () => {
    const json = JSON.parse(MA3)
    const pass = json.liveData.event.find((e: { id: number }) => e.id === 3000000005)
    pass.typeId = 8
    pass.qualifier = [{ id: 1, qualifierId: 15 }]
    expect(byId(parseStatsPerformMA3(json)).get('3000000005')).toMatchObject({
      type: 'interception',
      bodyPart: 'head',
    })
  })

  it('without the MA1: the event playerName', () => {
    expect(byId(parseStatsPerformMA3(MA3)).get('3000000004')?.player).toEqual({
      id: 'homeplayer000000000000001',
      name: 'A. Home',
    })
  })

  it('reads the MA3 XML (with or without a BOM) and the parsed JSON to the same events', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MA3_XML)])
    expect(parseStatsPerformMA3(MA3_XML, { ma1: MA1 })).toEqual(events)
    expect(parseStatsPerformMA3(bom, { ma1: MA1 })).toEqual(events)
    expect(parseStatsPerformMA3(JSON.parse(MA3), { ma1: JSON.parse(MA1.toString('utf8')) })).toEqual(events)
    expect(parseStatsPerformMA3({ match: [JSON.parse(MA3)] }, { ma1: MA1 })).toEqual(events) // the older layout
  })
})

describe('bad input: a ProviderPayloadError naming the field', () => {
  /** The MA3 text with one field of event `index` replaced (undefined: removed). */
  const ma3Case = (index: number, key: string, value: unknown) => () => {
    const body = JSON.parse(MA3) as { liveData: { event: Record<string, unknown>[] } }
    const event = body.liveData.event[index]!
    expect(event).toHaveProperty(key)
    if (value === undefined) delete event[key]
    else event[key] = value
    return parseStatsPerformMA3(JSON.stringify(body))
  }
  it.each([
    ['a StatsBomb JSON', () => parseStatsPerformMA3('[{"id": "abc", "index": 1}]'), '(root)', /StatsBomb/],
    ['truncated JSON', () => parseStatsPerformMA3(MA3.slice(0, 3000)), '(body)', /not valid JSON/],
    ['an MA1 as the MA3', () => parseStatsPerformMA3(MA1), 'liveData.event', /MA1/],
    ['an F24 as the MA3', () => parseStatsPerformMA3(F24), '(root)', /parseOptaF24/],
    ['an MA3 as the MA1', () => parseStatsPerformMA3(MA3, { ma1: MA3 }), 'ma1', /MA3/],
    [
      'an MA1 of another match',
      () =>
        parseStatsPerformMA3(MA3, {
          ma1: MA1.toString()
            .replace(/hometeam0/g, 'otherteam')
            .replace('"a1b2', '"zzzz'),
        }),
      'ma1',
      /is for match/,
    ],
    ['an event without id', ma3Case(3, 'id', undefined), 'event[3].id', /event id/],
    ['an event without typeId', ma3Case(3, 'typeId', undefined), 'event[3](id=3000000004).typeId', /type id/],
    [
      'an event without periodId',
      ma3Case(3, 'periodId', undefined),
      'event[3](id=3000000004).periodId',
      /period id/,
    ],
    ['a non-numeric x', ma3Case(3, 'x', 'fifty'), 'event[3](id=3000000004).x', /coordinate/],
    ['a null y', ma3Case(3, 'y', null), 'event[3](id=3000000004).y', /coordinate/],
    [
      'a timeStamp that is not a date',
      ma3Case(3, 'timeStamp', 'soon'),
      'event[3](id=3000000004).timeStamp',
      /UTC date-time/,
    ],
    [
      'a qualifier list that is not a list',
      ma3Case(8, 'qualifier', 7),
      'event[8](id=3000000009).qualifier',
      /array/,
    ],
  ] as const)('MA3: %s', (_name, fn, field, reason) => {
    const error = payloadError(fn)
    expect(error.provider).toBe('statsperform')
    expect(error.field).toBe(field)
    expect(error.reason).toMatch(reason)
  })

  it('refuses a DOCTYPE in the MA3 XML too', () => {
    const error = payloadError(() =>
      parseStatsPerformMA3(MA3_XML.replace('<matchEvents>', '<!DOCTYPE matchEvents><matchEvents>')),
    )
    expect(error).toMatchObject({ provider: 'statsperform', field: '(body)' })
    expect(error.reason).toMatch(/DOCTYPE/)
  })
})
