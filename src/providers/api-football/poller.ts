import type { z } from 'zod'
import { MatchfeedError, ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import type { Source } from '../../pipeline/contracts.js'
import { HEADLINE_DIFF_RULES } from '../headline/headline.js'
import { parsePollerOptions } from '../options.js'
import type { EventLedger } from '../polling/event-ledger.js'
import { iso } from '../polling/poll-clock.js'
import { type PollerReport, type PollResult, pollerParts, pollLoop } from '../polling/poll-loop.js'
import { warnOnce } from '../polling/tracked-match.js'
import {
  type ApiFootballPollerOptions,
  ApiFootballPollerOptionsSchema,
  type ApiFootballWarning,
} from './api-football-options.js'
import { type ApiFootballClient, type ApiFootballEnvelope, createApiFootballClient } from './client.js'
import { API_FOOTBALL_PLANS } from './map-api-football.js'
import { parseApiFootballFixture } from './parse-fixture.js'
import { FixtureSchedule, type FixturesRequest, type TrackedFixture } from './poll-schedule.js'

type Options = z.output<typeof ApiFootballPollerOptionsSchema>

/** The Source, with its request budget and each followed fixture's next poll. */
export interface ApiFootballPoller extends Source, PollerReport {}

/**
 * A Source that follows API-Football fixtures live. It discovers fixtures in play (`fixtures?live=all` or
 * per league) or follows the ids given (`fixtures?id=`, `?ids=` for several at once), diffs each poll
 * against what it delivered (new, changed, removed → deleted) and emits only that; its state advances
 * after `emit` resolves. Requests are spaced to fit the plan's per-minute and per-day budget and the
 * provider's remaining counters (poll-schedule.ts), with one final poll of each fixture after FT/AET/PEN
 * (or any final status). In fixtures mode `start` resolves after the last final poll.
 */
export function createApiFootballPoller(options: ApiFootballPollerOptions): ApiFootballPoller {
  const opts: Options = parsePollerOptions('api-football', ApiFootballPollerOptionsSchema, options)
  const { clock, budget, ledger, report } = pollerParts(opts, API_FOOTBALL_PLANS, HEADLINE_DIFF_RULES)
  const schedule = new FixtureSchedule(opts, budget)
  const client: ApiFootballClient = createApiFootballClient({
    apiKey: opts.apiKey,
    host: opts.host,
    // Every attempt goes through the budget, so the poller retries, not the transport.
    retry: { retries: 0 },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
  })
  const reader: Reader = { opts, schedule, ledger, onWarning: warnOnce<ApiFootballWarning>(opts.onWarning) }

  return {
    name: opts.name,
    ...report(schedule.tracked),
    start: pollLoop<FixturesRequest, ApiFootballEnvelope>({
      provider: 'api-football',
      options: opts,
      clock,
      budget,
      ledger,
      tracked: schedule.tracked,
      next: (now) => schedule.next(now),
      send(request, now, signal) {
        schedule.sent(request, now)
        if (request.kind === 'live')
          return client.fixtures({ live: opts.leagues ? opts.leagues : 'all' }, signal)
        const ids = request.fixtures.map((t) => t.id)
        return client.fixtures(ids.length === 1 ? { id: ids[0]! } : { ids }, signal)
      },
      blockOnQuota: (_error, now) => budget.blockUntilDailyReset(now, 'daily quota exhausted'),
      read: (request, body, now) => readResponse(reader, request, body.response, now),
      close: () => client.close(),
    }),
  }
}

/** What reading a poll's answer needs. */
interface Reader {
  opts: Options
  schedule: FixtureSchedule
  ledger: EventLedger
  onWarning: (warning: ApiFootballWarning) => void
}

type Change = () => void

/** A poll's fixtures → the batch to emit, and the state changes to make once it is accepted. */
function readResponse(reader: Reader, request: FixturesRequest, items: unknown[], now: number): PollResult {
  const batch: MatchEvent[] = []
  const changes: Change[] = []
  const spacing = reader.schedule.interval(now)
  const seen = new Set<string>()
  for (const item of items) {
    const fixture = (
      item as {
        fixture?: { id?: unknown; status?: { short?: unknown; elapsed?: unknown }; timestamp?: unknown }
      }
    )?.fixture
    const fixtureId = fixture?.id === undefined ? undefined : String(fixture.id)
    if (!fixtureId) continue
    let t = reader.schedule.tracked.get(fixtureId)
    if (!t) {
      if (request.kind !== 'live') continue
      t = reader.schedule.follow(fixtureId, now)
    }
    if (t.phase === 'done') continue
    seen.add(fixtureId)
    reader.schedule.noteSeen()
    const target = t
    let events: MatchEvent[]
    try {
      events = parseApiFootballFixture(item, {
        includeRaw: reader.opts.includeRaw,
        onWarning: reader.onWarning,
      })
    } catch (error) {
      if (!(error instanceof ProviderPayloadError)) throw error
      reader.opts.onError?.(error, { retryAt: iso(now + spacing) })
      changes.push(() => {
        target.due = now + spacing
      })
      continue
    }
    batch.push(...reader.ledger.diffSnapshot(fixtureId, events))
    const status = fixture?.status
    const polled = {
      status: typeof status?.short === 'string' ? status.short.toUpperCase() : undefined,
      elapsed: typeof status?.elapsed === 'number' ? status.elapsed : undefined,
      kickOff: typeof fixture?.timestamp === 'number' ? fixture.timestamp * 1000 : undefined,
    }
    // The final poll: the one after a fixture was seen finished, or the first poll of one already finished.
    const wasFinal = (t.phase === 'final' && request.kind === 'ids') || t.lastPolledAt === undefined
    changes.push(() => reader.schedule.advance(target, polled, wasFinal, now, spacing))
  }
  changes.push(...unseen(reader, request, seen, now, spacing))
  return {
    batch,
    apply: () => {
      for (const change of changes) change()
    },
  }
}

/**
 * Followed fixtures the answer left out. Gone from the live list: finished (or interrupted), one final
 * poll by id tells which. Asked for by id and missing three times: no longer followed.
 */
function unseen(
  reader: Reader,
  request: FixturesRequest,
  seen: ReadonlySet<string>,
  now: number,
  spacing: number,
): Change[] {
  const { schedule, opts } = reader
  if (request.kind === 'live') {
    schedule.noteLiveList(seen.size === 0)
    return schedule
      .open()
      .filter((t) => t.phase === 'active' && !seen.has(t.id))
      .map((t) => () => schedule.finalPoll(t, now))
  }
  return request.fixtures
    .filter((t) => !seen.has(t.id))
    .map((t: TrackedFixture) => () => {
      t.misses++
      t.due = now + spacing
      if (t.misses < 3) return
      t.phase = 'done'
      opts.onError?.(
        new MatchfeedError(
          `api-football: fixture ${t.id} is not in the provider's answers: no longer followed`,
          { code: 'unknown_fixture' },
        ),
        { retryAt: iso(now) },
      )
    })
}
