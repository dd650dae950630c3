export {
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
  type RedisConnectionOptions,
  RedisError,
} from './client.js'
export {
  createRedisStreamConsumer,
  type RedisStreamConsumer,
  type RedisStreamConsumerOptions,
  type RedisStreamConsumerStats,
  type StreamBatchContext,
  type StreamDeadLetter,
} from './consumer.js'
export { type RedisPubSubSink, type RedisPubSubSinkOptions, redisPubSubSink } from './pubsub-sink.js'
export {
  APPEND_SCRIPT,
  type RedisStreamsSink,
  type RedisStreamsSinkOptions,
  redisStreamsSink,
  STREAM_FIELDS,
} from './streams-sink.js'
