import { invalidOption } from '../errors.js'
import { PITCH_LENGTH, PITCH_WIDTH } from './canonical.js'
import { breakpointsX, breakpointsY, IFAB_MARKINGS, OPTA_MARKINGS, STATSBOMB_MARKINGS } from './markings.js'

/**
 * Coordinate systems matchfeed converts to and from its canonical frame (metres on 105 x 68, origin
 * bottom-left, y up):
 * - `statsbomb`: 120 x 80, origin top-left, y down (cell-centred values, see `statsBombCellCentre`);
 * - `opta`: 0..100 on both axes, origin bottom-left, y up;
 * - `normalized`: 0..1 on both axes, origin bottom-left, y up;
 * - `kloppy`: kloppy's default output, 0..1, origin top-left, y down.
 */
export type PitchSystem = 'statsbomb' | 'opta' | 'normalized' | 'kloppy'

export const PITCH_SYSTEMS: readonly PitchSystem[] = Object.freeze([
  'statsbomb',
  'opta',
  'normalized',
  'kloppy',
])

export interface PitchPoint {
  x: number
  y: number
}

/** A piecewise-linear map: `from` ascending, `to` the matching breakpoints (descending when an axis flips). */
interface Segments {
  readonly from: Float64Array
  readonly to: Float64Array
  readonly slope: Float64Array // slope[i]: the zone from breakpoint i to i + 1
  readonly outside: number // the whole pitch's ratio, used beyond the goal lines / touchlines
}

function segments(from: readonly number[], to: readonly number[]): Segments {
  const last = from.length - 1
  const slope = new Float64Array(last)
  for (let i = 0; i < last; i++) {
    // Same expression as kloppy's zone scale, so in-zone values reproduce its floats.
    slope[i] = (to[i + 1]! - to[i]!) / (from[i + 1]! - from[i]!)
  }
  const outside = (to[last]! - to[0]!) / (from[last]! - from[0]!)
  return { from: Float64Array.from(from), to: Float64Array.from(to), slope, outside }
}

// Anchored at the zone's lower breakpoint (as kloppy does), so every breakpoint maps exactly onto its
// counterpart. Off the pitch there are no markings: kloppy scales by the whole pitch's ratio from the
// nearest goal line or touchline (no clamping), and so do we, to stay within its conformance tolerance.
function interpolate(s: Segments, v: number): number {
  if (!Number.isFinite(v)) return Number.NaN
  const { from, to, slope } = s
  const last = from.length - 1
  if (v < from[0]!) return to[0]! + (v - from[0]!) * s.outside
  if (v >= from[last]!) return to[last]! + (v - from[last]!) * s.outside
  let i = 0
  while (i < last - 1 && from[i + 1]! <= v) i++
  return to[i]! + (v - from[i]!) * slope[i]!
}

interface Axis {
  readonly toCanonical: Segments
  readonly fromCanonical: Segments
}

function axis(system: readonly number[], canonical: readonly number[], flipped: boolean): Axis {
  // The breakpoint lists are symmetric, so a flipped axis pairs one list with the other reversed: no
  // `width - y` subtraction, and the markings still map exactly.
  const canonicalPaired = flipped ? [...canonical].reverse() : canonical
  const systemPaired = flipped ? [...system].reverse() : system
  return { toCanonical: segments(system, canonicalPaired), fromCanonical: segments(canonical, systemPaired) }
}

// Built once at module load: the X/Y functions below only read these.
const CANONICAL_X = breakpointsX(IFAB_MARKINGS)
const CANONICAL_Y = breakpointsY(IFAB_MARKINGS)
const STATSBOMB_X = axis(breakpointsX(STATSBOMB_MARKINGS), CANONICAL_X, false)
const STATSBOMB_Y = axis(breakpointsY(STATSBOMB_MARKINGS), CANONICAL_Y, true)
const OPTA_X = axis(breakpointsX(OPTA_MARKINGS), CANONICAL_X, false)
const OPTA_Y = axis(breakpointsY(OPTA_MARKINGS), CANONICAL_Y, false)

