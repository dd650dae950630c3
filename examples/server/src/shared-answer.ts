// One question at a time to a backend, its answer shared: the probes that every open page and orchestrator poll.

/**
 * `ask`, called one at a time: every caller shares its answer while it runs and for `reuseMs` once it resolved
 * (on the monotonic clock). A rejection is not reused: the next call asks again.
 */
export function sharedAnswer<T>(reuseMs: number, ask: () => Promise<T>): () => Promise<T> {
  let last: { answer: Promise<T>; resolvedAt: number | undefined } | undefined
  return () => {
    const resolvedAt = last?.resolvedAt
    if (last === undefined || (resolvedAt !== undefined && performance.now() - resolvedAt > reuseMs)) {
      const current: NonNullable<typeof last> = { answer: ask(), resolvedAt: undefined }
      current.answer.then(
        () => {
          current.resolvedAt = performance.now()
        },
        () => {
          if (last === current) last = undefined
        },
      )
      last = current
    }
    return last.answer
  }
}
