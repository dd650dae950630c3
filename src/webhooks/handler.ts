import { MatchfeedError, ProviderPayloadError } from '../errors.js'
import type { MatchEvent } from '../event/schema.js'
import { InvalidMatchEventError, validateMatchEvents } from '../event/validate.js'
import { type VerifiedWebhook, WebhookVerificationError } from './errors.js'
import { getHeader, type HeaderBag } from './headers.js'
import { signHmacSignature, verifyHmacSignature } from './hmac.js'
import { clientIp, createIpAllowlist, type IpAllowlist } from './ip-allowlist.js'
import { type NodeListener, toNodeListener } from './node-adapter.js'
import { createMemorySeenIdStore, type SeenIdStore } from './replay-store.js'
import { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks.js'
import { signTimestampedSignature, verifyTimestampedSignature } from './timestamped.js'
import { type FetchHandler, toFetchHandler } from './web-adapter.js'

type Options<F extends (...args: never[]) => unknown> = Parameters<F>[2]

/** How a handler checks a request: one of the three schemes, your own function, or `'none'` (say so explicitly). */
export type WebhookVerifier =
  | ({ scheme: 'standard-webhooks' } & Options<typeof verifyStandardWebhook>)
  | ({ scheme: 'hmac' } & Options<typeof verifyHmacSignature>)
  | ({ scheme: 'timestamped' } & Options<typeof verifyTimestampedSignature>)
  | ((body: Uint8Array, headers: HeaderBag) => VerifiedWebhook | Promise<VerifiedWebhook>)
  | 'none'

export interface WebhookContext {
  headers: HeaderBag
  /** What the verifier established; undefined with `verify: 'none'`. */
  delivery: VerifiedWebhook | undefined
  /** The client's address (after trusted proxies), when the adapter knows it. */
  remoteAddress: string | undefined
}

export interface WebhookHandlerOptions {
  verify: WebhookVerifier
  /** Raw, verified bytes → MatchEvents. Throw ProviderPayloadError for a malformed payload (→ 400). */
  parse: (body: Uint8Array, context: WebhookContext) => MatchEvent[] | Promise<MatchEvent[]>
  /** Must resolve only once the events are durable: the sender gets its 2xx after that, never before. */
  onEvents: (events: MatchEvent[], context: WebhookContext) => unknown
  /** Bodies above this get 413 before anything is hashed or parsed. Default 1 MiB. */
  maxBodyBytes?: number
  /** Replay protection on the delivery id (or the signature when the scheme has no id). Default: in memory, 24 h. */
  replay?: { store?: SeenIdStore; ttlSeconds?: number } | false
  /** Only these addresses or CIDR ranges may call (403 otherwise). */
  allowIps?: readonly string[] | IpAllowlist
  /** Proxies whose X-Forwarded-For is believed. Without this, X-Forwarded-For is ignored. */
  trustedProxies?: readonly string[] | IpAllowlist
  /** Told about every request that failed on the server's side (5xx). Never given secrets. */
  onError?: (error: unknown, context: Partial<WebhookContext>) => void
}

export interface WebhookRequest {
  method: string
  headers: HeaderBag
  /** The body as it arrives, read here under the size cap; or a reader that applies the cap itself. */
  body: AsyncIterable<Uint8Array> | Uint8Array | BodyReader | null
  /** The TCP peer, when known. */
  remoteAddress?: string | undefined
}

/** Reads at most `maxBytes`; resolves undefined as soon as the body is known to be larger. */
export type BodyReader = (maxBytes: number) => Promise<Uint8Array | undefined>

export interface WebhookResponse {
  status: number
  headers: Record<string, string>
  body: string
  /** True when the request body was not read to its end: the connection should be closed. */
  closeConnection?: boolean
}

export interface WebhookHandler {
  /** The framework-agnostic core. */
  handle(request: WebhookRequest): Promise<WebhookResponse>
  /** Node adapter: `(req, res)` for node:http, Express, Fastify (`req.raw`, `reply.raw`). */
  node: NodeListener
  /** Web adapter: `Request → Response` for Hono, Next.js, Bun, Deno. */
  fetch: FetchHandler
}

const DEFAULT_MAX_BODY = 1024 * 1024
const DEFAULT_REPLAY_TTL_SECONDS = 24 * 60 * 60

export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new MatchfeedError('maxBodyBytes must be a positive integer', { code: 'invalid_option' })
  }
  if (options.verify === undefined) {
    throw new MatchfeedError(
      "verify is required: a scheme, a function, or 'none' to accept unsigned requests",
      {
        code: 'invalid_option',
      },
    )
  }
  const verify = toVerifyFn(options.verify)
  const allowIps = toAllowlist(options.allowIps)
  const trustedProxies = toAllowlist(options.trustedProxies)
  const replay = options.replay === false ? undefined : options.replay
  const seen = options.replay === false ? undefined : (replay?.store ?? createMemorySeenIdStore())
  const replayTtlMs = (replay?.ttlSeconds ?? DEFAULT_REPLAY_TTL_SECONDS) * 1000
  const inFlight = new Set<string>()

  async function handle(request: WebhookRequest): Promise<WebhookResponse> {
    if (request.method.toUpperCase() !== 'POST') {
      return json(405, { code: 'method_not_allowed', message: 'use POST' }, { allow: 'POST' })
    }
    const remoteAddress = clientIp(
      request.remoteAddress,
      getHeader(request.headers, 'x-forwarded-for'),
      trustedProxies,
    )
    const context: WebhookContext = { headers: request.headers, delivery: undefined, remoteAddress }
    if (allowIps && (remoteAddress === undefined || !allowIps.allows(remoteAddress))) {
      return json(403, { code: 'forbidden_ip', message: 'this address may not deliver webhooks here' })
    }

    const declared = getHeader(request.headers, 'content-length')
    if (declared !== undefined && Number(declared) > maxBodyBytes) return tooLarge(maxBodyBytes)
    const body = await readCapped(request.body, maxBodyBytes)
    if (body === undefined) return tooLarge(maxBodyBytes)

    if (verify) {
      try {
        context.delivery = await verify(body, request.headers)
      } catch (error) {
        if (error instanceof WebhookVerificationError && error.reason !== 'invalid_secret') {
          return json(401, { code: error.reason, message: error.message })
        }
        return serverError(error, context)
      }
    }

    const replayKey = context.delivery?.replayKey
    if (seen && replayKey !== undefined) {
      if (inFlight.has(replayKey)) {
        return json(409, {
          code: 'delivery_in_progress',
          message: 'this delivery is being processed; retry later',
        })
      }
      if (await seen.has(replayKey)) return json(200, { status: 'duplicate', events: 0 })
      inFlight.add(replayKey)
    }
    try {
      let events: MatchEvent[]
      try {
        events = validateMatchEvents(await options.parse(body, context))
      } catch (error) {
        const invalid = payloadErrorBody(error)
        if (invalid) return json(400, invalid)
        return serverError(error, context)
      }
      try {
        await options.onEvents(events, context)
      } catch (error) {
        return serverError(error, context)
      }
      if (seen && replayKey !== undefined) await seen.add(replayKey, replayTtlMs)
      return json(200, { status: 'ok', events: events.length })
    } finally {
      if (replayKey !== undefined) inFlight.delete(replayKey)
    }
  }

  function serverError(error: unknown, context: Partial<WebhookContext>): WebhookResponse {
    try {
      options.onError?.(error, context)
    } catch {
      // a logging hook that throws must not leave the request unanswered
    }
    // 503 tells the sender to come back; the body stays generic (no internals, no secrets).
    const retryable = error instanceof MatchfeedError ? error.retryable : true
    return json(retryable ? 503 : 500, { code: 'internal_error', message: 'the events could not be stored' })
  }

  const safeHandle = (request: WebhookRequest) =>
    handle(request).catch((error: unknown) => serverError(error, { headers: request.headers }))
  return { handle: safeHandle, node: toNodeListener(safeHandle), fetch: toFetchHandler(safeHandle) }
}

