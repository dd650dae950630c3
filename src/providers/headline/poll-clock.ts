// Moved to ../polling/poll-clock.ts (issue #12). This re-export keeps src/testing/virtual-clock.ts compiling
// until its import names the new path; delete it then.
export { type PollClock, systemClock } from '../polling/poll-clock.js'