function finite(v: number): number {
  return Number.isFinite(v) ? v : Number.NaN
}

function unknownSystem(system: never, owner: string): never {
  throw invalidOption(
    owner,
    'system',
    `unknown pitch system "${String(system)}" (expected ${PITCH_SYSTEMS.join(', ')})`,
  )
}

export function toCanonicalX(system: PitchSystem, x: number): number {
  switch (system) {
    case 'statsbomb':
      return interpolate(STATSBOMB_X.toCanonical, x)
    case 'opta':
      return interpolate(OPTA_X.toCanonical, x)
    case 'normalized':
    case 'kloppy':
      return finite(x * PITCH_LENGTH)
    default:
      return unknownSystem(system, 'toCanonicalX')
  }
}

export function toCanonicalY(system: PitchSystem, y: number): number {
  switch (system) {
    case 'statsbomb':
      return interpolate(STATSBOMB_Y.toCanonical, y)
    case 'opta':
      return interpolate(OPTA_Y.toCanonical, y)
    case 'normalized':
      return finite(y * PITCH_WIDTH)
    case 'kloppy':
      return finite((1 - y) * PITCH_WIDTH)
    default:
      return unknownSystem(system, 'toCanonicalY')
  }
}

export function fromCanonicalX(system: PitchSystem, x: number): number {
  switch (system) {
    case 'statsbomb':
      return interpolate(STATSBOMB_X.fromCanonical, x)
    case 'opta':
      return interpolate(OPTA_X.fromCanonical, x)
    case 'normalized':
    case 'kloppy':
      // A division, not a multiplication by 1/105: that is what reproduces kloppy's floats.
      return finite(x / PITCH_LENGTH)
    default:
      return unknownSystem(system, 'fromCanonicalX')
  }
}

export function fromCanonicalY(system: PitchSystem, y: number): number {
  switch (system) {
    case 'statsbomb':
      return interpolate(STATSBOMB_Y.fromCanonical, y)
    case 'opta':
      return interpolate(OPTA_Y.fromCanonical, y)
    case 'normalized':
      return finite(y / PITCH_WIDTH)
    case 'kloppy':
      // (68 - y) / 68 rather than 1 - y / 68: the subtraction is exact on the upper half and this is the
      // form that reproduces kloppy's published floats to the last digit.
      return finite((PITCH_WIDTH - y) / PITCH_WIDTH)
    default:
      return unknownSystem(system, 'fromCanonicalY')
  }
}

export function toCanonical(system: PitchSystem, point: Readonly<PitchPoint>): PitchPoint {
  return { x: toCanonicalX(system, point.x), y: toCanonicalY(system, point.y) }
}

export function fromCanonical(system: PitchSystem, point: Readonly<PitchPoint>): PitchPoint {
  return { x: fromCanonicalX(system, point.x), y: fromCanonicalY(system, point.y) }
}

/** Provider pitch to provider pitch, through the canonical frame (zone by zone on both sides). */
export function convertPoint(from: PitchSystem, to: PitchSystem, point: Readonly<PitchPoint>): PitchPoint {
  // Same system: a copy, without the last-digit noise of a round trip (unknown names fall through and throw).
  if (from === to && PITCH_SYSTEMS.includes(from)) return { x: finite(point.x), y: finite(point.y) }
  return {
    x: fromCanonicalX(to, toCanonicalX(from, point.x)),
    y: fromCanonicalY(to, toCanonicalY(from, point.y)),
  }
}

/**
 * StatsBomb locations are cells, not points: kloppy moves them to the cell centre before mapping.
 * `v1` files have 1-unit cells (subtract 0.5), `v2` (high-fidelity) files 0.1-unit cells (subtract 0.05).
 * A file is v2 when any Pass/Carry/Dribble or Shot location is not a whole number.
 */
export function statsBombCellCentre(value: number, fidelity: 'v1' | 'v2'): number {
  return value - (fidelity === 'v2' ? 0.05 : 0.5)
}
