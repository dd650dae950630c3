import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import {
  convertPoint,
  fromCanonical,
  fromCanonicalX,
  fromCanonicalY,
  PITCH_LENGTH,
  PITCH_SYSTEMS,
  PITCH_WIDTH,
  type PitchSystem,
  statsBombCellCentre,
  toCanonical,
  toCanonicalX,
  toCanonicalY,
} from '../../src/pitch/index.js'

// Marking sizes per pitch, written out from the table in kloppy-conventions.md (not imported from the
// implementation): IFAB metres, StatsBomb yards, Opta units.
interface Sizes {
  length: number
  width: number
  goal: number
  sixWidth: number
  sixLength: number
  boxWidth: number
  boxLength: number
  circle: number
  spot: number
  arc: number
}
const IFAB: Sizes = {
  length: 105,
  width: 68,
  goal: 7.32,
  sixWidth: 18.32,
  sixLength: 5.5,
  boxWidth: 40.32,
  boxLength: 16.5,
  circle: 9.15,
  spot: 11,
  arc: 9.15,
}
const PROVIDERS: Record<'statsbomb' | 'opta', Sizes> = {
  statsbomb: {
    length: 120,
    width: 80,
    goal: 8,
    sixWidth: 20,
    sixLength: 6,
    boxWidth: 44,
    boxLength: 18,
    circle: 10,
    spot: 12,
    arc: 10,
  },
  opta: {
    length: 100,
    width: 100,
    goal: 9.6,
    sixWidth: 26.4,
    sixLength: 5.8,
    boxWidth: 57.8,
    boxLength: 17,
    circle: 9,
    spot: 11.5,
    arc: 8.9,
  },
}
// Which axes run the other way from matchfeed's (y up): StatsBomb's and kloppy's y grow downwards.
const Y_DOWN: Record<PitchSystem, boolean> = { statsbomb: true, opta: false, normalized: false, kloppy: true }
const EXTENT: Record<PitchSystem, { x: number; y: number }> = {
  statsbomb: { x: 120, y: 80 },
  opta: { x: 100, y: 100 },
  normalized: { x: 1, y: 1 },
  kloppy: { x: 1, y: 1 },
}

// Distance of each marking from the near goal line (x) or the near touchline (y).
const X_MARKINGS: [string, (s: Sizes) => number][] = [
  ['goal line', () => 0],
  ['six-yard line', (s) => s.sixLength],
  ['penalty spot', (s) => s.spot],
  ['box edge', (s) => s.boxLength],
  ['top of the arc', (s) => s.spot + s.arc],
  ['centre circle', (s) => s.length / 2 - s.circle],
  ['halfway', (s) => s.length / 2],
]
const Y_MARKINGS: [string, (s: Sizes) => number][] = [
  ['touchline', () => 0],
  ['box side', (s) => (s.width - s.boxWidth) / 2],
  ['six-yard side', (s) => (s.width - s.sixWidth) / 2],
  ['post', (s) => (s.width - s.goal) / 2],
  ['centre', (s) => s.width / 2],
]

// Both ends of the pitch: [name, value in the provider's units, canonical metres].
function xMarks(s: Sizes): [string, number, number][] {
  return X_MARKINGS.flatMap(([name, at]): [string, number, number][] => [
    [`${name} (near)`, at(s), at(IFAB)],
    [`${name} (far)`, s.length - at(s), IFAB.length - at(IFAB)],
  ])
}
function yMarks(s: Sizes, down: boolean): [string, number, number][] {
  return Y_MARKINGS.flatMap(([name, at]): [string, number, number][] => {
    const low = at(IFAB)
    const high = IFAB.width - at(IFAB)
    return [
      [`${name} (first)`, at(s), down ? high : low],
      [`${name} (second)`, s.width - at(s), down ? low : high],
    ]
  })
}

const grid = (from: number, to: number, steps: number): number[] =>
  Array.from({ length: steps + 1 }, (_, i) => from + ((to - from) * i) / steps)

