import { describe, expectTypeOf, it } from 'vitest'
import type { MatchEvent, MatchEventOf, ResultOf } from '../../src/index.js'
import { makeEvent } from '../helpers/events.js'

// MatchEvent is discriminated on `type`: TypeScript narrows `result` (and rejects a result of another type).
describe('MatchEvent narrows on type', () => {
  it('gives each type its own results', () => {
    const e: MatchEvent = makeEvent({ type: 'shot', result: 'goal' })
    if (e.type === 'shot') {
      expectTypeOf(e.result).toEqualTypeOf<
        'goal' | 'own_goal' | 'saved' | 'blocked' | 'off_target' | 'post' | null
      >()
      // @ts-expect-error 'complete' is a pass result, not a shot result
      const wrong: typeof e.result = 'complete'
      void wrong
    }
    if (e.type === 'card') expectTypeOf(e.result).toEqualTypeOf<null>()
    expectTypeOf<ResultOf<'pass'>>().toEqualTypeOf<'complete' | 'incomplete' | 'out' | 'offside'>()
    expectTypeOf<MatchEventOf<'pass'>['type']>().toEqualTypeOf<'pass'>()
  })
})
