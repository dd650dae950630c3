import { invalidOption, MatchfeedError, ProviderPayloadError } from '../errors.js'
import type { MatchEvent } from '../event/schema.js'
import { InvalidMatchEventError, validateMatchEvents } from '../event/validate.js'
import { BodyBudget, type BodyOutcome, bodyDeadline, type RequestBody, readBody } from './body.js'
import { createDeliveries } from './deliveries.js'
import { type VerifiedWebhook, WebhookVerificationError } from './errors.js'
import { getHeader, type HeaderBag } from './headers.js'
import { clientIp, createIpAllowlist, type IpAllowlist } from './ip-allowlist.js'
import { createLateTimer } from './late-timer.js'
import { type NodeListener, toNodeListener } from './node-adapter.js'
import { createHeaderRedactor } from './redact.js'
import { createMemorySeenIdStore, type SeenIdStore } from './replay-store.js'
import { toRequestVerifier, type WebhookVerifier } from './request-verifier.js'
import { type FetchHandler, toFetchHandler } from './web-adapter.js'

export type { BodyReader } from './body.js'
export type { WebhookVerifier, WebhookVerifyFunction } from './request-verifier.js'

/** What `parse`, `onEvents` and the hooks are told about a request. */
export interface WebhookContext {
  /**
   * The request's headers, lower-case, with every credential redacted (`authorization`, `cookie`,
   * `proxy-authorization`, the signature / credential headers of the verifier, and names such as
   * `x-api-key` or `x-auth-token`): safe to log.
   */
  readonly headers: Readonly<Record<string, string>>
  /** What the verifier established; undefined with `verify: 'none'` or before verification. */
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
  /** The whole body must arrive within this many milliseconds of the request (408 otherwise). Default 10 s. */
  bodyTimeoutMs?: number
  /**
   * Body bytes being read across all requests at once. A request reserves its declared length (the cap when
   * it declares none) before its body is read; past the budget, 503 with `Retry-After`. Default 64 MiB,
   * and at least `maxBodyBytes`.
   */
  maxInFlightBodyBytes?: number
  /**
   * Answer within this many milliseconds of the request. When `onEvents` is still storing by then, the
   * sender gets 503 with `Retry-After` while the storing goes on; its retry waits for the same work (no
   * second copy) and gets 200 once the events are durable. Default 10 s, what senders such as GitHub wait.
   */
  respondWithinMs?: number
  /** Replay protection on the delivery id (or the signature when the scheme has no id). Default: in memory, 24 h. */
  replay?: { store?: SeenIdStore; ttlSeconds?: number } | false
  /** Only these addresses or CIDR ranges may call (403 otherwise). */
  allowIps?: readonly string[] | IpAllowlist
  /** Proxies whose X-Forwarded-For is believed. Without this, X-Forwarded-For is ignored. */
  trustedProxies?: readonly string[] | IpAllowlist
  /** More header names to redact from what hooks receive (the built-in list is in WebhookContext.headers). */
  redactHeaders?: readonly string[]
  /** Told about every request that failed on the server's side (5xx). Never given a credential. */
  onError?: (error: unknown, context: WebhookContext) => void
  /** Told when a client went away before its body arrived: the client's doing, never a 5xx nor an `onError`. */
  onClientAbort?: (context: WebhookContext) => void
}

export interface WebhookRequest {
  method: string
  headers: HeaderBag
  /** The body as it arrives, read here under the size cap and deadline; or a reader that applies them itself. */
  body: RequestBody
  /** The TCP peer, when known. */
  remoteAddress?: string | undefined
}

export interface WebhookResponse {
  status: number
  headers: Record<string, string>
  body: string
  /**
   * True when the request body was not read to its end: the Node adapter discards what is left, within a
   * bound, so the sender sees the answer, then closes the connection.
   */
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
const DEFAULT_BODY_TIMEOUT_MS = 10_000
const DEFAULT_IN_FLIGHT_BODY_BYTES = 64 * 1024 * 1024
const DEFAULT_RESPOND_WITHIN_MS = 10_000
const DEFAULT_REPLAY_TTL_SECONDS = 24 * 60 * 60
const RETRY_AFTER_SECONDS = '5'

export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const limits = handlerLimits(options)
  const verifier = toRequestVerifier(options.verify)
  const redact = createHeaderRedactor([
    ...(verifier?.credentialHeaders ?? []),
    ...(options.redactHeaders ?? []),
  ])
  const allowIps = toAllowlist(options.allowIps)
  const trustedProxies = toAllowlist(options.trustedProxies)
  const late = createLateTimer(limits.respondWithinMs)
  const deliveries =
    options.replay === false
      ? undefined
      : createDeliveries<WebhookResponse>({
          seen: options.replay?.store ?? createMemorySeenIdStore(),
          ttlMs: (options.replay?.ttlSeconds ?? DEFAULT_REPLAY_TTL_SECONDS) * 1000,
          within: late.within,
          duplicate: () => json(200, { status: 'duplicate', events: 0 }),
        })
  const contextOf = (headers: HeaderBag, remoteAddress: string | undefined) =>
    new RequestContext(headers, remoteAddress, redact)

