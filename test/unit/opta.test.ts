import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MatchfeedError, PayloadTooLargeError, ProviderPayloadError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { toCanonicalX, toCanonicalY } from '../../src/pitch/index.js'
import {
  OPTA_EVENT_TYPES,
  OPTA_GOAL_MOUTH_Z_TO_METRES,
  OPTA_PERIODS,
  parseOptaF24,
  parseStatsPerformMA3,
  readOptaF7,
} from '../../src/providers/opta/index.js'
import { londonToUtc, parseOptaTime } from '../../src/providers/opta/opta-time.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/opta/${name}`, import.meta.url))
const F24 = fixture('f24-small.xml').toString('utf8')
const F7 = fixture('f7-small.xml')
const MA3 = fixture('ma3-small.json').toString('utf8')
const MA3_XML = fixture('ma3-small.xml').toString('utf8')
const MA1 = fixture('ma1-small.json')
const X = (v: number) => toCanonicalX('opta', v)
const Y = (v: number) => toCanonicalY('opta', v)
const Z = (v: number) => v * OPTA_GOAL_MOUTH_Z_TO_METRES

const byId = (events: MatchEvent[]) => new Map(events.map((e) => [e.providerEventId, e]))
const f24Events = parseOptaF24(F24, { f7: F7 })
const f24 = byId(f24Events)
const ev = (id: string) => {
  const e = f24.get(id)
  if (e === undefined) throw new Error(`no event ${id}`)
  return e
}

/** The ProviderPayloadError `fn` throws (fails the test when it throws anything else, or nothing). */
function payloadError(fn: () => unknown): ProviderPayloadError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderPayloadError)
    return error as ProviderPayloadError
  }
  throw new Error('expected a ProviderPayloadError, nothing was thrown')
}

