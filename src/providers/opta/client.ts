import { createHash } from 'node:crypto'
import { invalidOption } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import {
  createHttpTransport,
  type HttpRetryOptions,
  type HttpTimeouts,
  type HttpTransport,
  ProviderHttpError,
} from '../../http/index.js'
import type { Source } from '../../pipeline/contracts.js'
import { createPollingSource } from '../polling/polling-source.js'
import { parseStatsPerformMA3 } from './parse-ma3.js'

export interface StatsPerformClientOptions {
  outletKey: string
  /** With it, the OAuth flow (sha512 Basic) is used; without it, the outlet key alone (legacy outlets). */
  secretKey?: string
  /** Default `https://api.performfeeds.com/soccerdata`. */
  baseUrl?: string
  /** Default `https://oauth.performgroup.com/oauth/token`. */
  oauthUrl?: string
  fetch?: typeof globalThis.fetch
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number
  timeouts?: HttpTimeouts
  retry?: HttpRetryOptions
}

export interface StatsPerformClient {
  /** The MA3 (match events) of a fixture, raw. */
  getMatchEvents(fixtureId: string, signal?: AbortSignal): Promise<unknown>
  /** The MA1 (match details, line-ups) of a fixture, raw. */
  getMatch(fixtureId: string, signal?: AbortSignal): Promise<unknown>
  fetchMatch(fixtureId: string, signal?: AbortSignal): Promise<MatchEvent[]>
  /** A Source that polls MA3 and emits only new, changed or deleted events; stops after the match is Played. */
  pollMatch(fixtureId: string, options?: { intervalMs?: number; onError?: (error: unknown) => void }): Source
  close(): Promise<void>
}

// A token is renewed this long before it expires, so no request goes out with one about to lapse.
const RENEW_BEFORE_MS = 60_000
// Lifetimes quoted for these tokens range from 5 minutes to an hour: without `expires_in`, assume the short one.
const DEFAULT_LIFETIME_S = 300

/** Stats Perform's SDAPI (Opta Sports Data Soccer API): MA3 polling, with the OAuth token flow. */
export function createStatsPerformClient(options: StatsPerformClientOptions): StatsPerformClient {
  if (!options.outletKey) throw invalidOption('statsperform', 'outletKey', 'required')
  const now = options.now ?? Date.now
  // The outlet key sits in URL paths: redacted from every message like the secret.
  const secrets = [options.outletKey, ...(options.secretKey ? [options.secretKey] : [])]
  const common = { fetch: options.fetch, timeouts: options.timeouts, retry: options.retry, secrets }
  const feeds = createHttpTransport({
    provider: 'statsperform',
    baseUrl: options.baseUrl ?? 'https://api.performfeeds.com/soccerdata',
    ...common,
  })
  const oauth = createHttpTransport({
    provider: 'statsperform',
    baseUrl: options.oauthUrl ?? 'https://oauth.performgroup.com/oauth/token',
    ...common,
  })
  const tokens = oauthTokens(options, oauth, now)

  async function feed(path: string, fixtureId: string, signal?: AbortSignal): Promise<unknown> {
    const url = `${path}/${encodeURIComponent(options.outletKey)}/${encodeURIComponent(fixtureId)}`
    const call = async () => {
      const bearer = await tokens.get()
      return feeds.getJson(url, {
        query: { _rt: 'b', _fmt: 'json' },
        headers: bearer ? { authorization: `Bearer ${bearer}` } : undefined,
        signal,
      })
    }
    try {
      return (await call()).data
    } catch (error) {
      // A token revoked or expired early: renew once and try again.
      if (!(error instanceof ProviderHttpError) || error.status !== 401 || !options.secretKey) throw error
      tokens.drop()
      return (await call()).data
    }
  }

  const getMatchEvents = (fixtureId: string, signal?: AbortSignal) => feed('matchevent', fixtureId, signal)
  const getMatch = (fixtureId: string, signal?: AbortSignal) => feed('match', fixtureId, signal)
  const fetchMatch = async (fixtureId: string, signal?: AbortSignal) =>
    parseStatsPerformMA3((await getMatchEvents(fixtureId, signal)) as object)

  return {
    getMatchEvents,
    getMatch,
    fetchMatch,
    pollMatch(fixtureId, pollOptions = {}) {
      let played = false
      return createPollingSource({
        name: `statsperform:${fixtureId}`,
        matchId: fixtureId,
        poll: async (signal) => {
          const ma3 = (await getMatchEvents(fixtureId, signal)) as {
            liveData?: { matchDetails?: { matchStatus?: unknown } }
          }
          played = ma3.liveData?.matchDetails?.matchStatus === 'Played'
          return parseStatsPerformMA3(ma3)
        },
        // One last poll once the match is Played, then stop.
        isFinal: () => played,
        intervalMs: pollOptions.intervalMs ?? 15_000,
        stampVersions: false,
        onError: pollOptions.onError,
      })
    },
    async close() {
      await Promise.all([feeds.close(), oauth.close()])
    },
  }
}

/**
 * The SDAPI's OAuth access tokens (with a secret key; none without): one renewal at a time, shared by every
 * caller, renewed a minute before it expires, or at once after `drop` (a token revoked or expired early).
 */
function oauthTokens(
  options: StatsPerformClientOptions,
  oauth: HttpTransport,
  now: () => number,
): { get(): Promise<string | undefined>; drop(): void } {
  let token: { value: string; expiresAt: number } | undefined
  let renewing: Promise<string> | undefined

  async function accessToken(): Promise<string | undefined> {
    if (!options.secretKey) return undefined
    if (token && now() < token.expiresAt - RENEW_BEFORE_MS) return token.value
    // One renewal at a time, shared by every caller that needs it.
    // Shared by every caller, so not tied to one caller's signal: the transport's deadline bounds it.
    renewing ??= requestToken().finally(() => {
      renewing = undefined
    })
    return renewing
  }

  async function requestToken(): Promise<string> {
    const timestamp = String(now())
    const basic = createHash('sha512')
      .update(`${options.outletKey}${timestamp}${options.secretKey}`)
      .digest('hex')
    const { data } = await oauth.request('POST', encodeURIComponent(options.outletKey), {
      query: { _fmt: 'json', _rt: 'b' },
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
        timestamp,
      },
      body: 'grant_type=client_credentials&scope=b2b-feeds-auth',
    })
    const body = data as { access_token?: unknown; expires_in?: unknown }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ProviderHttpError({
        provider: 'statsperform',
        code: 'unauthorized',
        message: 'the OAuth answer has no access_token',
        retryable: false,
      })
    }
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_LIFETIME_S
    token = { value: body.access_token, expiresAt: now() + lifetime * 1000 }
    return token.value
  }

  return {
    get: accessToken,
    drop: () => {
      token = undefined
    },
  }
}
