import { MatchfeedError } from '../../errors.js'
import { deliver } from './consumer-delivery.js'
import type { ConsumerState } from './consumer-state.js'
import { autoclaimReply, deliveryCounts } from './stream-replies.js'

/** Pages of XAUTOCLAIM per stream per pass: the rest waits for the next pass, so reading goes on meanwhile. */
const MAX_CLAIM_PAGES = 10

/** Takes over, on every stream, the entries idle for `claimIdleMs` (from any consumer, this one included). */
export async function claimIdle(c: ConsumerState): Promise<void> {
  c.lastClaim = Date.now()
  const list = [...c.streams]
  const firsts = await Promise.all(list.map((s) => autoclaim(c, s, '0-0'))) // one round trip for all streams
  for (let i = 0; i < list.length && c.running; i++) await claimStream(c, list[i]!, firsts[i]!)
}

/** A held stream is read again once this consumer has nothing pending on it. */
export async function releaseHeld(c: ConsumerState): Promise<void> {
  const { group, consumer } = c.settings
  const list = [...c.held]
  const replies = await Promise.all(
    list.map(
      (s) => c.send(['XPENDING', s, group, '-', '+', '1', consumer], 'XPENDING') as Promise<unknown[]>,
    ),
  )
  list.forEach((s, i) => {
    if (replies[i]!.length === 0) c.held.delete(s)
  })
}

function autoclaim(c: ConsumerState, stream: string, cursor: string): Promise<unknown> {
  const { group, consumer, claimIdleMs, count } = c.settings
  return c.send(
    ['XAUTOCLAIM', stream, group, consumer, String(claimIdleMs), cursor, 'COUNT', count],
    'XAUTOCLAIM',
  )
}

async function claimStream(c: ConsumerState, stream: string, firstReply: unknown): Promise<void> {
  let reply = firstReply
  for (let page = 0; c.running; page++) {
    const { cursor, entries, trimmed } = autoclaimReply(reply)
    if (trimmed > 0) {
      c.stats.trimmed += trimmed
      c.report(
        new MatchfeedError(
          `${trimmed} pending entries of ${stream} were trimmed before anyone acknowledged them`,
          { code: 'entries_trimmed' },
        ),
      )
    }
    if (entries.length > 0) {
      c.stats.claimed += entries.length
      // The delivery count of each claimed entry (XAUTOCLAIM has just raised it), one exact query each.
      const { group, consumer } = c.settings
      const pending = await Promise.all(
        entries.map((e) => c.send(['XPENDING', stream, group, e.id, e.id, '1', consumer], 'XPENDING')),
      )
      await deliver(c, stream, entries, deliveryCounts(pending))
    }
    if (cursor === '0-0' || page >= MAX_CLAIM_PAGES - 1) return
    reply = await autoclaim(c, stream, cursor)
  }
}