describe('parseOptaF24: the hand-written F24 + F7', () => {
  it('keeps match events, drops pre- and post-match periods, absorbs the player-on event', () => {
    // 36 <Event>s: 1 team set-up (period 16) and 2 post-match events (period 14) dropped, the player-on
    // merged into its substitution.
    expect(f24Events).toHaveLength(32)
    for (const id of ['9000000001', '9000000021', '9000000035', '9000000036']) expect(f24.has(id)).toBe(false)
    expect(f24Events.every((e) => e.provider === 'opta' && e.matchId === '900001')).toBe(true)
    expect(ev('9000000004').id).toBe('opta:900001:9000000004')
  })

  it('sorts by seq = period·10¹¹ + periodTime ms·10³ + rank by id within the millisecond', () => {
    const seqs = f24Events.map((e) => e.seq)
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(ev('9000000002').seq).toBe(100_000_000_000)
    expect(ev('9000000003').seq).toBe(100_000_000_001) // same millisecond, next id
    expect(ev('9000000004').seq).toBe(100_000_939_000)
    expect(ev('9000000020').seq).toBe(200_000_000_000)
  })

  it('reads the kick-off pass: un-padded milliseconds, London time, end point, receiver, set piece', () => {
    expect(ev('9000000004')).toEqual({
      id: 'opta:900001:9000000004',
      provider: 'opta',
      providerEventId: '9000000004',
      matchId: '900001',
      seq: 100_000_939_000,
      version: 1628949602000,
      deleted: false,
      type: 'pass',
      result: 'complete',
      period: 1,
      // "15:00:01.39" is 15:00:01.039 BST (not .390), 0.939 s after the 15:00:00.100 type-32 start.
      periodTime: 0.939,
      minute: 0,
      second: 1,
      timestamp: '2021-08-14T14:00:01.039Z',
      providerType: '1',
      team: { id: '100', name: 'Home FC', side: 'home' },
      player: { id: '1001', name: 'Ada L.' }, // F7 <Known> wins over First + Last
      relatedPlayer: { id: '1002', name: "Dame N'Doye" },
      x: 52.5,
      y: 34,
      endX: 43.35,
      endY: 34,
      setPiece: 'kick_off',
    })
  })

  it('reads pass results, head passes and offside passes', () => {
    expect(ev('9000000005')).toMatchObject({
      result: 'incomplete',
      periodTime: 2.905, // ".5" is 5 ms
      bodyPart: 'head', // qualifier 3
      endX: 88.5,
      endY: 54.16,
    })
    expect(ev('9000000005').relatedPlayer).toBeUndefined()
    expect(ev('9000000007')).toMatchObject({
      type: 'pass',
      result: 'offside',
      providerType: '2',
      x: X(60),
      y: Y(40),
      endX: 99.5,
      endY: 43.16,
      player: { id: '2002' }, // not in the F7: the id, no name
    })
    expect(ev('9000000006')).toMatchObject({ type: 'interception', result: 'success', x: 16.5, y: 13.84 })
  })

  it('reads set pieces from qualifiers 279, 5, 26, 6, 107, 124', () => {
    expect(ev('9000000004').setPiece).toBe('kick_off')
    expect(ev('9000000008').setPiece).toBe('free_kick')
    expect(ev('9000000012').setPiece).toBe('free_kick')
    expect(ev('9000000025').setPiece).toBe('corner_kick')
    expect(ev('9000000026').setPiece).toBe('throw_in')
    expect(ev('9000000027').setPiece).toBe('goal_kick')
    expect(ev('9000000005').setPiece).toBeUndefined()
  })

  it('reads shots: off target, post, saved, blocked (q82), with goal-mouth ends and body parts', () => {
    expect(ev('9000000009')).toMatchObject({
      type: 'shot',
      result: 'off_target',
      bodyPart: 'left_foot',
      endX: 105,
      endY: 43.16,
      endZ: Z(19),
    })
    expect(ev('9000000010')).toMatchObject({ result: 'post', bodyPart: 'right_foot', endZ: 2.44 }) // the bar
    expect(ev('9000000011')).toMatchObject({
      result: 'saved',
      bodyPart: 'head',
      endX: 105,
      endY: 34,
      endZ: 0,
    })
    // Blocked at (88.5, 50) on its way from (80, 50) to the goal: the goal-mouth height scaled back there.
    const blocked = ev('9000000012')
    expect(blocked).toMatchObject({ result: 'blocked', bodyPart: 'other', endX: 94, endY: 34 })
    expect(blocked.endZ).toBeCloseTo(Z((19 / 20) * 8.5), 12)
  })

  it('reads body-part qualifiers on every type that carries them (an interception by head, as kloppy)', () => {
    const interception = '<Event id="9000000006" event_id="3" type_id="8" '
    const line = F24.split('\n').find((l) => l.includes(interception))!
    expect(line.trimEnd().endsWith('/>')).toBe(true)
    const headed = F24.replace(
      line,
      `${line.trimEnd().slice(0, -2)}><Q id="8100000001" qualifier_id="15" /></Event>`,
    )
    const tackled = F24.replace(
      line,
      `${line.replace('type_id="8"', 'type_id="7"').trimEnd().slice(0, -2)}><Q id="8100000001" qualifier_id="72" /></Event>`,
    )
    expect(byId(parseOptaF24(headed, { f7: F7 })).get('9000000006')).toMatchObject({
      type: 'interception',
      bodyPart: 'head',
    })
    expect(byId(parseOptaF24(tackled, { f7: F7 })).get('9000000006')).toMatchObject({
      type: 'duel',
      bodyPart: 'left_foot',
    })
    expect(ev('9000000006').bodyPart).toBeUndefined() // no qualifier, no body part
  })

  it('reads a goal: time from qualifier 374, assist from qualifier 55, the score', () => {
    expect(ev('9000000013')).toMatchObject({
      type: 'shot',
      result: 'goal',
      // Qualifier 374 "2021-08-14 15:30:00.5" (London), not the event's timestamp 15:30:10.
      timestamp: '2021-08-14T14:30:00.500Z',
      periodTime: 1800.4,
      minute: 30,
      second: 9,
      relatedPlayer: { id: '1001', name: 'Ada L.' }, // the pass with event_id 3 of the same team
      x: 94,
      y: 34,
      endX: 105,
      endY: 30.34,
      score: { home: 1, away: 0 },
    })
  })

  it('reads an own goal (q28): the defender and his side, mirrored, counting for the other side', () => {
    const own = ev('9000000014')
    expect(own).toMatchObject({
      type: 'shot',
      result: 'own_goal',
      team: { id: '200', side: 'away' },
      player: { id: '2003' },
      y: 37.66, // 100 − 45.2
      endX: 0,
      endY: 30.34, // 100 − 54.8
      score: { home: 2, away: 0 },
    })
    expect(own.x).toBeCloseTo(5.5, 12) // 100 − 94.2
    expect(own.endZ).toBeCloseTo(Z(3.8), 12)
    expect(f24Events.filter((e) => e.score !== undefined)).toHaveLength(2)
  })

  it('reads cards from qualifiers 31 / 32 / 33, without a location', () => {
    expect(ev('9000000015')).toMatchObject({
      type: 'card',
      card: 'yellow',
      player: { id: '2001', name: 'Alan Turing' },
    })
    expect(ev('9000000016').card).toBe('second_yellow')
    expect(ev('9000000017')).toMatchObject({ card: 'red', minute: 45, addedTime: 1, second: 30 })
    expect(ev('9000000015').x).toBeUndefined()
  })

  it('merges the substitution pair 18 / 19 (qualifier 55) into one event', () => {
    expect(ev('9000000020')).toEqual({
      id: 'opta:900001:9000000020',
      provider: 'opta',
      providerEventId: '9000000020',
      matchId: '900001',
      seq: 200_000_000_000,
      version: 1628953142000, // the player-on's: it came later
      deleted: false,
      type: 'substitution',
      result: null,
      period: 2,
      periodTime: 0, // a minute before the period-2 start: never negative
      minute: 45,
      second: 0,
      timestamp: '2021-08-14T14:59:00.000Z',
      providerType: '18',
      team: { id: '100', name: 'Home FC', side: 'home' },
      player: { id: '1004' },
      relatedPlayer: { id: '1005', name: 'Zoë Ørsted' },
    })
  })

  it('emits a deletion (type 43) as its original type (qualifier 144), deleted, with its version', () => {
    expect(ev('9000000024')).toMatchObject({
      type: 'pass',
      deleted: true,
      providerType: '1',
      version: 1628953800000,
      period: 2,
      periodTime: 5,
      x: X(40),
      y: Y(40),
    })
  })

  it('emits the period start and end events (32 / 30) as period_start / period_end', () => {
    const starts = f24Events.filter((e) => e.type === 'period_start').map((e) => [e.period, e.timestamp])
    expect(starts).toEqual([
      [1, '2021-08-14T14:00:00.100Z'],
      [1, '2021-08-14T14:00:00.100Z'],
      [2, '2021-08-14T15:00:00.000Z'],
      [2, '2021-08-14T15:00:00.000Z'],
    ])
    expect(ev('9000000033')).toMatchObject({
      type: 'period_end',
      period: 2,
      periodTime: 2880,
      minute: 90,
      addedTime: 3,
    })
  })

  it('maps fouls, ball touches, take-ons and unknown types as kloppy does, keeping the type id', () => {
    expect(ev('9000000028')).toMatchObject({ type: 'foul_committed', providerType: '4' })
    expect(ev('9000000029')).toMatchObject({ type: 'generic', providerType: '4' }) // the fouled side
    expect(ev('9000000030')).toMatchObject({ type: 'miscontrol', providerType: '61' })
    expect(ev('9000000031')).toMatchObject({ type: 'generic', result: null, providerType: '99' })
    expect(ev('9000000032')).toMatchObject({
      type: 'take_on',
      result: 'complete',
      minute: 90,
      addedTime: 2,
      second: 10,
    })
  })

  it('clamps off-pitch points to the lines, and decodes XML entities in names', () => {
    expect(ev('9000000026')).toMatchObject({ y: 68, endY: Y(90) })
    expect(ev('9000000025').team?.name).toBe('Away & Co')
  })

  it('keeps the raw event on request', () => {
    const [first] = parseOptaF24(F24, { includeRaw: true }).filter((e) => e.providerEventId === '9000000004')
    expect(first?.raw).toMatchObject({ $: { id: '9000000004', type_id: '1' } })
    expect(ev('9000000004').raw).toBeUndefined()
  })

  it('without the F7: ids and sides from <Game>, no player names', () => {
    const events = byId(parseOptaF24(F24))
    expect(events.get('9000000004')?.player).toEqual({ id: '1001' })
    expect(events.get('9000000004')?.team).toEqual({ id: '100', name: 'Home FC', side: 'home' })
  })

  it('reads bytes like text, and a byte-order mark', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(F24)])
    expect(parseOptaF24(bom, { f7: F7 })).toEqual(f24Events)
  })
})

