/** What the provider's response headers said about the remaining budget. Missing values stay undefined. */
export interface RateLimitState {
  minute: { limit?: number; remaining?: number; resetInMs?: number }
  day: { limit?: number; remaining?: number }
}

/**
 * Every spelling seen in the wild, in one shape:
 * API-Football `x-ratelimit-requests-limit` / `-remaining` (per day) and `X-RateLimit-Limit` / `-Remaining`
 * (per minute); Football-Data `X-Requests-Available-Minute`, `X-RequestsAvailable` or `X-Requests-Available`
 * (per minute) and `X-RequestCounter-Reset` (seconds until the counter resets). Header names are
 * case-insensitive.
 */
export function parseRateLimit(headers: Headers): RateLimitState {
  const resetSeconds = number(headers, 'x-requestcounter-reset')
  return {
    minute: defined({
      limit: number(headers, 'x-ratelimit-limit'),
      remaining:
        number(headers, 'x-ratelimit-remaining') ??
        number(headers, 'x-requests-available-minute') ??
        number(headers, 'x-requestsavailable') ??
        number(headers, 'x-requests-available'),
      resetInMs: resetSeconds === undefined ? undefined : resetSeconds * 1000,
    }),
    day: defined({
      limit: number(headers, 'x-ratelimit-requests-limit'),
      remaining: number(headers, 'x-ratelimit-requests-remaining'),
    }),
  }
}

/**
 * How long the provider asked us to wait: `Retry-After` (seconds or an HTTP date), else on a 429
 * Football-Data's `X-RequestCounter-Reset` or its "Wait N seconds" message.
 */
export function retryAfterMs(
  status: number,
  headers: Headers,
  bodyText: string,
  now = Date.now(),
): number | undefined {
  const header = headers.get('retry-after')?.trim()
  if (header) {
    if (/^\d+$/.test(header)) return Number(header) * 1000
    const date = Date.parse(header)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  if (status !== 429) return undefined
  const reset = number(headers, 'x-requestcounter-reset')
  if (reset !== undefined) return reset * 1000
  const wait = /wait (\d+) seconds?/i.exec(bodyText)
  return wait ? Number(wait[1]) * 1000 : undefined
}

function number(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)
  if (value === null || value.trim() === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key]
  return value
}