describe('pitch markings land on themselves', () => {
  for (const [system, sizes] of Object.entries(PROVIDERS) as ['statsbomb' | 'opta', Sizes][]) {
    describe(system, () => {
      it.each(xMarks(sizes))('x: %s (%s) -> %s m, and back', (_, value, metres) => {
        expect(toCanonicalX(system, value)).toBe(metres)
        expect(fromCanonicalX(system, metres)).toBe(value)
      })
      it.each(yMarks(sizes, Y_DOWN[system]))('y: %s (%s) -> %s m, and back', (_, value, metres) => {
        expect(toCanonicalY(system, value)).toBe(metres)
        expect(fromCanonicalY(system, metres)).toBe(value)
      })
    })
  }

  it.each([
    ['statsbomb', 108, 40, 94, 34],
    ['statsbomb', 12, 40, 11, 34],
    ['statsbomb', 60, 40, 52.5, 34],
    ['statsbomb', 120, 36, 105, 37.66],
    ['statsbomb', 102, 62, 88.5, 13.84],
    ['statsbomb', 0, 0, 0, 68],
    ['opta', 88.5, 50, 94, 34],
    ['opta', 11.5, 54.8, 11, 37.66],
    ['opta', 100, 21.1, 105, 13.84],
    ['opta', 83, 100, 88.5, 68],
  ] as const)('%s (%s, %s) -> canonical (%s, %s)', (system, x, y, cx, cy) => {
    expect(toCanonical(system, { x, y })).toEqual({ x: cx, y: cy })
  })

  it('the penalty spot is the same point from every provider', () => {
    const spot = { x: 94, y: 34 }
    expect(convertPoint('statsbomb', 'opta', { x: 108, y: 40 })).toEqual({ x: 88.5, y: 50 })
    expect(convertPoint('opta', 'statsbomb', { x: 88.5, y: 50 })).toEqual({ x: 108, y: 40 })
    expect(fromCanonical('statsbomb', spot)).toEqual({ x: 108, y: 40 })
    expect(fromCanonical('opta', spot)).toEqual({ x: 88.5, y: 50 })
  })

  it('normalized and kloppy scale the canonical frame (kloppy with y downwards)', () => {
    for (const [, , metres] of xMarks(IFAB)) {
      expect(fromCanonicalX('normalized', metres)).toBe(metres / 105)
      expect(fromCanonicalX('kloppy', metres)).toBe(metres / 105)
      expect(toCanonicalX('normalized', metres / 105)).toBeCloseTo(metres, 12)
      expect(toCanonicalX('kloppy', metres / 105)).toBeCloseTo(metres, 12)
    }
    for (const [, , metres] of yMarks(IFAB, false)) {
      expect(fromCanonicalY('normalized', metres)).toBe(metres / 68)
      expect(fromCanonicalY('kloppy', metres)).toBeCloseTo(1 - metres / 68, 15)
      expect(toCanonicalY('normalized', metres / 68)).toBeCloseTo(metres, 12)
      expect(toCanonicalY('kloppy', 1 - metres / 68)).toBeCloseTo(metres, 12)
    }
    expect(toCanonical('kloppy', { x: 0, y: 0 })).toEqual({ x: 0, y: 68 })
    expect(toCanonical('kloppy', { x: 1, y: 1 })).toEqual({ x: 105, y: 0 })
    expect(toCanonical('normalized', { x: 0.5, y: 0.5 })).toEqual({ x: 52.5, y: 34 })
  })

  it('exports the canonical pitch size', () => {
    expect([PITCH_LENGTH, PITCH_WIDTH]).toEqual([105, 68])
    expect(PITCH_SYSTEMS).toEqual(['statsbomb', 'opta', 'normalized', 'kloppy'])
  })
})

