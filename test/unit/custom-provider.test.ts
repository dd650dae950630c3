import { describe, expect, it } from 'vitest'
import { PayloadTooLargeError, ProviderPayloadError } from '../../src/errors.js'
import { CUSTOM_EVENT_TYPES, parseCustomEvents } from '../../src/providers/custom/index.js'

// The integration guide's payload, as its Go struct serialises it (signature and metadata included).
const guidePayload = {
  match_id: '8841',
  event_type: 'goal',
  minute: 23,
  player_id: '9',
  team_id: '541',
  position_x: 88.5,
  position_y: 50,
  metadata: '{"assist":"10"}',
  timestamp: '2026-11-24T16:23:41+01:00',
  signature: 'not-used: signatures belong in a header',
}

/** What `fn` throws (undefined when it returns). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

describe('parseCustomEvents', () => {
  it('maps the guide payload to a MatchEvent, coordinates zone-aware from Opta-like 0-100', () => {
    const [event] = parseCustomEvents(JSON.stringify(guidePayload))
    expect(event).toMatchObject({
      provider: 'custom',
      matchId: '8841',
      type: 'shot',
      result: 'goal',
      period: 1,
      periodTime: 23 * 60,
      minute: 23,
      second: 0,
      team: { id: '541' },
      player: { id: '9' },
      timestamp: '2026-11-24T15:23:41.000Z',
      providerType: 'goal',
      version: 0,
      deleted: false,
    })
    // Opta's penalty spot (88.5) is 94 m from the own goal line on the metric pitch.
    expect(event!.x).toBeCloseTo(94, 9)
    expect(event!.y).toBeCloseTo(34, 9)
    expect(event!.raw).toBeUndefined()
  })

  it('reads bytes, strings and parsed values alike, one event or an array', () => {
    const bytes = new TextEncoder().encode(JSON.stringify([guidePayload, { ...guidePayload, minute: 30 }]))
    expect(parseCustomEvents(bytes)).toHaveLength(2)
    expect(parseCustomEvents(guidePayload)).toEqual(parseCustomEvents(JSON.stringify(guidePayload)))
  })

  it('gives a re-delivered event the same id, and a different event a different one', () => {
    const [a] = parseCustomEvents(guidePayload)
    const [again] = parseCustomEvents({ ...guidePayload })
    const [other] = parseCustomEvents({ ...guidePayload, minute: 24 })
    expect(a!.id).toBe(again!.id)
    expect(a!.id).not.toBe(other!.id)
    expect(a!.id).toMatch(/^custom:8841:h[0-9a-f]{20}$/)
  })

  it('uses event_id, version and deleted when the feed sends them', () => {
    const [event] = parseCustomEvents({ ...guidePayload, event_id: 77, version: 3, deleted: true })
    expect(event).toMatchObject({ id: 'custom:8841:77', providerEventId: '77', version: 3, deleted: true })
  })

  it('derives the period from the match clock, added time included', () => {
    const at = (minute: number, added?: number, period?: 1 | 2 | 3 | 4 | 5) =>
      parseCustomEvents({ ...guidePayload, minute, added_time: added, period, second: 30 })[0]!
    expect(at(45, 2)).toMatchObject({ period: 1, periodTime: 47 * 60 + 30, addedTime: 2 })
    expect(at(45)).toMatchObject({ period: 2, periodTime: 30 })
    expect(at(90, 4)).toMatchObject({ period: 2, periodTime: 49 * 60 + 30 })
    expect(at(95)).toMatchObject({ period: 3, periodTime: 5 * 60 + 30 })
    expect(at(118, undefined, 4)).toMatchObject({ period: 4, periodTime: 13 * 60 + 30 })
    expect(at(120, undefined, 5)).toMatchObject({ period: 5, periodTime: 30 })
  })

  it('keeps unknown event types as generic, never dropping them', () => {
    const [event] = parseCustomEvents({ ...guidePayload, event_type: 'Injury_Break' })
    expect(event).toMatchObject({ type: 'generic', result: null, providerType: 'Injury_Break' })
  })

  it('keeps Object.prototype names as generic too: the lookup never walks the prototype', () => {
    for (const name of [
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'valueOf',
      'isPrototypeOf',
    ]) {
      for (const eventType of [name, name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1)]) {
        const [event] = parseCustomEvents({ ...guidePayload, event_type: eventType })
        expect(event, eventType).toMatchObject({ type: 'generic', result: null, providerType: eventType })
        expect(event!.setPiece, eventType).toBeUndefined()
        expect(event!.card, eventType).toBeUndefined()
      }
    }
  })

  it('maps every documented event_type to a valid event', () => {
    for (const [eventType, mapping] of Object.entries(CUSTOM_EVENT_TYPES)) {
      const [event] = parseCustomEvents({ ...guidePayload, event_type: eventType.toUpperCase() })
      expect(event!.type, eventType).toBe(mapping.type)
      expect(event!.result, eventType).toBe('result' in mapping ? mapping.result : null)
    }
  })

  it('reads positions in the configured pitch system', () => {
    const metres = parseCustomEvents(
      { ...guidePayload, position_x: 94, position_y: 34 },
      { pitch: 'metres' },
    )[0]!
    expect([metres.x, metres.y]).toEqual([94, 34])
    const sb = parseCustomEvents(
      { ...guidePayload, position_x: 108, position_y: 40 },
      { pitch: 'statsbomb' },
    )[0]!
    expect(sb.x).toBeCloseTo(94, 9)
    expect(sb.y).toBeCloseTo(34, 9)
    const end = parseCustomEvents({ ...guidePayload, end_position_x: 100, end_position_y: 0 })[0]!
    expect([end.endX, end.endY]).toEqual([105, 0])
  })

  it('names the feed as provider and keeps the raw item when asked', () => {
    const [event] = parseCustomEvents([guidePayload], { provider: 'club-feed', includeRaw: true })
    expect(event!.id.startsWith('club-feed:8841:')).toBe(true)
    expect(event!.raw).toEqual(guidePayload)
  })

  it.each([
    ['not JSON', '{"match_id":', '(body)', /not valid JSON/],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), '(body)', /UTF-8/],
    ['a missing match_id', { ...guidePayload, match_id: undefined }, 'match_id', /./],
    ['a negative minute', { ...guidePayload, minute: -1 }, 'minute', /./],
    ['a string minute', { ...guidePayload, minute: '23' }, 'minute', /number/],
    ['an x outside 0..100', { ...guidePayload, position_x: 100.5 }, 'position_x', /outside 0\.\.100/],
    ['x without y', { ...guidePayload, position_y: null }, 'position_y', /come together/],
    // An already-parsed payload can hold what JSON cannot: NaN would pass the 0..100 range check.
    ['a NaN x', { ...guidePayload, position_x: Number.NaN }, 'position_x', /number NaN/],
    [
      'an infinite end y',
      { ...guidePayload, end_position_x: 1, end_position_y: -Infinity },
      'end_position_y',
      /number -Infinity/,
    ],
    ['a period before its minute', { ...guidePayload, minute: 30, period: 2 }, 'minute', /before period 2/],
    ['a bad timestamp', { ...guidePayload, timestamp: 'yesterday' }, 'timestamp', /./],
    ['a colon in match_id', { ...guidePayload, match_id: 'a:b' }, 'match_id', /":"/],
    ['an item in a batch', [guidePayload, { ...guidePayload, minute: 1.5 }], '[1].minute', /./],
    ['a number', 42, '(body)', /./],
  ])('rejects %s with a typed error naming the field', (_, payload, field, reason) => {
    const error = thrownBy(() => parseCustomEvents(payload))
    expect(error).toBeInstanceOf(ProviderPayloadError)
    const e = error as ProviderPayloadError
    expect(e).toMatchObject({ provider: 'custom', field, code: 'invalid_payload', retryable: false })
    expect(e.reason).toMatch(reason)
    expect(e.message).toContain(`custom: ${field}`)
  })
})

describe('parseCustomEvents: bounded work on a bad payload', () => {
  it('stops at the first bad item: the items after it are never read', () => {
    const untouchable = new Proxy(
      {},
      {
        get: () => {
          throw new Error('item 2 was read')
        },
        has: () => {
          throw new Error('item 2 was read')
        },
        ownKeys: () => {
          throw new Error('item 2 was read')
        },
      },
    )
    const error = thrownBy(() =>
      parseCustomEvents([guidePayload, { ...guidePayload, minute: -1 }, untouchable]),
    )
    expect(error).toBeInstanceOf(ProviderPayloadError)
    expect(error).toMatchObject({ field: '[1].minute' })
  })

  it('refuses more than maxEvents items (default 10,000) before validating any, as payload_too_large', () => {
    const many = Array.from({ length: 10_001 }, () => ({}))
    const error = thrownBy(() => parseCustomEvents(many))
    expect(error).toBeInstanceOf(PayloadTooLargeError)
    expect(error).toBeInstanceOf(ProviderPayloadError)
    expect(error).toMatchObject({
      code: 'payload_too_large',
      provider: 'custom',
      field: '(body)',
      retryable: false,
    })
    expect((error as PayloadTooLargeError).reason).toMatch(/more than 10000 events.*maxEvents/)
    // At the limit: read (and here refused for its first bad item, not for its size).
    expect(() => parseCustomEvents(many.slice(1))).toThrow(/custom: \[0\]\.match_id/)
    // Text and bytes are counted before JSON.parse; commas inside strings and items do not count.
    expect(() => parseCustomEvents(JSON.stringify(many))).toThrow(PayloadTooLargeError)
    expect(() => parseCustomEvents(Buffer.from(` [${'{},'.repeat(349_000)}{}]`))).toThrow(
      PayloadTooLargeError,
    )
    const commas = [
      { ...guidePayload, event_type: 'a,b,c,"d",[e]' },
      { ...guidePayload, metadata: { a: [1, 2, 3], b: '\\",' } },
    ]
    expect(parseCustomEvents(JSON.stringify(commas), { maxEvents: 2 })).toHaveLength(2)
    expect(() => parseCustomEvents(JSON.stringify([...commas, guidePayload]), { maxEvents: 2 })).toThrow(
      PayloadTooLargeError,
    )
    const three = [guidePayload, guidePayload, guidePayload]
    expect(parseCustomEvents(three, { maxEvents: 3 })).toHaveLength(3)
    expect(() => parseCustomEvents(three, { maxEvents: 2 })).toThrow(PayloadTooLargeError)
    expect(() => parseCustomEvents(three, { maxEvents: 0 })).toThrow(/maxEvents/)
  })
})

describe('docs/event-model.md', () => {
  it('lists every custom event_type as the code maps it', async () => {
    const { readFileSync } = await import('node:fs')
    const docs = readFileSync(new URL('../../docs/event-model.md', import.meta.url), 'utf8')
    for (const [eventType, m] of Object.entries(CUSTOM_EVENT_TYPES)) {
      const result = 'result' in m ? `\`${m.result}\`` : 'null'
      expect(docs, eventType).toContain(`| \`${eventType}\` | \`${m.type}\` | ${result} |`)
    }
  })
})
