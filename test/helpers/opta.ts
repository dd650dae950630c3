import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { toCanonicalX, toCanonicalY } from '../../src/pitch/index.js'
import { OPTA_GOAL_MOUTH_Z_TO_METRES, parseOptaF24 } from '../../src/providers/opta/index.js'

export const fixture = (name: string) => readFileSync(new URL(`../fixtures/opta/${name}`, import.meta.url))
export const F24 = fixture('f24-small.xml').toString('utf8')
export const F7 = fixture('f7-small.xml')
export const MA3 = fixture('ma3-small.json').toString('utf8')
export const MA3_XML = fixture('ma3-small.xml').toString('utf8')
export const MA1 = fixture('ma1-small.json')
export const X = (v: number) => toCanonicalX('opta', v)
export const Y = (v: number) => toCanonicalY('opta', v)
export const Z = (v: number) => v * OPTA_GOAL_MOUTH_Z_TO_METRES

export const byId = (events: MatchEvent[]) => new Map(events.map((e) => [e.providerEventId, e]))
export const f24Events = parseOptaF24(F24, { f7: F7 })
export const f24 = byId(f24Events)
export const ev = (id: string) => {
  const e = f24.get(id)
  if (e === undefined) throw new Error(`no event ${id}`)
  return e
}

/** The ProviderPayloadError `fn` throws (fails the test when it throws anything else, or nothing). */
export function payloadError(fn: () => unknown): ProviderPayloadError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderPayloadError)
    return error as ProviderPayloadError
  }
  throw new Error('expected a ProviderPayloadError, nothing was thrown')
}
