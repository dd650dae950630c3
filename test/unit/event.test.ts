import { describe, expect, it } from 'vitest'
import { compile, z } from 'zod'
import {
  EVENT_TYPES,
  InvalidMatchEventError,
  latestVersions,
  MatchEventSchema,
  matchEventId,
  RESULTS_BY_TYPE,
  supersedes,
  validateMatchEvent,
  validateMatchEvents,
} from '../../src/event/index.js'
import { makeEvent } from '../helpers/events.js'

describe('MatchEventSchema', () => {
  it('accepts a complete event and returns the same object from validate', () => {
    const event = makeEvent({
      team: { id: 't1', name: 'Home FC', side: 'home' },
      player: { id: 'p9', name: 'Nine' },
      relatedPlayer: { id: 'p10' },
      x: 52.5,
      y: 34,
      endX: 105,
      endY: 0,
      timestamp: '2026-11-24T15:00:12.500Z',
      score: { home: 1, away: 0 },
      bodyPart: 'head',
      setPiece: 'kick_off',
      addedTime: 2,
      raw: { anything: [1, 2] },
    })
    expect(validateMatchEvent(event)).toBe(event)
  })

  it('compiles to the fast path without falling back to the runtime parser', () => {
    expect(() => compile(z.array(MatchEventSchema), { strict: true })).not.toThrow()
  })

  it.each([
    ['id that does not match its parts', { id: 'custom:m1:other' }, 'id'],
    ['result of another type', { type: 'shot', result: 'complete' }, 'result'],
    ['result on a type without results', { type: 'card', result: 'goal', card: 'red' }, 'result'],
    ['x without y', { x: 10 }, 'y'],
    ['endY without endX', { endY: 10 }, 'endX'],
    ['x off the pitch', { x: 105.01, y: 3 }, 'x'],
    ['y below zero', { x: 1, y: -0.01 }, 'y'],
    ['period 6', { period: 6 }, 'period'],
    ['second 60', { second: 60 }, 'second'],
    ['fractional version', { version: 1.5 }, 'version'],
    ['negative periodTime', { periodTime: -1 }, 'periodTime'],
    ['matchId with a colon', { matchId: 'a:b', id: 'custom:a:b:e1' }, 'matchId'],
    ['provider with upper case', { provider: 'Opta', id: 'Opta:m1:e1' }, 'provider'],
    ['non-UTC timestamp', { timestamp: '2026-11-24T15:00:00+01:00' }, 'timestamp'],
    ['unknown type', { type: 'goal' }, 'type'],
    ['an unknown field', { minutes: 3 }, ''],
  ])('rejects %s, naming the field', (_, overrides, field) => {
    const event = { ...makeEvent(), ...overrides }
    const error = catchError(() => validateMatchEvents([makeEvent({ providerEventId: 'ok' }), event]))
    expect(error).toBeInstanceOf(InvalidMatchEventError)
    expect(error.index).toBe(1)
    expect(error.field).toBe(field)
    expect(error.provider).toBe(event.provider)
    expect(error.message).toContain(`events[1]${field ? `.${field}` : ''}`)
  })

  it('rejects a non-array batch', () => {
    expect(() => validateMatchEvents({})).toThrow(InvalidMatchEventError)
  })

  it('lets every type carry null, and exactly its own results', () => {
    for (const type of EVENT_TYPES) {
      expect(() => validateMatchEvent(makeEvent({ type, result: null }))).not.toThrow()
      const own: readonly string[] = (RESULTS_BY_TYPE as Record<string, readonly string[]>)[type] ?? []
      for (const result of own) {
        expect(() => validateMatchEvent(makeEvent({ type, result: result as never }))).not.toThrow()
      }
    }
  })
})

describe('ids and merging', () => {
  it('builds the id from provider, match and provider event id', () => {
    expect(matchEventId('opta', '1009316', '1510681159')).toBe('opta:1009316:1510681159')
  })

  it('supersedes only the same id with a higher version; a delete is a version like any other', () => {
    const v1 = makeEvent({ version: 1 })
    const v2deleted = makeEvent({ version: 2, deleted: true })
    const v3 = makeEvent({ version: 3 })
    expect(supersedes(v2deleted, v1)).toBe(true)
    expect(supersedes(v1, v2deleted)).toBe(false)
    expect(supersedes(v3, v2deleted)).toBe(true)
    expect(supersedes(v1, makeEvent({ version: 1 }))).toBe(false)
    expect(supersedes(makeEvent({ providerEventId: 'other', version: 9 }), v1)).toBe(false)
  })

  it('keeps the latest version of each id in first-seen order', () => {
    const a1 = makeEvent({ providerEventId: 'a', version: 1 })
    const b0 = makeEvent({ providerEventId: 'b', version: 0 })
    const a3 = makeEvent({ providerEventId: 'a', version: 3, deleted: true })
    const a2 = makeEvent({ providerEventId: 'a', version: 2 })
    expect(latestVersions([a1, b0, a3, a2])).toEqual([a3, b0])
  })
})

function catchError(fn: () => unknown): InvalidMatchEventError {
  try {
    fn()
  } catch (error) {
    return error as InvalidMatchEventError
  }
  throw new Error('expected a throw')
}

describe('the published JSON Schema', () => {
  it('describes every field, with the required ones required', () => {
    const schema = z.toJSONSchema(MatchEventSchema, { io: 'output', unrepresentable: 'any' }) as {
      properties: Record<string, { enum?: unknown[] }>
      required: string[]
      additionalProperties: boolean
    }
    expect(Object.keys(schema.properties)).toEqual(Object.keys(MatchEventSchema.shape))
    expect(schema.required).toEqual(
      expect.arrayContaining([
        'id',
        'provider',
        'matchId',
        'seq',
        'version',
        'deleted',
        'type',
        'result',
        'period',
      ]),
    )
    expect(schema.required).not.toContain('x')
    expect(schema.properties.type!.enum).toEqual([...EVENT_TYPES])
    expect(schema.additionalProperties).toBe(false)
  })
})
