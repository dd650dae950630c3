import { describe, expect, it } from 'vitest'
import { PayloadTooLargeError } from '../../src/errors.js'
import { parseOptaF24, parseStatsPerformMA3, readOptaF7 } from '../../src/providers/opta/index.js'
import { F7, F24, MA1, MA3, MA3_XML, payloadError } from '../helpers/opta.js'

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
