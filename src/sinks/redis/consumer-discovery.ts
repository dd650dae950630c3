import { RedisError, redisError, replyCode } from './client.js'
import type { ConsumerState } from './consumer-state.js'

/** Finds the streams to read (the `keys`, or what matches `pattern` now) and creates the group on each. */
export async function discover(c: ConsumerState): Promise<void> {
  c.lastDiscover = Date.now()
  const { keys, pattern } = c.settings.options
  if (keys) {
    const missing = keys.filter((k) => !c.streams.has(k))
    await Promise.all(missing.map((k) => createGroup(c, k, true)))
    for (const k of missing) c.streams.add(k)
    return
  }
  const found = await scanStreams(c, pattern!)
  const fresh = [...found].filter((k) => !c.streams.has(k))
  const created = await Promise.all(fresh.map((k) => createGroup(c, k, false)))
  fresh.forEach((k, i) => {
    if (created[i]) c.streams.add(k)
  })
  for (const k of c.streams) {
    if (!found.has(k)) {
      c.streams.delete(k)
      c.held.delete(k)
    }
  }
}

/** A missing group (the stream was deleted, or the group destroyed): set things up again. */
export async function recoverMissingGroup(c: ConsumerState, error: unknown): Promise<void> {
  if ((RedisError.isInstance(error) ? error.reply : replyCode(error)) !== 'NOGROUP') throw error
  if (c.settings.options.pattern) c.streams.clear()
  else for (const k of c.settings.options.keys ?? []) await createGroup(c, k, true)
  await discover(c)
}

async function scanStreams(c: ConsumerState, pattern: string): Promise<Set<string>> {
  const found = new Set<string>()
  let cursor = '0'
  do {
    const reply = (await c.send(
      ['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000', 'TYPE', 'stream'],
      'SCAN',
    )) as [unknown, unknown[]]
    cursor = String(reply[0])
    for (const k of reply[1]) found.add(String(k))
  } while (cursor !== '0')
  return found
}

/** False when the stream is gone (found by SCAN, deleted since); an existing group is fine. */
async function createGroup(c: ConsumerState, stream: string, makeStream: boolean): Promise<boolean> {
  const { group, startId } = c.settings
  try {
    await c.redis.send(['XGROUP', 'CREATE', stream, group, startId, ...(makeStream ? ['MKSTREAM'] : [])])
  } catch (error) {
    if (replyCode(error) === 'BUSYGROUP') return true
    if (!makeStream && replyCode(error) === 'ERR') return false
    throw redisError(`XGROUP CREATE ${stream}`, error)
  }
  return true
}
