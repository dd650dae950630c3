import { coarseDeadlines } from '../time.js'

/** @internal Races work against per-request deadlines, all on one coarse ticker (`coarseDeadlines`). */
export function createLateTimer(windowMs: number) {
  const deadlines = coarseDeadlines(windowMs)
  return {
    /** The work's result, or undefined when it is not ready by `deadline` (the work goes on). */
    within<T>(deadline: number, work: Promise<T>): Promise<T | undefined> {
      return new Promise<T | undefined>((resolve, reject) => {
        const cancel = deadlines.add(deadline, () => resolve(undefined))
        work.then(
          (value) => {
            cancel()
            resolve(value)
          },
          (error: unknown) => {
            cancel()
            reject(error)
          },
        )
      })
    },
  }
}
