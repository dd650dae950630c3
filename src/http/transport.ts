import pRetry from 'p-retry'
import { Agent, type Dispatcher, Dispatcher1Wrapper } from 'undici'
import { delay } from '../time.js'
import { type HttpFailureCode, ProviderHttpError } from './errors.js'
import { parseRateLimit, type RateLimitState, retryAfterMs } from './rate-limit.js'

export interface HttpTimeouts {
  /** TCP + TLS connect. Default 10 s. */
  connectMs?: number
  /** From the request to the response headers. Default 15 s. */
  headersMs?: number
  /** Between two body chunks. Default 15 s. */
  bodyMs?: number
  /** The whole call, retries and waits included. Default 60 s. */
  deadlineMs?: number
}

export interface HttpRetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number
  /** First backoff delay; doubles each time, with jitter. Default 500 ms. */
  minDelayMs?: number
  /** Cap of one backoff delay. Default 10 s. */
  maxDelayMs?: number
  /** A provider asking to wait longer than this (a daily quota) fails at once, with `retryAfterMs`. Default 60 s. */
  maxRetryAfterMs?: number
}

export interface HttpTransportOptions {
  /** Names the provider in errors. */
  provider: string
  baseUrl: string
  /** Sent with every request. Treated as credentials: their values never appear in errors. */
  headers?: Record<string, string>
  /** Used instead of the global fetch (read at call time, so msw and test doubles see every request). */
  fetch?: typeof globalThis.fetch
  timeouts?: HttpTimeouts
  retry?: HttpRetryOptions
  /**
   * Finds a failure inside a 2xx JSON body (API-Football answers many errors with HTTP 200). Return the
   * error to throw — it is retried when `retryable` — or undefined when the body is a success.
   */
  inspect?: (body: unknown, response: Response) => ProviderHttpError | undefined
  /** Other credentials that may appear in URLs or bodies (an outlet key in a path): redacted like the headers. */
  secrets?: readonly string[]
}

export interface HttpResult {
  data: unknown
  status: number
  headers: Headers
  rateLimit: RateLimitState
  /** Attempts it took, 1 when the first one succeeded. */
  attempts: number
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>
  /** Added to (and overriding) the transport's headers for this request. */
  headers?: Record<string, string>
  signal?: AbortSignal
}

export interface HttpTransport {
  getJson(path: string, options?: RequestOptions): Promise<HttpResult>
  /** Any method, e.g. an OAuth token POST. `headers` are credentials too: never in errors. */
  request(
    method: 'GET' | 'POST',
    path: string,
    options?: RequestOptions & { body?: string },
  ): Promise<HttpResult>
  /** The last budget the provider reported. */
  readonly rateLimit: RateLimitState | undefined
  close(): Promise<void>
}

const EXCERPT_CHARS = 300
const SECRET_QUERY = /key|token|secret|password|signature|auth/i