function toVerifyFn(verifier: WebhookVerifier) {
  if (verifier === 'none') return undefined
  if (typeof verifier === 'function') return verifier
  checkSecrets(verifier)
  switch (verifier.scheme) {
    case 'standard-webhooks':
      return (body: Uint8Array, headers: HeaderBag) => verifyStandardWebhook(body, headers, verifier)
    case 'hmac':
      return (body: Uint8Array, headers: HeaderBag) => verifyHmacSignature(body, headers, verifier)
    case 'timestamped':
      return (body: Uint8Array, headers: HeaderBag) => verifyTimestampedSignature(body, headers, verifier)
    default:
      throw new MatchfeedError(`unknown webhook scheme "${(verifier as { scheme: unknown }).scheme}"`, {
        code: 'invalid_option',
      })
  }
}

/** A bad secret is a configuration mistake: fail when the handler is created, not on the first request. */
function checkSecrets(verifier: Exclude<WebhookVerifier, 'none' | ((...args: never[]) => unknown)>): void {
  const secrets: readonly string[] = typeof verifier.secret === 'string' ? [verifier.secret] : verifier.secret
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new MatchfeedError(`${verifier.scheme}: at least one secret is required`, {
      code: 'invalid_option',
    })
  }
  const empty = new Uint8Array(0)
  for (const secret of secrets) {
    try {
      if (verifier.scheme === 'standard-webhooks')
        signStandardWebhook(empty, { secret, id: 'check', timestamp: 1 })
      else if (verifier.scheme === 'hmac') signHmacSignature(empty, { secret })
      else signTimestampedSignature(empty, { secret, timestamp: 1 })
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error
      throw new MatchfeedError(error.message, { code: 'invalid_option', cause: error })
    }
  }
}

function toAllowlist(value: readonly string[] | IpAllowlist | undefined): IpAllowlist | undefined {
  if (value === undefined) return undefined
  return 'allows' in value ? value : createIpAllowlist(value as readonly string[])
}

/** Reads at most `max` bytes; undefined when the body is larger (the rest is left unread). */
async function readCapped(body: WebhookRequest['body'], max: number): Promise<Uint8Array | undefined> {
  if (body === null) return new Uint8Array(0)
  if (typeof body === 'function') return body(max)
  if (body instanceof Uint8Array) return body.byteLength > max ? undefined : body
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > max) return undefined
    chunks.push(chunk)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
}

function payloadErrorBody(error: unknown): Record<string, unknown> | undefined {
  if (error instanceof ProviderPayloadError) {
    return {
      code: error.code,
      provider: error.provider,
      field: error.field,
      reason: error.reason,
      message: error.message,
    }
  }
  if (error instanceof InvalidMatchEventError) {
    const field = [error.index === undefined ? '' : `events[${error.index}]`, error.field]
      .filter(Boolean)
      .join('.')
    return { code: error.code, provider: error.provider, field, reason: error.reason, message: error.message }
  }
  if (error instanceof SyntaxError) return { code: 'invalid_json', field: '(body)', message: error.message }
  return undefined
}

function tooLarge(max: number): WebhookResponse {
  return {
    ...json(413, { code: 'payload_too_large', message: `the body exceeds ${max} bytes` }),
    closeConnection: true,
  }
}

function json(
  status: number,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
): WebhookResponse {
  const body = status < 300 ? payload : { error: payload }
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  }
}
