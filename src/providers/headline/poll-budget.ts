// Moved to ../polling/poll-budget.ts (issue #12). This re-export keeps src/testing/handlers.ts compiling
// until its import names the new path; delete it then.
export type { PlanLimits } from '../polling/poll-budget.js'
