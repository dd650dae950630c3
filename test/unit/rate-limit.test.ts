import { describe, expect, it } from 'vitest'
import { parseRateLimit } from '../../src/http/index.js'

describe('parseRateLimit', () => {
  it('reads every Football-Data spelling', () => {
    for (const name of ['X-Requests-Available-Minute', 'X-RequestsAvailable', 'X-Requests-Available']) {
      expect(parseRateLimit(new Headers({ [name]: '9', 'X-RequestCounter-Reset': '60' }))).toEqual({
        minute: { remaining: 9, resetInMs: 60_000 },
        day: {},
      })
    }
  })
})