describe("kloppy's floats, reproduced", () => {
  it('StatsBomb (59.95, 39.95) -> kloppy', () => {
    expect(convertPoint('statsbomb', 'kloppy', { x: 59.95, y: 39.95 })).toEqual({
      x: 0.49956428571428574,
      y: 0.49932720588235296,
    })
    // A naive /120, /80 would be off in the fourth digit.
    expect(convertPoint('statsbomb', 'kloppy', { x: 59.95, y: 39.95 }).x).not.toBeCloseTo(59.95 / 120, 6)
  })

  it('Opta (50.1, 49.4) -> kloppy, y flipped', () => {
    expect(convertPoint('opta', 'kloppy', { x: 50.1, y: 49.4 })).toEqual({
      x: 0.500968253968254,
      y: 0.5067279411764707,
    })
  })

  it('StatsBomb end_location [86.0, 73.0], fidelity v1 -> kloppy', () => {
    const cell = { x: statsBombCellCentre(86, 'v1'), y: statsBombCellCentre(73, 'v1') }
    expect(cell).toEqual({ x: 85.5, y: 72.5 })
    const k = convertPoint('statsbomb', 'kloppy', cell)
    expect(Math.abs(k.x / 0.709455782312925 - 1)).toBeLessThan(1e-12)
    expect(Math.abs(k.y / 0.9151960784313725 - 1)).toBeLessThan(1e-12)
  })

  it('the same values through the canonical frame', () => {
    const metres = toCanonical('statsbomb', { x: 59.95, y: 39.95 })
    const k = fromCanonical('kloppy', metres)
    expect(Math.abs(k.x - 0.49956428571428574)).toBeLessThanOrEqual(1e-15)
    expect(Math.abs(k.y - 0.49932720588235296)).toBeLessThanOrEqual(1e-15)
    // And the DESIGN.md reading of kloppy's output: (x * 105, (1 - y) * 68).
    expect(toCanonical('kloppy', k).x).toBeCloseTo(metres.x, 12)
    expect(toCanonical('kloppy', k).y).toBeCloseTo(metres.y, 12)
  })
})

describe('statsBombCellCentre', () => {
  it('moves raw locations to the cell centre', () => {
    expect(statsBombCellCentre(61, 'v1')).toBe(60.5)
    expect(statsBombCellCentre(41, 'v1')).toBe(40.5)
    expect(statsBombCellCentre(60, 'v2')).toBeCloseTo(59.95, 12)
    expect(statsBombCellCentre(40.1, 'v2')).toBeCloseTo(40.05, 12)
  })
})

