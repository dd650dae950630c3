// The live hub at /live (matchfeed/live): browsers follow matches over one WebSocket, resuming after a blink
// or a restart. Its store is Redis Streams with REDIS_URL (what the outbox relay writes, shared by every
// instance), else a memory store fed by the pipeline and seeded from storage.
import type { FastifyInstance } from 'fastify'
import type { Sink } from 'matchfeed'
import { createLiveHub, type LiveHub, type LiveStore, memoryLiveStore, redisLiveStore } from 'matchfeed/live'
import { readEvents } from 'matchfeed/sinks/postgres'
import { WebSocketServer } from 'ws'
import type { Config } from './config.js'
import { createApiKeyCheck } from './http/api-key.js'
import type { RedisClient } from './redis.js'
import type { Runtime } from './runtime.js'
import type { Storage } from './storage.js'

const LIVE_PATH = '/live'

/**
 * The hub's store. Without Redis it comes with a sink, itself: the runtime puts it in the pipeline, so events
 * fan out in this process; a match's first read seeds it from storage (a restarted server still has its
 * snapshot).
 */
export function liveStore(
  storage: Storage,
  redis: RedisClient | undefined,
): { store: LiveStore; sink?: Sink } {
  // Redis: the streams and channels of the relay's redisStreamsSink / redisPubSubSink (their default names).
  if (redis) return { store: redisLiveStore({ client: redis }) }
  const memory = memoryLiveStore({ load: (matchId) => readEvents(storage.client, { matchId }) })
  return { store: memory, sink: memory }
}

/** Creates the hub, takes the upgrades to /live of the app's server, and closes it before the server closes. */
export function mountLive(app: FastifyInstance, config: Config, runtime: Runtime): LiveHub {
  // Compared as the API keys are: digests, in constant time.
  const tokenMatches = config.LIVE_TOKEN === undefined ? undefined : createApiKeyCheck([config.LIVE_TOKEN])
  const hub = createLiveHub({
    store: runtime.liveStore,
    ws: { WebSocketServer },
    ...(tokenMatches && { authenticate: ({ token }) => tokenMatches(token) && { name: 'viewer' } }),
    ...(config.LIVE_MAX_CLIENTS !== undefined && { maxClients: config.LIVE_MAX_CLIENTS }),
    onError: (error) => app.log.warn({ err: error }, 'live hub: store read failed; retried'),
  })
  const detach = hub.attach(app.server, { path: LIVE_PATH })
  // Before the server closes: its close waits for every connection, WebSockets included.
  app.addHook('preClose', async () => {
    detach()
    await hub.close()
  })
  return hub
}
