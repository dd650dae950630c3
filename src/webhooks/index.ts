export { credentialsVerifier } from './credentials.js'
export {
  type VerifiedWebhook,
  type WebhookFailureReason,
  type WebhookScheme,
  WebhookVerificationError,
} from './errors.js'
export {
  type BodyReader,
  createWebhookHandler,
  type WebhookContext,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookVerifier,
  type WebhookVerifyFunction,
} from './handler.js'
export { getHeader, type HeaderBag } from './headers.js'
export { signHmacSignature, verifyHmacSignature } from './hmac.js'
export { clientIp, createIpAllowlist, type IpAllowlist } from './ip-allowlist.js'
export type { NodeListener } from './node-adapter.js'
export type { RawBody } from './raw-body.js'
export { createMemorySeenIdStore, type SeenIdStore } from './replay-store.js'
export { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks.js'
export { signTimestampedSignature, verifyTimestampedSignature } from './timestamped.js'
export type { FetchHandler } from './web-adapter.js'
