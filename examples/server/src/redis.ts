// Redis: the outbox relay's destination (Streams + Pub/Sub) and the replay ids shared by every instance.
import { createMemorySeenIdStore, type SeenIdStore } from 'matchfeed/webhooks'
import { createClient } from 'redis'

export async function connectRedis(url: string, onError: (error: unknown) => void) {
  // Without the offline queue a command fails at once while Redis is away, instead of hanging: the relay
  // retries its round later and the replay store falls back to this instance's memory.
  const client = createClient({ url, disableOfflineQueue: true })
  client.on('error', onError) // node-redis crashes the process on an unheard 'error'
  await client.connect()
  return client
}

export type RedisClient = Awaited<ReturnType<typeof connectRedis>>

const REPLAY_PREFIX = 'matchfeed:server:seen:'

/**
 * Delivery ids seen by any instance, in Redis. While Redis is unreachable each instance remembers its own:
 * a webhook must not fail because the fan-out store is down, and the pipeline's dedupe and the idempotent
 * sinks absorb a replay that slips through in that window.
 */
export function redisSeenIdStore(client: RedisClient): SeenIdStore {
  const local = createMemorySeenIdStore()
  return {
    async has(key) {
      if (await local.has(key)) return true
      try {
        return (await client.exists(REPLAY_PREFIX + key)) === 1
      } catch {
        return false
      }
    },
    async add(key, ttlMs) {
      await local.add(key, ttlMs)
      try {
        await client.set(REPLAY_PREFIX + key, '1', { PX: Math.max(1, Math.round(ttlMs)) })
      } catch {
        // Remembered locally; see above.
      }
    },
  }
}
