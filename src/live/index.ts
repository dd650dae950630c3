export {
  createLiveHub,
  type LiveHub,
  type LiveHubMetrics,
  type LiveHubOptions,
  type LiveSocket,
} from './hub.js'
export { registerLiveMetrics } from './metrics.js'
export {
  LIVE_CLOSE,
  LIVE_PROTOCOL_VERSION,
  type LiveClientMessage,
  type LiveErrorCode,
  type LiveServerMessage,
} from './protocol.js'
export { type RedisLiveStoreOptions, redisLiveStore } from './redis-store.js'
export { type LiveEntry, type LiveStore, type MemoryLiveStore, memoryLiveStore } from './store.js'
