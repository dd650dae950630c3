import { PITCH_LENGTH, PITCH_WIDTH } from './canonical.js'

/**
 * The pitch markings the zone-aware mapping pins together, in a pitch's own units (kloppy's
 * `PitchDimensions`). Provider pitches are "standardised": their markings are not IFAB's scaled down,
 * so a plain division would put a penalty-spot shot off the spot.
 */
export interface PitchMarkings {
  readonly length: number
  readonly width: number
  readonly goalWidth: number
  readonly sixYardWidth: number
  readonly sixYardLength: number
  readonly penaltyAreaWidth: number
  readonly penaltyAreaLength: number
  readonly circleRadius: number
  readonly penaltySpotDistance: number
  readonly penaltyArcRadius: number
}

/** IFAB, in metres, on matchfeed's 105 x 68 pitch. */
export const IFAB_MARKINGS: PitchMarkings = {
  length: PITCH_LENGTH,
  width: PITCH_WIDTH,
  goalWidth: 7.32,
  sixYardWidth: 18.32,
  sixYardLength: 5.5,
  penaltyAreaWidth: 40.32,
  penaltyAreaLength: 16.5,
  circleRadius: 9.15,
  penaltySpotDistance: 11,
  penaltyArcRadius: 9.15,
}

/** StatsBomb's 120 x 80 pitch (yards). */
export const STATSBOMB_MARKINGS: PitchMarkings = {
  length: 120,
  width: 80,
  goalWidth: 8,
  sixYardWidth: 20,
  sixYardLength: 6,
  penaltyAreaWidth: 44,
  penaltyAreaLength: 18,
  circleRadius: 10,
  penaltySpotDistance: 12,
  penaltyArcRadius: 10,
}

/** Opta / Stats Perform's 100 x 100 pitch (kloppy's `OptaPitchDimensions`). */
export const OPTA_MARKINGS: PitchMarkings = {
  length: 100,
  width: 100,
  goalWidth: 9.6,
  sixYardWidth: 26.4,
  sixYardLength: 5.8,
  penaltyAreaWidth: 57.8,
  penaltyAreaLength: 17,
  circleRadius: 9,
  penaltySpotDistance: 11.5,
  penaltyArcRadius: 8.9,
}

// One half's breakpoints plus their mirror images, ascending. Listing the far half explicitly (instead of
// kloppy's mirror-then-map) makes every marking of both halves a table entry, so it maps exactly.
function mirrored(half: readonly number[], length: number): number[] {
  const far = half.slice(0, -1).map((v) => length - v)
  return [...half, ...far.reverse()]
}

/** Along x: goal line, six-yard line, spot, box edge, top of the arc, centre circle, halfway, mirrored. */
export function breakpointsX(m: PitchMarkings): number[] {
  return mirrored(
    [
      0,
      m.sixYardLength,
      m.penaltySpotDistance,
      m.penaltyAreaLength,
      m.penaltySpotDistance + m.penaltyArcRadius,
      m.length / 2 - m.circleRadius,
      m.length / 2,
    ],
    m.length,
  )
}

/** Along y: touchline, box side, six-yard side, post, centre, mirrored. */
export function breakpointsY(m: PitchMarkings): number[] {
  return mirrored(
    [
      0,
      (m.width - m.penaltyAreaWidth) / 2,
      (m.width - m.sixYardWidth) / 2,
      (m.width - m.goalWidth) / 2,
      m.width / 2,
    ],
    m.width,
  )
}