/**
 * One transport for every REST provider: keep-alive pool and timeouts (undici), bounded retries with
 * exponential backoff and jitter (p-retry) for network errors, timeouts, 429 and 5xx only, the
 * provider's `Retry-After` honoured, typed errors without credentials.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const { provider } = options
  const timeouts = {
    connectMs: 10_000,
    headersMs: 15_000,
    bodyMs: 15_000,
    deadlineMs: 60_000,
    ...options.timeouts,
  }
  const retry = { retries: 3, minDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000, ...options.retry }
  const baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`
  const secrets = [...Object.values(options.headers ?? {}), ...(options.secrets ?? [])].filter(
    (v) => v.length >= 4,
  )
  let dispatcher: Dispatcher | undefined
  let agent: Agent | undefined
  let rateLimit: RateLimitState | undefined

  // Created on first use: a client that is never called opens nothing.
  function getDispatcher(): Dispatcher {
    if (!dispatcher) {
      agent = new Agent({
        connections: 8,
        keepAliveTimeout: 30_000,
        connect: { timeout: timeouts.connectMs },
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      })
      // Node's built-in fetch speaks the older dispatcher contract.
      dispatcher = new Dispatcher1Wrapper(agent) as unknown as Dispatcher
    }
    return dispatcher
  }

  function redact(text: string, extra: Record<string, string> | undefined): string {
    let out = text
    for (const secret of [...secrets, ...Object.values(extra ?? {})]) {
      if (secret.length >= 4) out = out.replaceAll(secret, '[redacted]')
    }
    return out
  }

  async function attempt(
    method: string,
    url: URL,
    init: { body?: string; headers?: Record<string, string> },
    signal: AbortSignal,
  ): Promise<Omit<HttpResult, 'attempts'>> {
    const fetchFn = options.fetch ?? globalThis.fetch
    const where = redact(`${method} ${publicUrl(url)}`, init.headers)
    let response: Response
    let text: string
    try {
      response = await fetchFn(url, {
        method,
        headers: { accept: 'application/json', ...options.headers, ...init.headers },
        body: init.body,
        signal,
        dispatcher: getDispatcher(),
      } as RequestInit)
      text = await response.text()
    } catch (error) {
      if (signal.aborted) throw signal.reason
      const timeout = isTimeout(error)
      throw new ProviderHttpError({
        provider,
        code: timeout ? 'timeout' : 'network',
        message: `${where} failed: ${timeout ? 'timed out' : describeNetworkError(error)}`,
        retryable: true,
        cause: error,
      })
    }
    rateLimit = parseRateLimit(response.headers)
    const bodyExcerpt = text ? redact(text.slice(0, EXCERPT_CHARS), init.headers) : undefined
    const data = readBody(provider, where, response, text, bodyExcerpt)
    const failure = options.inspect?.(data, response)
    if (failure) throw failure
    return { data, status: response.status, headers: response.headers, rateLimit }
  }

  return {
    get rateLimit() {
      return rateLimit
    },
    getJson: (path, requestOptions) => request('GET', path, requestOptions),
    request,
    async close() {
      await agent?.close()
      agent = undefined
      dispatcher = undefined
    },
  }

  async function request(
    method: 'GET' | 'POST',
    path: string,
    { query, signal, headers, body }: RequestOptions & { body?: string } = {},
  ): Promise<HttpResult> {
    const url = new URL(path.replace(/^\//, ''), baseUrl)
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value))
    }
    const deadline = AbortSignal.timeout(timeouts.deadlineMs)
    const callSignal = signal ? AbortSignal.any([signal, deadline]) : deadline
    let attempts = 0
    try {
      const result = await pRetry(
        () => {
          attempts++
          return attempt(method, url, { body, headers }, callSignal)
        },
        {
          retries: retry.retries,
          minTimeout: retry.minDelayMs,
          maxTimeout: retry.maxDelayMs,
          factor: 2,
          randomize: true,
          signal: callSignal,
          shouldRetry: ({ error }) =>
            error instanceof ProviderHttpError &&
            error.retryable &&
            (error.retryAfterMs ?? 0) <= retry.maxRetryAfterMs,
          // The provider's own wait comes on top of the backoff when it asked for one.
          onFailedAttempt: async ({ error, retriesLeft }) => {
            if (!(error instanceof ProviderHttpError) || !error.retryable) return
            const wait = error.retryAfterMs
            if (wait && retriesLeft > 0 && wait <= retry.maxRetryAfterMs) await delay(wait, callSignal)
          },
        },
      )
      return { ...result, attempts }
    } catch (error) {
      if (deadline.aborted && !signal?.aborted) {
        throw new ProviderHttpError({
          provider,
          code: 'timeout',
          message: `${redact(`${method} ${publicUrl(url)}`, headers)} did not complete within ${timeouts.deadlineMs} ms (${attempts} attempts)`,
          retryable: true,
          cause: error,
        })
      }
      throw error
    }
  }
}

function statusCode(status: number): HttpFailureCode {
  if (status === 429) return 'rate_limited'
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not_found'
  if (status >= 500) return 'server_error'
  return 'bad_request'
}

/** The URL as it may appear in an error: credentials in the query string replaced. */
function publicUrl(url: URL): string {
  const copy = new URL(url)
  for (const name of [...copy.searchParams.keys()]) {
    if (SECRET_QUERY.test(name)) copy.searchParams.set(name, '[redacted]')
  }
  return `${copy.origin}${copy.pathname}${copy.search}`
}

function isTimeout(error: unknown): boolean {
  const codes = [(error as { code?: unknown })?.code, (error as { cause?: { code?: unknown } })?.cause?.code]
  return (
    codes.some((code) => typeof code === 'string' && code.includes('TIMEOUT')) ||
    (error as Error)?.name === 'TimeoutError'
  )
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause
  if (typeof cause?.code === 'string') return cause.code
  return error instanceof Error ? error.message : String(error)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** A provider's answer as JSON, or the typed error for a failed status or a body that is not JSON. */
function readBody(
  provider: string,
  where: string,
  response: Response,
  text: string,
  bodyExcerpt: string | undefined,
): unknown {
  if (!response.ok) {
    const code = statusCode(response.status)
    throw new ProviderHttpError({
      provider,
      code,
      status: response.status,
      message: `${where} answered ${response.status}${bodyExcerpt ? `: ${oneLine(bodyExcerpt)}` : ''}`,
      retryable: code === 'rate_limited' || code === 'server_error',
      retryAfterMs: retryAfterMs(response.status, response.headers, text),
      bodyExcerpt,
    })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ProviderHttpError({
      provider,
      code: 'invalid_response',
      status: response.status,
      message: `${where} answered ${response.status} with a body that is not JSON (${(error as Error).message})`,
      retryable: true,
      bodyExcerpt,
      cause: error,
    })
  }
}