describe('round trips', () => {
  const canonicalGrid = grid(-10, 115, 250).flatMap((x) => grid(-10, 78, 176).map((y) => ({ x, y })))

  it.each(PITCH_SYSTEMS)('canonical -> %s -> canonical over a grid (1e-9)', (system) => {
    let worst = 0
    for (const p of canonicalGrid) {
      const back = toCanonical(system, fromCanonical(system, p))
      worst = Math.max(worst, Math.abs(back.x - p.x), Math.abs(back.y - p.y))
    }
    expect(worst).toBeLessThan(1e-9)
  })

  it.each(PITCH_SYSTEMS)('canonical -> %s -> canonical for random points (1e-9)', (system) => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 155, noNaN: true }),
        fc.double({ min: -50, max: 118, noNaN: true }),
        (x, y) => {
          const back = toCanonical(system, fromCanonical(system, { x, y }))
          return Math.abs(back.x - x) < 1e-9 && Math.abs(back.y - y) < 1e-9
        },
      ),
      { numRuns: 2000 },
    )
  })

  it.each(PITCH_SYSTEMS)('%s -> canonical -> %s for random points (1e-9)', (system) => {
    const { x: lx, y: ly } = EXTENT[system]
    fc.assert(
      fc.property(
        fc.double({ min: -0.5 * lx, max: 1.5 * lx, noNaN: true }),
        fc.double({ min: -0.5 * ly, max: 1.5 * ly, noNaN: true }),
        (x, y) => {
          const back = fromCanonical(system, toCanonical(system, { x, y }))
          return Math.abs(back.x - x) < 1e-9 && Math.abs(back.y - y) < 1e-9
        },
      ),
      { numRuns: 2000 },
    )
  })

  const pairs = PITCH_SYSTEMS.flatMap((a) => PITCH_SYSTEMS.map((b): [PitchSystem, PitchSystem] => [a, b]))

  it.each(pairs)('convertPoint %s -> %s -> back, and through the canonical frame', (a, b) => {
    const { x: lx, y: ly } = EXTENT[a]
    fc.assert(
      fc.property(
        fc.double({ min: -0.2 * lx, max: 1.2 * lx, noNaN: true }),
        fc.double({ min: -0.2 * ly, max: 1.2 * ly, noNaN: true }),
        (x, y) => {
          const there = convertPoint(a, b, { x, y })
          const back = convertPoint(b, a, there)
          const viaCanonical = fromCanonical(b, toCanonical(a, { x, y }))
          return (
            Math.abs(back.x - x) < 1e-9 &&
            Math.abs(back.y - y) < 1e-9 &&
            Math.abs(there.x - viaCanonical.x) < 1e-12 &&
            Math.abs(there.y - viaCanonical.y) < 1e-12
          )
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('monotonicity', () => {
  type Fn = (system: PitchSystem, v: number) => number
  const cases: [string, Fn, 'x' | 'y', boolean][] = [
    ['toCanonicalX', toCanonicalX, 'x', false],
    ['fromCanonicalX', fromCanonicalX, 'x', true],
    ['toCanonicalY', toCanonicalY, 'y', false],
    ['fromCanonicalY', fromCanonicalY, 'y', true],
  ]
  const rows = PITCH_SYSTEMS.flatMap((system) =>
    cases.map(([name, fn, axis, fromCanon]) => [name, system, fn, axis, fromCanon] as const),
  )

  it.each(rows)(
    '%s(%s) is strictly monotonic across the pitch and beyond',
    (_, system, fn, axis, fromCanon) => {
      const span = fromCanon ? (axis === 'x' ? 105 : 68) : EXTENT[system][axis]
      const sign = axis === 'y' && Y_DOWN[system] ? -1 : 1
      const values = grid(-0.25 * span, 1.25 * span, 20_000)
      const outputs = values.map((v) => fn(system, v))
      const notIncreasing = outputs.findIndex((out, i) => i > 0 && !(sign * (out - outputs[i - 1]!) > 0))
      expect(notIncreasing === -1 ? 'monotonic' : `breaks at ${values[notIncreasing]}`).toBe('monotonic')
      fc.assert(
        fc.property(
          fc.double({ min: -span, max: 2 * span, noNaN: true }),
          fc.double({ min: 1e-6 * span, max: span, noNaN: true }),
          (v, step) => sign * (fn(system, v + step) - fn(system, v)) > 0,
        ),
        { numRuns: 1000 },
      )
    },
  )
})

describe('edges', () => {
  it("extrapolates off the pitch with the whole pitch's ratio, as kloppy does (no clamping)", () => {
    // No markings out there: kloppy scales by length / length (105 / 120 for StatsBomb) from the goal line.
    expect(toCanonicalX('statsbomb', -6)).toBeCloseTo(-5.25, 12)
    expect(toCanonicalX('statsbomb', 126)).toBeCloseTo(110.25, 12)
    expect(fromCanonicalX('statsbomb', -5.25)).toBeCloseTo(-6, 12)
    expect(fromCanonicalX('statsbomb', 110.25)).toBeCloseTo(126, 12)
    // y flips for StatsBomb: 18 yd above its top touchline is 18 * 68 / 80 m above canonical y = 68.
    expect(toCanonicalY('statsbomb', -18)).toBeCloseTo(68 + 15.3, 12)
    expect(toCanonicalY('opta', 121.1)).toBeCloseTo(68 + 21.1 * 0.68, 12)
    expect(toCanonicalY('opta', -10)).toBeCloseTo(-6.8, 12)
    expect(toCanonicalX('kloppy', 1.1)).toBeCloseTo(115.5, 12)
    // A real case, from kloppy's reading of StatsBomb match 15946: a keeper event at raw [0.1, 41.1] (v1).
    const keeper = toCanonical('statsbomb', {
      x: statsBombCellCentre(0.1, 'v1'),
      y: statsBombCellCentre(41.1, 'v1'),
    })
    expect(keeper.x).toBeCloseTo(-0.35, 12)
    expect(keeper.y).toBeCloseTo(33.451, 12)
  })

  it.each(PITCH_SYSTEMS)('non-finite input gives NaN (%s)', (system) => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(toCanonicalX(system, v)).toBeNaN()
      expect(toCanonicalY(system, v)).toBeNaN()
      expect(fromCanonicalX(system, v)).toBeNaN()
      expect(fromCanonicalY(system, v)).toBeNaN()
      expect(convertPoint(system, system, { x: v, y: 1 }).x).toBeNaN()
    }
  })

  it('an unknown system is a typed error, not a silent undefined', () => {
    const bad = 'wyscout' as PitchSystem
    expect(() => toCanonicalX(bad, 1)).toThrow(MatchfeedError)
    expect(() => fromCanonicalY(bad, 1)).toThrow(/unknown pitch system "wyscout"/)
    expect(() => convertPoint(bad, bad, { x: 1, y: 1 })).toThrow(MatchfeedError)
  })

  it('convertPoint to the same system copies the point', () => {
    const p = { x: 59.95, y: 39.95 }
    const q = convertPoint('statsbomb', 'statsbomb', p)
    expect(q).toEqual(p)
    expect(q).not.toBe(p)
  })
})