  async function handle(request: WebhookRequest): Promise<WebhookResponse> {
    const deadline = Date.now() + limits.respondWithinMs
    if (request.method.toUpperCase() !== 'POST') {
      return unread(json(405, { code: 'method_not_allowed', message: 'use POST' }, { allow: 'POST' }))
    }
    const remoteAddress = clientIp(
      request.remoteAddress,
      getHeader(request.headers, 'x-forwarded-for'),
      trustedProxies,
    )
    const context = contextOf(request.headers, remoteAddress)
    if (allowIps && (remoteAddress === undefined || !allowIps.allows(remoteAddress))) {
      return unread(
        json(403, { code: 'forbidden_ip', message: 'this address may not deliver webhooks here' }),
      )
    }
    // Everything the headers alone decide comes before a byte of the body is read or buffered.
    let checked: unknown
    try {
      checked = verifier?.checkHeaders(request.headers)
    } catch (error) {
      return unread(verificationFailure(error, context))
    }
    const body = await receive(request, context)
    if (!(body instanceof Uint8Array)) return body
    if (verifier) {
      try {
        context.delivery = await verifier.verify(body, request.headers, checked)
      } catch (error) {
        return verificationFailure(error, context)
      }
    }
    const replayKey = deliveries ? context.delivery?.replayKey : undefined
    const answer =
      replayKey === undefined
        ? await late.within(deadline, store(body, context))
        : await deliveries!.once(replayKey, deadline, () =>
            store(body, context).catch((error: unknown) => serverError(error, context)),
          )
    return (
      answer ??
      json(
        503,
        { code: 'still_storing', message: 'the events are still being stored; retry later' },
        retryAfter,
      )
    )
  }

  /** The body, read within the budget, the cap and the deadline; or the answer when it could not be. */
  async function receive(
    request: WebhookRequest,
    context: WebhookContext,
  ): Promise<Uint8Array | WebhookResponse> {
    const { maxBodyBytes, bodyDeadline, budget } = limits
    const declared = declaredLength(request)
    if (declared !== undefined && declared > maxBodyBytes) return tooLarge(maxBodyBytes)
    const reserved = declared ?? maxBodyBytes
    if (!budget.tryReserve(reserved)) {
      return unread(
        json(
          503,
          { code: 'busy', message: 'too many request bodies are being read; retry later' },
          retryAfter,
        ),
      )
    }
    let outcome: BodyOutcome
    try {
      outcome = await readBody(request.body, maxBodyBytes, bodyDeadline)
    } finally {
      budget.release(reserved)
    }
    switch (outcome.kind) {
      case 'read':
        return outcome.bytes
      case 'too_large':
        return tooLarge(maxBodyBytes)
      case 'timeout':
        return unread(
          json(408, {
            code: 'body_timeout',
            message: `the body did not arrive within ${bodyDeadline.timeoutMs} ms`,
          }),
        )
      case 'aborted':
        notify(options.onClientAbort, context)
        return unread(json(400, { code: 'client_aborted', message: 'the body ended early' }))
    }
  }

  /** Parse, validate, hand over: the answer once the events are durable (or why they are not). */
  async function store(body: Uint8Array, context: WebhookContext): Promise<WebhookResponse> {
    let events: MatchEvent[]
    try {
      events = validateMatchEvents(await options.parse(body, context))
    } catch (error) {
      const invalid = payloadErrorBody(error)
      if (invalid)
        return json(
          error instanceof MatchfeedError && error.code === 'payload_too_large' ? 413 : 400,
          invalid,
        )
      return serverError(error, context)
    }
    try {
      await options.onEvents(events, context)
    } catch (error) {
      return serverError(error, context)
    }
    return json(200, { status: 'ok', events: events.length })
  }

