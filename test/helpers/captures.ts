// The checks the headline providers' real-capture suites (../shared/fixtures/api-football, football-data)
// share: each file in the folder has an expectation, and gives it.
import { expect, it } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { type MatchEvent, MatchEventSchema } from '../../src/event/schema.js'

/** What each real file gives: a number of events, or the field a typed error names. */
export type CaptureExpectations = Record<string, number | string>

/**
 * Two tests: every file in the folder has an expectation; each file gives that many valid events with
 * unique ids and no warning, or a ProviderPayloadError of `provider` naming the expected field, its
 * reason checked by `expectReason`.
 */
export function itParsesEveryCapture<W>(args: {
  provider: string
  files: string[]
  expected: CaptureExpectations
  parse: (file: string, warnings?: W[]) => MatchEvent[]
  expectReason: (reason: string) => void
}): void {
  const { files, parse } = args
  it('has an expectation for every file in the folder', () => {
    expect(files).toEqual(Object.keys(args.expected).sort())
  })

  it.each(files)('%s gives events or a typed error naming the reason', (file) => {
    const expected = args.expected[file]
    if (typeof expected === 'number') {
      const warnings: W[] = []
      const events = parse(file, warnings)
      expect(events).toHaveLength(expected)
      for (const event of events) expect(MatchEventSchema.safeParse(event).success).toBe(true)
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
      // Every type, detail and status in the real captures is known.
      expect(warnings).toEqual([])
      return
    }
    let error: unknown
    try {
      parse(file)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ProviderPayloadError)
    expect(error).toMatchObject({ provider: args.provider, field: expected, code: 'invalid_payload' })
    args.expectReason((error as ProviderPayloadError).reason)
  })
}

/** The score a consumer builds from the stream: latest version of each id, deleted ones dropped. */
export function streamScore(events: MatchEvent[]): { home: number; away: number } {
  const score = { home: 0, away: 0 }
  for (const e of events) {
    if (e.deleted || e.type !== 'shot' || e.period === 5 || !e.team?.side) continue
    if (e.result === 'goal') score[e.team.side]++
    if (e.result === 'own_goal') score[e.team.side === 'home' ? 'away' : 'home']++
  }
  return score
}
