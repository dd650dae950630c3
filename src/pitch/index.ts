export { PITCH_LENGTH, PITCH_WIDTH } from './canonical.js'
export { type OrientableEvent, orientHomeAttacksRight } from './orientation.js'
export {
  convertPoint,
  fromCanonical,
  fromCanonicalX,
  fromCanonicalY,
  PITCH_SYSTEMS,
  type PitchPoint,
  type PitchSystem,
  statsBombCellCentre,
  toCanonical,
  toCanonicalX,
  toCanonicalY,
} from './transform.js'
