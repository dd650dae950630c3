import { MatchfeedError } from '../../errors.js'
import { settleWithin } from '../../time.js'

/**
 * A lease-store call that has not answered in `ms` counts as failed: a store that hangs (a blackholed
 * network, a client queueing commands while it reconnects) must not keep a worker from dropping its leases
 * in time. The call itself goes on; its late answer is ignored.
 */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return settleWithin(
    promise,
    ms,
    () =>
      new MatchfeedError(`lease store: ${what} got no answer within ${Math.round(ms)} ms`, {
        code: 'lease_store_timeout',
        retryable: true,
      }),
  )
}
