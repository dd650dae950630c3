import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { orientHomeAttacksRight } from '../../src/pitch/index.js'

describe('orientHomeAttacksRight', () => {
  it('mirrors away events, start and end', () => {
    const away = { id: 'a', team: { id: 't2', side: 'away' as const }, x: 94, y: 30, endX: 105, endY: 38 }
    const copy = structuredClone(away)
    const out = orientHomeAttacksRight(away)
    expect(out).toEqual({ id: 'a', team: { id: 't2', side: 'away' }, x: 11, y: 38, endX: 0, endY: 30 })
    expect(out).not.toBe(away)
    expect(away).toEqual(copy)
  })

  it('mirrors only the coordinates an away event has', () => {
    const out = orientHomeAttacksRight({ team: { side: 'away' as const }, x: 100, y: 60 })
    expect(out).toEqual({ team: { side: 'away' }, x: 5, y: 8 })
    expect('endX' in out).toBe(false)
  })

  it('returns home events, events without a side and away events without coordinates unchanged', () => {
    const home = { team: { side: 'home' as const }, x: 10, y: 20, endX: 30, endY: 40 }
    const noSide: { team: { id: string; side?: 'home' | 'away' }; x: number; y: number } = {
      team: { id: 't1' },
      x: 10,
      y: 20,
    }
    const noTeam = { x: 10, y: 20 }
    const noCoordinates = { team: { side: 'away' as const }, type: 'card' }
    expect(orientHomeAttacksRight(home)).toBe(home)
    expect(orientHomeAttacksRight(noSide)).toBe(noSide)
    expect(orientHomeAttacksRight(noTeam)).toBe(noTeam)
    expect(orientHomeAttacksRight(noCoordinates)).toBe(noCoordinates)
    expect(home).toEqual({ team: { side: 'home' }, x: 10, y: 20, endX: 30, endY: 40 })
  })

  it('is its own inverse for away events', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 105, noNaN: true }),
        fc.double({ min: 0, max: 68, noNaN: true }),
        (x, y) => {
          const e = { team: { side: 'away' as const }, x, y }
          const twice = orientHomeAttacksRight(orientHomeAttacksRight(e))
          return Math.abs(twice.x - x) < 1e-12 && Math.abs(twice.y - y) < 1e-12
        },
      ),
    )
  })
})
