export type { KinesisClientLike, KinesisConnectionOptions } from './client.js'
export {
  createKinesisConsumer,
  type KinesisConsumer,
  type KinesisConsumerMetrics,
} from './consumer.js'
export { registerKinesisConsumerMetrics } from './consumer-metrics.js'
export type {
  KinesisBatchContext,
  KinesisConsumerOptions,
  KinesisDeadLetter,
  KinesisStartAt,
} from './consumer-options.js'
export type { KinesisConsumerStats } from './consumer-state.js'
export { KinesisError } from './kinesis-error.js'
export { type KinesisSink, type KinesisSinkOptions, kinesisSink } from './kinesis-sink.js'
export { type Lease, type LeaseStore, memoryLeaseStore, SHARD_END } from './lease-store.js'
export { type PostgresLeaseStoreOptions, postgresLeaseStore } from './postgres-lease-store.js'
export { decodeRecord, type KinesisRecordFormat, type MatchBatchRecord } from './record-format.js'
export { LEASE_SCRIPT, type RedisLeaseStoreOptions, redisLeaseStore } from './redis-lease-store.js'
