import type { z } from 'zod'
import { ProviderPayloadError } from '../../errors.js'
import { ProviderHttpError } from '../../http/errors.js'
import type { Source } from '../../pipeline/contracts.js'
import { HEADLINE_DIFF_RULES } from '../headline/headline.js'
import { parsePollerOptions } from '../options.js'
import { iso, MINUTE } from '../polling/poll-clock.js'
import { type PollerReport, pollerParts, pollLoop } from '../polling/poll-loop.js'
import { type NextPoll, warnOnce } from '../polling/tracked-match.js'
import { createFootballDataClient, type FootballDataClient } from './client.js'
import {
  type FootballDataPollerOptions,
  FootballDataPollerOptionsSchema,
  type FootballDataWarning,
} from './football-data-options.js'
import { FOOTBALL_DATA_PLANS } from './map-football-data.js'
import { footballDataSnapshotEvents } from './parse-match.js'
import { type MatchRequest, MatchSchedule } from './poll-schedule.js'

type Options = z.output<typeof FootballDataPollerOptionsSchema>

export type FootballDataNextPoll = NextPoll

/** The Source, with its request budget and each followed match's next poll. */
export interface FootballDataPoller extends Source, PollerReport {}

/**
 * A Source that follows Football-Data.org matches: the ids given, or today's matches of competitions
 * (found with `/v4/matches?competitions=`). Each match is polled on its own (`/v4/matches/{id}`), round
 * robin, the spacing set by the plan's per-minute budget and the provider's `X-Requests-Available-Minute`
 * (poll-schedule.ts); each snapshot is diffed against what was delivered (the previous snapshot placing
 * the clock), its state advancing after `emit` resolves. One final poll after FINISHED (or another final
 * status).
 */
export function createFootballDataPoller(options: FootballDataPollerOptions): FootballDataPoller {
  const opts: Options = parsePollerOptions('football-data', FootballDataPollerOptionsSchema, options)
  const { clock, budget, ledger, report } = pollerParts(opts, FOOTBALL_DATA_PLANS, HEADLINE_DIFF_RULES)
  const client: FootballDataClient = createFootballDataClient({
    token: opts.token,
    retry: { retries: 0 }, // every attempt goes through the budget
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
  })
  const schedule = new MatchSchedule(opts, budget, () => client.rateLimit)
  const onWarning = warnOnce<FootballDataWarning>(opts.onWarning)

  return {
    name: opts.name,
    ...report(schedule.tracked),
    start: pollLoop<MatchRequest, Record<string, unknown>>({
      provider: 'football-data',
      options: opts,
      clock,
      budget,
      ledger,
      tracked: schedule.tracked,
      begin: () => schedule.begin(),
      next: (now) => schedule.next(now),
      send(request, now, signal) {
        schedule.sent(now)
        return request.kind === 'discover'
          ? client.matches({ competitions: opts.competitions }, signal)
          : client.match(request.match.id, signal)
      },
      gone(error, request) {
        if (!(error instanceof ProviderHttpError && error.code === 'not_found' && request.kind === 'match'))
          return false
        request.match.phase = 'done'
        opts.onError?.(error, { retryAt: iso(clock.now()) })
        return true
      },
      blockOnQuota: (error, now) => budget.block(now + (error.retryAfterMs ?? MINUTE), 'quota exhausted'),
      read(request, body, now) {
        if (request.kind === 'discover') {
          schedule.discover(body, now)
          return undefined
        }
        const t = request.match
        try {
          const events = footballDataSnapshotEvents(body, t.snapshot, {
            now,
            includeRaw: opts.includeRaw,
            onWarning,
          })
          const matchId = typeof body.id === 'number' || typeof body.id === 'string' ? String(body.id) : t.id
          return { batch: ledger.diffSnapshot(matchId, events), apply: () => schedule.advance(t, body, now) }
        } catch (error) {
          if (!(error instanceof ProviderPayloadError)) throw error
          t.due = now + schedule.spacing()
          opts.onError?.(error, { retryAt: iso(t.due) })
          return undefined
        }
      },
      close: () => client.close(),
    }),
  }
}
