// matchfeed's one coordinate frame: metres on a 105 x 68 pitch, origin at the bottom-left corner,
// y growing upwards, the acting team attacking towards x = 105 (kloppy's ACTION_EXECUTING_TEAM).
export const PITCH_LENGTH = 105
export const PITCH_WIDTH = 68
