export type { FrameConnection, WebSocketConstructor, WebSocketLike } from './connection.js'
export { customFrames, matchEventFrames } from './parsers.js'
export {
  createHttpStreamSource,
  createWebSocketSource,
  type HttpStreamSourceOptions,
  type StreamSource,
  type StreamSourceOptions,
  type StreamSourceState,
  type WebSocketSourceOptions,
} from './source.js'