describe('London time', () => {
  it('reads F24 timestamps as kloppy does (kloppy-conventions items 18–20)', () => {
    expect(new Date(parseOptaTime('2018-09-23T15:02:13.608', 'unpadded', 'london')!).toISOString()).toBe(
      '2018-09-23T14:02:13.608Z',
    )
    expect(new Date(parseOptaTime('2018-09-23T15:02:14.39', 'unpadded', 'london')!).toISOString()).toBe(
      '2018-09-23T14:02:14.039Z',
    )
    expect(parseOptaTime('2018-09-23T16:56:37.7887', 'unpadded', 'london')).toBe(
      Date.UTC(2018, 8, 23, 15, 56, 37, 788) + 0.7,
    )
    expect(parseOptaTime('2018-09-23 16:07:48.5', 'decimal', 'london')).toBe(
      Date.UTC(2018, 8, 23, 15, 7, 48, 500),
    )
    expect(parseOptaTime('2021-09-11T18:30:08.862Z', 'decimal', 'utc')).toBe(
      Date.UTC(2021, 8, 11, 18, 30, 8, 862),
    )
  })

  it('changes at 01:00 UTC on the last Sundays of March and October', () => {
    const at = (text: string) => new Date(parseOptaTime(text, 'unpadded', 'london')!).toISOString()
    // Spring 2023: 00:59:59 GMT, then 01:xx does not exist, then 02:00 BST.
    expect(at('2023-03-26T00:59:59.999')).toBe('2023-03-26T00:59:59.999Z')
    expect(at('2023-03-26T01:30:00.000')).toBe('2023-03-26T01:30:00.000Z') // skipped hour: read as GMT
    expect(at('2023-03-26T02:00:00.000')).toBe('2023-03-26T01:00:00.000Z')
    // Autumn 2023: 01:xx happens twice; read as its first (BST) occurrence, then 02:00 GMT.
    expect(at('2023-10-29T00:59:59.000')).toBe('2023-10-28T23:59:59.000Z')
    expect(at('2023-10-29T01:30:00.000')).toBe('2023-10-29T00:30:00.000Z')
    expect(at('2023-10-29T02:00:00.000')).toBe('2023-10-29T02:00:00.000Z')
    expect(at('2023-12-31T23:59:59.000')).toBe('2023-12-31T23:59:59.000Z')
  })

  it('agrees with Intl (the IANA database) every 7 hours 13 minutes from 1996 to 2040', () => {
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    let checked = 0
    for (let utc = Date.UTC(1996, 0, 1); utc < Date.UTC(2040, 0, 1); utc += (7 * 60 + 13) * 60_000) {
      const p = Object.fromEntries(format.formatToParts(utc).map((part) => [part.type, Number(part.value)]))
      const wallClock = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!)
      // The repeated autumn hour reads as its first occurrence: skip its second one.
      const back = londonToUtc(wallClock)
      if (back !== utc) expect(back).toBe(utc - 3_600_000)
      else checked++
    }
    expect(checked).toBeGreaterThan(53_000)
  })

  it('converts a whole F24 across the spring change', () => {
    const events = byId(parseOptaF24(fixture('f24-dst.xml')))
    expect(events.get('9100000002')).toMatchObject({
      timestamp: '2023-03-26T00:59:59.009Z',
      periodTime: 1799.009,
    })
    // 02:00:00.05 BST (".05" is 5 ms) is 01:00:00.005 UTC: 30 minutes after the 00:30 GMT kick-off.
    expect(events.get('9100000003')).toMatchObject({
      timestamp: '2023-03-26T01:00:00.005Z',
      periodTime: 1800.005,
    })
    // An explicit timestamp_utc wins over the London timestamp.
    expect(events.get('9100000004')).toMatchObject({
      timestamp: '2023-03-26T01:01:00.000Z',
      periodTime: 1860,
    })
  })
})

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
  const replaceIn = (text: string, from: string, to: string) => {
    expect(text).toContain(from)
    return text.replace(from, to)
  }
  const f24Case = (from: string, to: string) => () => parseOptaF24(replaceIn(F24, from, to))

  it.each([
    [
      'a DOCTYPE',
      () => parseOptaF24(`<?xml version="1.0"?><!DOCTYPE Games [<!ENTITY x "y">]>${F24.slice(39)}`),
      '(body)',
      /DOCTYPE/,
    ],
    ['an ENTITY', () => parseOptaF24(F24.replace('<Games', '<!ENTITY lol "lol"><Games')), '(body)', /ENTITY/],
    ['truncated XML', () => parseOptaF24(F24.slice(0, F24.lastIndexOf('</Games>'))), '(body)', /truncated/],
    [
      'truncated in the closing tag',
      () => parseOptaF24(F24.slice(0, F24.length - 4)),
      '(body)',
      /not well-formed/,
    ],
    ['truncated mid-tag', () => parseOptaF24(F24.slice(0, 5000)), '(body)', /not well-formed/],
    ['a missing </Event>', f24Case('</Event>', ''), '(body)', /malformed/],
    ['garbage', () => parseOptaF24('<<<>>> not xml'), '(root)', /expected an F24 <Games>/],
    ['text', () => parseOptaF24('no markup at all'), '(body)', /no XML element/],
    ['not UTF-8', () => parseOptaF24(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e])), '(body)', /UTF-8/],
    ['a StatsBomb JSON', () => parseOptaF24('[{"id": "abc", "index": 1}]'), '(body)', /no XML element/],
    ['an F7 as the F24', () => parseOptaF24(F7), '(root)', /<SoccerFeed>.*options\.f7/],
    ['an MA3 XML as the F24', () => parseOptaF24(MA3_XML), '(root)', /parseStatsPerformMA3/],
    ['an F24 as the F7', () => parseOptaF24(F24, { f7: F24 }), 'f7', /F24/],
    [
      'an F7 of another match',
      () => parseOptaF24(F24, { f7: F7.toString().replace('f900001', 'f1') }),
      'f7',
      /match 1/,
    ],
    ['no match id', f24Case('<Game id="900001"', '<Game'), 'Game.id', /options\.matchId/],
    ['an Event without id', f24Case('<Event id="9000000004" ', '<Event '), 'Event[3].id', /event id/],
    [
      'an Event without type_id',
      f24Case('type_id="1" period_id="1" min="0" sec="1"', 'period_id="1" min="0" sec="1"'),
      'Event[3](id=9000000004).type_id',
      /type id/,
    ],
    [
      'an Event without period_id',
      f24Case('period_id="1" min="0" sec="1"', 'min="0" sec="1"'),
      'Event[3](id=9000000004).period_id',
      /period id/,
    ],
    [
      'a non-numeric x',
      f24Case(
        'x="50.0" y="50.0" timestamp="2021-08-14T15:00:01.39"',
        'x="fifty" y="50.0" timestamp="2021-08-14T15:00:01.39"',
      ),
      'Event[3](id=9000000004).x',
      /coordinate/,
    ],
    [
      'an empty y',
      f24Case(
        'x="50.0" y="50.0" timestamp="2021-08-14T15:00:01.39"',
        'x="50.0" y="" timestamp="2021-08-14T15:00:01.39"',
      ),
      'Event[3](id=9000000004).y',
      /coordinate/,
    ],
    [
      'a garbled pass end',
      f24Case('qualifier_id="140" value="41.0"', 'qualifier_id="140" value="4l.0"'),
      'Event[3](id=9000000004).Q(qualifier_id=140).value',
      /coordinate/,
    ],
    [
      'a garbled timestamp',
      f24Case('2021-08-14T15:00:01.39', '2021-08-14T25:00:01.39'),
      'Event[3](id=9000000004).timestamp',
      /date-time/,
    ],
    [
      'a garbled goal time',
      f24Case('2021-08-14 15:30:00.5', 'half past three'),
      'Event[12](id=9000000013).Q(qualifier_id=374).value',
      /London/,
    ],
    [
      'a second of 60',
      f24Case('min="0" sec="1" player_id="1001"', 'min="0" sec="60" player_id="1001"'),
      'Event[3](id=9000000004).sec',
      /0 to 59/,
    ],
    [
      'a third team',
      f24Case('team_id="100" outcome="1" x="50.0"', 'team_id="300" outcome="1" x="50.0"'),
      'Event[3](id=9000000004).team_id',
      /neither/,
    ],
    [
      'an unknown element in <Event>',
      f24Case('<Q id="8000000004"', '<Extra /><Q id="8000000004"'),
      'Event[3](id=9000000004)',
      /<Extra>/,
    ],
    ['two <Game>s', f24Case('</Game>', '</Game><Game id="2"></Game>'), 'Games.Game', /one <Game>/],
  ] as const)('%s', (_name, fn, field, reason) => {
    const error = payloadError(fn)
    expect(error.provider).toBe('opta')
    expect(error.field).toBe(field)
    expect(error.reason).toMatch(reason)
    expect(error.code).toBe('invalid_payload')
  })

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

  it('reports bad options as MatchfeedError invalid_option', () => {
    expect(() => parseOptaF24(F24, { includeRaw: 'yes' } as never)).toThrow(MatchfeedError)
    expect(() => parseOptaF24(F24, { matchId: 'a:b' })).toThrow(/option matchId/)
    expect(() => parseStatsPerformMA3(MA3, { ma1: 42 } as never)).toThrow(/option ma1/)
  })
})

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

