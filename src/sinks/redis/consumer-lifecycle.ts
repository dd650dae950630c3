import { MatchfeedError } from '../../errors.js'
import { redisError } from './client.js'
import { claimIdle, releaseHeld } from './consumer-claiming.js'
import { deliver } from './consumer-delivery.js'
import { discover, recoverMissingGroup } from './consumer-discovery.js'
import type { ConsumerState } from './consumer-state.js'
import { toEntries, toPairs } from './stream-replies.js'

/** Connects, creates the groups, opens the blocking connection and starts the loop. */
export async function startConsumer(c: ConsumerState): Promise<void> {
  if (c.phase !== 'idle') {
    throw new MatchfeedError(`the consumer is ${c.phase}`, { code: 'invalid_state' })
  }
  c.phase = 'starting'
  try {
    try {
      c.redis = await c.connection.get()
    } catch (error) {
      throw MatchfeedError.isInstance(error) ? error : redisError('connect', error)
    }
    await discover(c)
    try {
      c.blocking = await c.redis.duplicate()
    } catch (error) {
      throw redisError('connect', error)
    }
  } catch (error) {
    c.phase = 'idle'
    await c.connection.close()
    throw error
  }
  c.phase = 'running'
  c.loop = run(c)
}

/** Ends the pause or the blocking read in progress, waits for the loop, closes the connections. */
export async function stopConsumer(c: ConsumerState): Promise<void> {
  if (c.phase !== 'running') return
  c.phase = 'stopping'
  c.wake?.()
  const id = c.blockingId
  if (id) {
    const clientId = await id.catch(() => undefined)
    if (clientId !== undefined) await c.redis.send(['CLIENT', 'UNBLOCK', String(clientId)]).catch(() => {})
  }
  await c.loop
  await c.blocking?.close()
  await c.connection.close()
  c.phase = 'stopped'
}

/** Until stopped: look for streams, claim idle entries, release held streams, read; back off on failures. */
async function run(c: ConsumerState): Promise<void> {
  const { settings } = c
  let failures = 0
  while (c.running) {
    try {
      const now = Date.now()
      if (settings.options.pattern && now - c.lastDiscover >= settings.discoverEveryMs) await discover(c)
      if (now - c.lastClaim >= settings.claimEveryMs) await claimIdle(c)
      if (c.held.size > 0) await releaseHeld(c)
      if (c.running) await readNew(c)
      failures = 0
    } catch (error) {
      c.report(error)
      try {
        await recoverMissingGroup(c, error)
      } catch {
        failures++
        if (c.running) await pause(c, Math.min(50 * 2 ** failures, 2_000))
      }
    }
  }
}

/** One XREADGROUP over the streams not held, blocking up to `blockMs`; what it brings is delivered. */
async function readNew(c: ConsumerState): Promise<void> {
  const { group, consumer, count, blockMs } = c.settings
  const readable = [...c.streams].filter((s) => !c.held.has(s))
  if (readable.length === 0 || !c.blocking) {
    await pause(c, Math.min(blockMs, 200))
    return
  }
  // CLIENT ID first, on the same connection: stop() unblocks the read with it.
  c.blockingId = c.blocking.send(['CLIENT', 'ID'])
  c.blockingId.catch(() => {})
  const args = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'BLOCK', String(blockMs), 'STREAMS']
  let reply: unknown
  try {
    reply = await c.blocking.send([...args, ...readable, ...readable.map(() => '>')])
  } catch (error) {
    throw redisError('XREADGROUP', error)
  } finally {
    c.blockingId = undefined
  }
  // Entries delivered to this consumer are handled even when stop() came meanwhile: else they would wait
  // for a claim.
  for (const [stream, entries] of toPairs(reply)) await deliver(c, String(stream), toEntries(entries))
}

async function pause(c: ConsumerState, ms: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    c.wake = () => {
      clearTimeout(timer)
      resolve()
    }
  })
  c.wake = undefined
}
