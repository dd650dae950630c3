import type { LeaseStore } from '../../src/sinks/kinesis/index.js'

/**
 * A lease store as seen by one worker that can be "killed": from `kill()` on, every call hangs forever, as
 * for a process that is gone — no renewal, no checkpoint, no release reaches the store.
 */
export function killableStore(store: LeaseStore): { store: LeaseStore; kill(): void } {
  let dead = false
  const never = new Promise<never>(() => {})
  const wrapped = Object.fromEntries(
    Object.entries(store).map(([name, fn]) => [
      name,
      (...args: unknown[]) => (dead ? never : (fn as (...a: unknown[]) => unknown).apply(store, args)),
    ]),
  ) as unknown as LeaseStore
  return {
    store: wrapped,
    kill() {
      dead = true
    },
  }
}
