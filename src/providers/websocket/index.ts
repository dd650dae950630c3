export type { FrameConnection, WebSocketConstructor, WebSocketLike } from './connection.js'
export { customFrames, matchEventFrames } from './parsers.js'
export { DEFAULT_MAX_BACKFILL, SequenceGapError } from './sequence-gap.js'
export {
  createHttpStreamSource,
  createWebSocketSource,
  type HttpStreamSourceOptions,
  type StreamSource,
  type StreamSourceOptions,
  type StreamSourceState,
  type WebSocketSourceOptions,
} from './source.js'
