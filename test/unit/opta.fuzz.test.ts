// Damaged Opta / Stats Perform input gives a valid result or a ProviderPayloadError: never another error,
// a crash, a hang or a partial result that fails the schema. Mutations start from the valid hand-written
// fixtures, so most cases get past the first checks.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseOptaF24, parseStatsPerformMA3 } from '../../src/providers/opta/index.js'
import { fuzzOutcome } from '../helpers/fuzz.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/opta/${name}`, import.meta.url), 'utf8')
const F24 = fixture('f24-small.xml')
const F7 = fixture('f7-small.xml')
const MA3 = fixture('ma3-small.json')
const MA3_XML = fixture('ma3-small.xml')
const MA1 = fixture('ma1-small.json')

/** Runs `parse` (see fuzzOutcome): a result must be valid MatchEvents, an error must be a ProviderPayloadError. */
function outcome(parse: () => unknown): 'ok' | 'rejected' {
  const result = fuzzOutcome(parse)
  expect(result).toMatch(/^(ok|rejected)$/)
  return result as 'ok' | 'rejected'
}

const garbage = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    'NaN',
    'Infinity',
    '1e999',
    '0x10',
    '99999999999999999999',
    '<',
    '&amp;',
    '"',
    '\u0000',
    '2021-13-40T99:99:99',
  ),
  fc.double().map(String),
  fc.integer().map(String),
)

/** The positions of every match of `pattern` in `text`. */
function positions(text: string, pattern: RegExp): [number, number][] {
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length])
}

/** Text mutations of an XML document: truncation, a deleted or garbled attribute, swapped or dropped tags. */
function xmlMutation(text: string, tags: readonly string[]): fc.Arbitrary<string> {
  const attributes = positions(text, /\s[A-Za-z_]+="[^"]*"/g)
  const values = positions(text, /="[^"]*"/g)
  const openTags = positions(text, new RegExp(`<(${tags.join('|')})[\\s/>]`, 'g'))
  const closeTags = positions(text, new RegExp(`</(${tags.join('|')})>`, 'g'))
  const at = (list: [number, number][]) => fc.integer({ min: 0, max: list.length - 1 }).map((i) => list[i]!)
  return fc.oneof(
    fc.integer({ min: 0, max: text.length }).map((n) => text.slice(0, n)),
    at(attributes).map(([a, b]) => text.slice(0, a) + text.slice(b)),
    fc
      .tuple(at(values), garbage)
      .map(([[a, b], v]) => `${text.slice(0, a)}="${v.replaceAll('"', '&quot;')}"${text.slice(b)}`),
    fc.tuple(at(values), garbage).map(([[a, b], v]) => `${text.slice(0, a)}="${v}"${text.slice(b)}`),
    fc
      .tuple(at(openTags), fc.constantFrom(...tags, 'X'))
      .map(([[a, b], tag]) => `${text.slice(0, a)}<${tag}${text.slice(b - 1)}`),
    fc
      .tuple(at(closeTags), fc.constantFrom(...tags, 'X'))
      .map(([[a, b], tag]) => `${text.slice(0, a)}</${tag}>${text.slice(b)}`),
    at(closeTags).map(([a, b]) => text.slice(0, a) + text.slice(b)),
    fc
      .tuple(fc.integer({ min: 0, max: text.length }), fc.string({ maxLength: 6 }))
      .map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
    fc
      .tuple(
        fc.integer({ min: 0, max: text.length }),
        fc.constantFrom('<!DOCTYPE x>', '<!ENTITY a "b">', '<!-- c -->', ']]>', '<![CDATA['),
      )
      .map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
  )
}

/** Mutations of a parsed MA3: a deleted, replaced or retyped field of one event or qualifier. */
const ma3Mutation = fc
  .tuple(
    fc.integer({ min: 0, max: 13 }),
    fc.constantFrom(
      'id',
      'eventId',
      'typeId',
      'periodId',
      'timeMin',
      'timeSec',
      'contestantId',
      'playerId',
      'outcome',
      'x',
      'y',
      'timeStamp',
      'lastModified',
      'qualifier',
      'playerName',
    ),
    fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      garbage,
      fc.double(),
      fc.integer(),
      fc.constant([]),
      fc.constant({}),
    ),
    fc.option(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('qualifierId', 'value'), garbage)),
  )
  .map(([index, key, value, q]) => {
    const body = JSON.parse(MA3) as { liveData: { event: Record<string, unknown>[] } }
    const event = body.liveData.event[index]!
    if (value === undefined) delete event[key]
    else event[key] = value
    const qualifiers = event.qualifier
    if (q !== null && Array.isArray(qualifiers) && qualifiers.length > 0) {
      const [k, field, v] = q
      ;(qualifiers[k % qualifiers.length] as Record<string, unknown>)[field] = v
    }
    return body
  })