describe('document bounds: counted before parsing, a PayloadTooLargeError naming the option', () => {
  const tooLarge = (fn: () => unknown) => {
    const error = payloadError(fn)
    expect(error).toBeInstanceOf(PayloadTooLargeError)
    expect(error.code).toBe('payload_too_large')
    return error
  }
  const starts = (text: string) => (text.match(/<[^/!?]/g) ?? []).length
  const equals = (text: string) => (text.match(/=/g) ?? []).length

  it('F24 and its F7: elements and attributes, each document on its own', () => {
    expect(parseOptaF24(F24, { maxElements: starts(F24), maxAttributes: equals(F24) })).toEqual(
      parseOptaF24(F24),
    )
    const elements = tooLarge(() => parseOptaF24(F24, { maxElements: starts(F24) - 1 }))
    expect(elements).toMatchObject({ provider: 'opta', field: '(body)' })
    expect(elements.reason).toBe(
      `more than ${starts(F24) - 1} XML elements (the bound set by option maxElements)`,
    )
    const attributes = tooLarge(() => parseOptaF24(F24, { maxAttributes: equals(F24) - 1 }))
    expect(attributes.reason).toMatch(/XML attributes .*maxAttributes/)
    const bloated = F7.toString('utf8').replace('</Team>', `${'<X/>'.repeat(starts(F24))}</Team>`)
    expect(tooLarge(() => parseOptaF24(F24, { f7: bloated, maxElements: starts(F24) })).field).toBe('f7')
    expect(tooLarge(() => readOptaF7(F7, { maxAttributes: 3 })).field).toBe('f7')
  })

  it('at most 256 attributes on one element, whatever the options', () => {
    const attrs = Array.from({ length: 257 }, (_, k) => ` a${k}="1"`).join('')
    const wide = F24.replace('<Event id="9000000006"', `<Event${attrs} id="9000000006"`)
    expect(tooLarge(() => parseOptaF24(wide)).reason).toMatch(/more than 256 attributes/)
  })

  it('MA3 JSON (objects and arrays; members and items), MA3 XML, and the MA1', () => {
    const objects = (MA3.match(/[{[]/g) ?? []).length
    const commas = (MA3.match(/,/g) ?? []).length
    expect(parseStatsPerformMA3(MA3, { maxElements: objects, maxAttributes: commas })).toEqual(
      parseStatsPerformMA3(MA3),
    )
    const json = tooLarge(() => parseStatsPerformMA3(MA3, { maxElements: objects - 1 }))
    expect(json).toMatchObject({ provider: 'statsperform', field: '(body)' })
    expect(json.reason).toMatch(/JSON objects and arrays .*maxElements/)
    expect(tooLarge(() => parseStatsPerformMA3(MA3, { maxAttributes: commas - 1 })).reason).toMatch(
      /JSON members and items .*maxAttributes/,
    )
    expect(tooLarge(() => parseStatsPerformMA3(MA3_XML, { maxElements: 10 })).field).toBe('(body)')
    const ma1 = JSON.stringify({ ...JSON.parse(MA1.toString('utf8')), extra: new Array(commas).fill(0) })
    expect(tooLarge(() => parseStatsPerformMA3(MA3, { ma1, maxAttributes: commas })).field).toBe('ma1')
    // An already-parsed object is not counted: whoever parsed it paid for it.
    expect(parseStatsPerformMA3(JSON.parse(MA3), { maxElements: 1 })).toHaveLength(11)
  })

  it('refuses bounds that are not positive integers', () => {
    expect(() => parseOptaF24(F24, { maxElements: 0 })).toThrow(/option maxElements/)
    expect(() => parseStatsPerformMA3(MA3, { maxAttributes: 1.5 })).toThrow(/option maxAttributes/)
  })
})

describe('the mapping tables', () => {
  const doc = readFileSync(new URL('../../docs/providers/opta.md', import.meta.url), 'utf8')
  it('docs/providers/opta.md lists every type as the code maps it', () => {
    for (const [id, mapping] of Object.entries(OPTA_EVENT_TYPES)) {
      expect(doc, `type ${id}`).toContain(`| ${id} | ${mapping.name} | \`${mapping.type}\``)
    }
  })
  it('docs/providers/opta.md lists every period and what becomes of it', () => {
    for (const [id, name] of Object.entries(OPTA_PERIODS)) {
      const fate = Number(id) <= 5 ? `period ${id}` : 'dropped (deletions: period 1, `periodTime` 0)'
      expect(doc, `period ${id}`).toContain(`| ${id} | ${name} | ${fate} |`)
    }
  })
})
