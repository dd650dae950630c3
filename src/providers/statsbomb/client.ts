import { invalidOption } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { createHttpTransport, type HttpRetryOptions, type HttpTimeouts } from '../../http/index.js'
import type { Source } from '../../pipeline/contracts.js'
import { createPollingSource } from '../polling/polling-source.js'
import { parseStatsBombEvents } from './parse-events.js'

export interface StatsBombClientOptions {
  username: string
  password: string
  /** Default `https://data.statsbombservices.com/api`. */
  baseUrl?: string
  /** Read at call time: msw and your own fetch see every request. */
  fetch?: typeof globalThis.fetch
  timeouts?: HttpTimeouts
  retry?: HttpRetryOptions
}

export interface StatsBombClient {
  /** v8 events of a match, raw. */
  getEvents(matchId: string | number, signal?: AbortSignal): Promise<unknown>
  /** v4 lineups of a match, raw. */
  getLineups(matchId: string | number, signal?: AbortSignal): Promise<unknown>
  /** Events and lineups, as MatchEvents. */
  fetchMatch(matchId: string | number, signal?: AbortSignal): Promise<MatchEvent[]>
  /**
   * A Source that polls a match and emits only new or changed events between polls, and marks vanished ones
   * deleted. StatsBomb events carry no revision, so a change is versioned with the time it was seen.
   */
  pollMatch(
    matchId: string | number,
    options?: { intervalMs?: number; onError?: (error: unknown) => void },
  ): Source
  close(): Promise<void>
}

/** StatsBomb's Data API (v8 events, v4 lineups) with HTTP Basic, through matchfeed's HTTP transport. */
export function createStatsBombClient(options: StatsBombClientOptions): StatsBombClient {
  if (!options.username || !options.password) {
    throw invalidOption(
      'statsbomb',
      options.username ? 'password' : 'username',
      'required (username and password)',
    )
  }
  const transport = createHttpTransport({
    provider: 'statsbomb',
    baseUrl: options.baseUrl ?? 'https://data.statsbombservices.com/api',
    headers: {
      authorization: `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`,
    },
    fetch: options.fetch,
    timeouts: options.timeouts,
    retry: options.retry,
  })
  // Lineups do not change during a poll loop: fetched once per match.
  const lineupsCache = new Map<string, unknown>()

  const getEvents = async (matchId: string | number, signal?: AbortSignal) =>
    (await transport.getJson(`v8/events/${encodeURIComponent(String(matchId))}`, { signal })).data
  const getLineups = async (matchId: string | number, signal?: AbortSignal) =>
    (await transport.getJson(`v4/lineups/${encodeURIComponent(String(matchId))}`, { signal })).data

  async function fetchMatch(matchId: string | number, signal?: AbortSignal): Promise<MatchEvent[]> {
    const id = String(matchId)
    let lineups = lineupsCache.get(id)
    if (lineups === undefined) {
      lineups = await getLineups(id, signal)
      // Kept for a few matches only, and not while still empty (published shortly before kick-off).
      if (Array.isArray(lineups) && lineups.length > 0) {
        lineupsCache.set(id, lineups)
        if (lineupsCache.size > 64) lineupsCache.delete(lineupsCache.keys().next().value as string)
      }
    }
    const events = await getEvents(id, signal)
    return parseStatsBombEvents(events as unknown[], { matchId: id, lineups: lineups as unknown[] })
  }

  return {
    getEvents,
    getLineups,
    fetchMatch,
    pollMatch(matchId, pollOptions = {}) {
      return createPollingSource({
        name: `statsbomb:${matchId}`,
        matchId: String(matchId),
        poll: (signal) => fetchMatch(matchId, signal),
        intervalMs: pollOptions.intervalMs ?? 60_000,
        stampVersions: true,
        onError: pollOptions.onError,
      })
    },
    close: () => transport.close(),
  }
}
