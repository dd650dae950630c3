export type { FrameConnection, WebSocketConstructor, WebSocketLike } from './connection.js'
export { customFrames, matchEventFrames } from './parsers.js'
export { DEFAULT_MAX_BACKFILL, SequenceGapError } from './sequence-gap.js'
export {
  createHttpStreamSource,
  createWebSocketSource,
  type HttpStreamSourceOptions,
  type WebSocketSourceOptions,
} from './source.js'
export type { StreamSource, StreamSourceOptions, StreamSourceState } from './types.js'
