// matchfeed: live football events from every provider as one typed MatchEvent.
// This entry holds the model, the pitch and the runtime contracts; providers, webhooks and sinks
// each have their own subpath (`matchfeed/webhooks`, `matchfeed/custom`, …).
export { MatchfeedError, PayloadTooLargeError, ProviderPayloadError } from './errors.js'
export * from './event/index.js'
export { type HttpFailureCode, ProviderHttpError } from './http/errors.js'
export type { RateLimitState } from './http/rate-limit.js'
export type { HttpRetryOptions, HttpTimeouts } from './http/transport.js'
export * from './pipeline/index.js'
export * from './pitch/index.js'
export { type MemorySink, memorySink } from './sinks/memory.js'
export { SinkError } from './sinks/sink-error.js'