  const verificationFailure = (error: unknown, context: WebhookContext) =>
    refused(error) ?? serverError(error, context)
  const serverError = (error: unknown, context: WebhookContext) => failure(error, context, options.onError)

  const safeHandle = (request: WebhookRequest) =>
    handle(request).catch((error: unknown) => serverError(error, contextOf(request.headers, undefined)))
  return { handle: safeHandle, node: toNodeListener(safeHandle), fetch: toFetchHandler(safeHandle) }
}

const retryAfter = { 'retry-after': RETRY_AFTER_SECONDS }

/** 401 for a delivery that failed verification; undefined for a failure of the server's own (a bad secret). */
function refused(error: unknown): WebhookResponse | undefined {
  if (error instanceof WebhookVerificationError && error.reason !== 'invalid_secret') {
    return json(401, { code: error.reason, message: error.message })
  }
  return undefined
}

/** 503 (retryable) or 500, with a generic body: the error goes to `onError`, never to the caller. */
function failure(
  error: unknown,
  context: WebhookContext,
  onError: WebhookHandlerOptions['onError'],
): WebhookResponse {
  notify(onError, error, context)
  const retryable = MatchfeedError.isInstance(error) ? error.retryable : true
  return retryable
    ? json(503, { code: 'internal_error', message: 'the events could not be stored' }, retryAfter)
    : json(500, { code: 'internal_error', message: serverErrorMessage(error) })
}

function handlerLimits(options: WebhookHandlerOptions) {
  if (options.verify === undefined) {
    throw invalidOption(
      'createWebhookHandler',
      'verify',
      "required: a scheme, a function, or 'none' to accept unsigned requests",
    )
  }
  const maxBodyBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY)
  const budget = new BodyBudget(
    positiveInteger(
      'maxInFlightBodyBytes',
      options.maxInFlightBodyBytes,
      Math.max(DEFAULT_IN_FLIGHT_BODY_BYTES, maxBodyBytes),
    ),
  )
  if (budget.maxBytes < maxBodyBytes) {
    throw invalidOption('createWebhookHandler', 'maxInFlightBodyBytes', 'must be at least maxBodyBytes')
  }
  return {
    maxBodyBytes,
    budget,
    bodyDeadline: bodyDeadline(
      positiveInteger('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS),
    ),
    respondWithinMs: positiveInteger('respondWithinMs', options.respondWithinMs, DEFAULT_RESPOND_WITHIN_MS),
  }
}

/**
 * The request's context. Its headers are redacted only when a hook reads them (most requests never do);
 * `toJSON` keeps them in a logged context.
 */
class RequestContext implements WebhookContext {
  delivery: VerifiedWebhook | undefined = undefined
  #raw: HeaderBag
  #redact: (headers: HeaderBag) => Record<string, string>
  #headers: Record<string, string> | undefined

  constructor(
    raw: HeaderBag,
    readonly remoteAddress: string | undefined,
    redact: (headers: HeaderBag) => Record<string, string>,
  ) {
    this.#raw = raw
    this.#redact = redact
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= this.#redact(this.#raw)
    return this.#headers
  }

  toJSON() {
    return { headers: this.headers, delivery: this.delivery, remoteAddress: this.remoteAddress }
  }
}

// A logging hook that throws must not leave the request unanswered.
function notify<A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    hook?.(...args)
  } catch {
    // ignored on purpose
  }
}

function serverErrorMessage(error: unknown): string {
  // A framework's body parser ran first: say so, since nothing else in the answer would tell the developer.
  if (error instanceof MatchfeedError && error.code === 'body_already_parsed') return error.message
  return 'the events could not be stored'
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw invalidOption('createWebhookHandler', name, `must be a positive integer, got ${String(value)}`)
  }
  return n
}

/** The declared Content-Length; anything else (absent, or garbage the Node parser would refuse anyway) is undeclared. */
function declaredLength(request: WebhookRequest): number | undefined {
  const value = getHeader(request.headers, 'content-length')?.trim()
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined
}

function toAllowlist(value: readonly string[] | IpAllowlist | undefined): IpAllowlist | undefined {
  if (value === undefined) return undefined
  return 'allows' in value ? value : createIpAllowlist(value as readonly string[])
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
  return unread(json(413, { code: 'payload_too_large', message: `the body exceeds ${max} bytes` }))
}

function unread(response: WebhookResponse): WebhookResponse {
  return { ...response, closeConnection: true }
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