describe('fuzz: damaged feeds are a result or a ProviderPayloadError', () => {
  it('F24 text mutations (1500 cases)', () => {
    const seen = { ok: 0, rejected: 0 }
    fc.assert(
      fc.property(xmlMutation(F24, ['Event', 'Q', 'Game', 'Games']), (xml) => {
        seen[outcome(() => parseOptaF24(xml, { f7: F7 }))]++
      }),
      { numRuns: 1500, seed: 20240601 },
    )
    expect(seen.rejected).toBeGreaterThan(300)
    expect(seen.ok).toBeGreaterThan(100)
  })

  it('a renamed element is refused, never skipped (F24 and MA3 XML, 400 cases)', () => {
    const cases = (text: string, tags: string) => {
      const opens = positions(text, new RegExp(`<(${tags})[\\s/>]`, 'g'))
      return fc
        .tuple(
          fc.integer({ min: 0, max: opens.length - 1 }),
          fc.constantFrom('X', 'Events', 'q', 'Event', 'Q'),
        )
        .map(([i, tag]) => {
          const [a, b] = opens[i]!
          const from = text.slice(a + 1, b - 1)
          return tag === from ? null : `${text.slice(0, a)}<${tag}${text.slice(b - 1)}`
        })
    }
    fc.assert(
      fc.property(cases(F24, 'Event|Q'), (xml) => {
        if (xml !== null) expect(outcome(() => parseOptaF24(xml))).toBe('rejected')
      }),
      { numRuns: 200, seed: 20240607 },
    )
    fc.assert(
      fc.property(cases(MA3_XML, 'event|qualifier'), (xml) => {
        if (xml !== null) expect(outcome(() => parseStatsPerformMA3(xml))).toBe('rejected')
      }),
      { numRuns: 200, seed: 20240608 },
    )
  })

  it('F7 text mutations (300 cases)', () => {
    fc.assert(
      fc.property(
        xmlMutation(F7, ['Team', 'Player', 'TeamData', 'SoccerDocument', 'Known', 'First', 'Last']),
        (f7) => {
          outcome(() => parseOptaF24(F24, { f7 }))
        },
      ),
      { numRuns: 300, seed: 20240602 },
    )
  })

  it('MA3 JSON text mutations (700 cases)', () => {
    const tokens = positions(MA3, /"[^"]*"|-?\d+(\.\d+)?/g)
    const at = fc.integer({ min: 0, max: tokens.length - 1 }).map((i) => tokens[i]!)
    const mutation = fc.oneof(
      fc.integer({ min: 0, max: MA3.length }).map((n) => MA3.slice(0, n)),
      fc.tuple(at, garbage).map(([[a, b], v]) => MA3.slice(0, a) + JSON.stringify(v) + MA3.slice(b)),
      fc.tuple(at, garbage).map(([[a, b], v]) => MA3.slice(0, a) + v + MA3.slice(b)),
      at.map(([a, b]) => MA3.slice(0, a) + MA3.slice(b)),
    )
    fc.assert(
      fc.property(mutation, (json) => {
        outcome(() => parseStatsPerformMA3(json, { ma1: MA1 }))
      }),
      { numRuns: 700, seed: 20240603 },
    )
  })

  it('MA3 object mutations (700 cases)', () => {
    const seen = { ok: 0, rejected: 0 }
    fc.assert(
      fc.property(ma3Mutation, (body) => {
        seen[outcome(() => parseStatsPerformMA3(body))]++
      }),
      { numRuns: 700, seed: 20240604 },
    )
    expect(seen.rejected).toBeGreaterThan(100)
    expect(seen.ok).toBeGreaterThan(50)
  })

  it('MA3 XML text mutations (500 cases)', () => {
    fc.assert(
      fc.property(
        xmlMutation(MA3_XML, ['event', 'qualifier', 'events', 'liveData', 'matchEvents']),
        (xml) => {
          outcome(() => parseStatsPerformMA3(xml))
        },
      ),
      { numRuns: 500, seed: 20240605 },
    )
  })

  it('random bytes (300 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        outcome(() => parseOptaF24(bytes))
        outcome(() => parseStatsPerformMA3(bytes))
      }),
      { numRuns: 300, seed: 20240606 },
    )
  })
})
