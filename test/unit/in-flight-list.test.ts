import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InFlightList } from '../../src/in-flight-list.js'

describe('InFlightList', () => {
  it('holds what was added and not removed, in order of addition, whatever the order of removal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (keep, picks) => {
          const list = new InFlightList<number>()
          const removals = keep.map((_, i) => list.add(i))
          const model = new Set(keep.map((_, i) => i))
          // Removed in an arbitrary order, some twice: a second removal does nothing.
          for (const pick of picks) {
            if (removals.length === 0) break
            const i = pick % removals.length
            if (keep[i]) continue
            removals[i]!()
            model.delete(i)
          }
          expect([...list]).toEqual([...model].sort((a, b) => a - b))
          expect(list.size).toBe(model.size)
          expect(list.first()).toBe(model.size === 0 ? undefined : Math.min(...model))
        },
      ),
    )
  })

  it('skips a value removed during the iteration before its turn, and visits only what was there at the start', () => {
    const list = new InFlightList<string>()
    const removeB = list.add('b0')
    list.add('a')
    const removeC = list.add('c')
    list.add('d')
    removeB()
    const seen: string[] = []
    for (const value of list) {
      seen.push(value)
      if (value === 'a') {
        removeC() // ahead of the iteration: skipped
        list.add('e') // added meanwhile: not visited
      }
    }
    expect(seen).toEqual(['a', 'd'])
    expect([...list]).toEqual(['a', 'd', 'e'])
  })

  it('removing the value being visited, and then all the others, ends cleanly', () => {
    const list = new InFlightList<number>()
    const removals = [1, 2, 3].map((n) => list.add(n))
    const seen: number[] = []
    for (const value of list) {
      seen.push(value)
      for (const remove of removals) remove()
    }
    expect(seen).toEqual([1])
    expect(list.size).toBe(0)
    expect(list.first()).toBeUndefined()
    list.add(4)
    expect([...list]).toEqual([4])
  })
})
