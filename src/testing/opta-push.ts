import { feedRecords } from './feed-records.js'
import { type SimulatedMatch, timelineOf } from './simulate-match.js'

type FeedType = 'F24' | 'F7' | 'MA3'

/** A failure of Opta's pushes, from `atMinute` minutes after kick-off, for `count` pushes (default 1). */
export interface PushFailure {
  /**
   * `resend`: the push comes twice; `late`: the push before it comes again after it (out of order);
   * `bad_credentials`: it carries a wrong secret (or comes from another address), then comes again right;
   * `truncated`: its body is cut short, then it comes again whole.
   */
  type: 'resend' | 'late' | 'bad_credentials' | 'truncated'
  atMinute?: number
  count?: number
}

export interface OptaPushOptions {
  /** Your receiver's URL. Default `https://receiver.matchfeed.test/opta`. */
  url?: string
  /** The feeds pushed. Default `['F7', 'F24']`; `MA3` pushes Stats Perform's JSON instead of (or with) F24. */
  feeds?: FeedType[]
  /**
   * How your receiver knows Opta (as configured with Opta; the push carries no signature): HTTP Basic
   * credentials, a shared-secret header, and/or the sender's address (`ip`; with `forwardedFor`, also as
   * `X-Forwarded-For`, for a receiver behind a trusted proxy).
   */
  auth?: {
    basic?: { username: string; password: string }
    header?: { name: string; secret: string }
    ip?: string
    forwardedFor?: boolean
  }
  failures?: PushFailure[]
}

/** One push of Opta's, ready for your receiver. */
export interface OptaPush {
  /** When Opta sends it (simulated time). */
  at: number
  feedType: FeedType
  url: string
  method: 'POST'
  headers: Record<string, string>
  body: string
  /** The sender's address (`auth.ip`): hand it to your receiver (`handler.fetch(request, { remoteAddress })`). */
  remoteAddress: string | undefined
  /** What a correct receiver answers: 200; 401 or 403 for bad credentials; 400 for a truncated body. */
  expectedStatus: number
  /** The injected failure this push is, if any. */
  failure?: PushFailure['type']
  /** A new `Request` of the push (a request's body can be read once). */
  request(): Request
}

/**
 * The HTTP pushes Opta would make about a simulated match, like Stripe's test-header helper: each a whole
 * snapshot (F24 XML, or MA3 JSON) sent on every change of the feed, the F7 (names, line-ups) before
 * kick-off and at each phase, with Opta's `x-meta-*` headers and the credentials your receiver expects.
 * Feed them to `createOptaPushHandler` (`handler.fetch(push.request(), { remoteAddress: push.remoteAddress })`).
 */
export function optaPushes(match: SimulatedMatch, options: OptaPushOptions = {}): OptaPush[] {
  const feeds = options.feeds ?? ['F7', 'F24']
  const times = pushTimes(match)
  const planned: { at: number; feedType: FeedType }[] = []
  for (const feedType of feeds) {
    const at = feedType === 'F7' ? times.f7 : times.events
    for (const t of at) planned.push({ at: t, feedType })
  }
  // At one instant the F7 goes first: the F24 after it is read with its names.
  planned.sort((a, b) => a.at - b.at || Number(b.feedType === 'F7') - Number(a.feedType === 'F7'))
  const pushes = planned.map(({ at, feedType }) => makePush(match, options, feedType, at))
  return injectFailures(match, options, pushes)
}

/** F7 an hour and a quarter before kick-off, at each phase and at the end; F24 / MA3 at every change. */
function pushTimes(match: SimulatedMatch): { f7: number[]; events: number[] } {
  const { list, settledAt } = feedRecords(timelineOf(match))
  const changes = new Set<number>()
  for (const r of list)
    for (const t of [r.shownAt, r.completedAt, r.withdrawnAt]) if (t !== undefined) changes.add(t)
  changes.add(settledAt)
  const phases = list.filter((r) => r.kind !== 'incident').map((r) => r.shownAt)
  return {
    f7: [...new Set([match.kickOff - 75 * 60_000, ...phases, settledAt])].sort((a, b) => a - b),
    events: [...changes].sort((a, b) => a - b),
  }
}

/** One push: the feed's body at `at`, with Opta's headers and the receiver's credentials. */
function makePush(match: SimulatedMatch, options: OptaPushOptions, feedType: FeedType, at: number): OptaPush {
  const body =
    feedType === 'F7'
      ? match.optaF7(at)
      : feedType === 'F24'
        ? match.optaF24(at)
        : JSON.stringify(match.statsPerformMA3(at))
  const url = options.url ?? 'https://receiver.matchfeed.test/opta'
  const headers: Record<string, string> = {
    'content-type': feedType === 'MA3' ? 'application/json' : 'text/xml; charset=UTF-8',
    'x-meta-feed-type': feedType,
    'x-meta-game-id': feedType === 'MA3' ? match.statsPerformId : String(match.fixtureId),
    'x-meta-competition-id': String(match.competition.id),
    'x-meta-season-id': String(match.league.season),
    'x-meta-home-team-id': String(match.home.id),
    'x-meta-away-team-id': String(match.away.id),
    'x-meta-game-status': match.state(at).status,
    'x-meta-mime-type': feedType === 'MA3' ? 'application/json' : 'text/xml',
    'x-meta-default-filename': `${feedType.toLowerCase()}-${match.competition.id}-${match.league.season}-${match.fixtureId}.${feedType === 'MA3' ? 'json' : 'xml'}`,
    'x-meta-last-updated': new Date(at).toISOString(),
    'x-meta-production-server': 'matchfeed-testing',
    encoding: 'UTF-8',
    ...authHeaders(options.auth),
  }
  return pushOf({ at, feedType, url, headers, body, remoteAddress: options.auth?.ip, expectedStatus: 200 })
}

function authHeaders(auth: OptaPushOptions['auth']): Record<string, string> {
  const headers: Record<string, string> = {}
  if (auth?.basic) headers.authorization = `Basic ${btoa(`${auth.basic.username}:${auth.basic.password}`)}`
  if (auth?.header) headers[auth.header.name.toLowerCase()] = auth.header.secret
  if (auth?.ip && auth.forwardedFor) headers['x-forwarded-for'] = auth.ip
  return headers
}

function pushOf(fields: Omit<OptaPush, 'method' | 'request'>): OptaPush {
  return {
    ...fields,
    method: 'POST',
    request() {
      return new Request(this.url, { method: 'POST', headers: this.headers, body: this.body })
    },
  }
}

/** The pushes with the failures asked for woven in: each failure strikes the next `count` pushes due. */
function injectFailures(match: SimulatedMatch, options: OptaPushOptions, pushes: OptaPush[]): OptaPush[] {
  const pending = (options.failures ?? []).map((f) => ({ ...f, left: f.count ?? 1 }))
  const out: OptaPush[] = []
  pushes.forEach((push, k) => {
    const f = pending.find((p) => p.left > 0 && push.at >= match.kickOff + (p.atMinute ?? 0) * 60_000)
    if (f) f.left--
    switch (f?.type) {
      case 'resend':
        out.push(push, pushOf({ ...push, failure: 'resend' }))
        return
      case 'late': {
        const earlier = pushes.slice(0, k).findLast((p) => p.feedType === push.feedType)
        out.push(push)
        if (earlier) out.push(pushOf({ ...earlier, at: push.at, failure: 'late' }))
        return
      }
      case 'bad_credentials':
        out.push(badCredentials(push, options.auth), push)
        return
      case 'truncated': {
        const body = push.body.slice(0, Math.floor(push.body.length / 2))
        out.push(pushOf({ ...push, body, expectedStatus: 400, failure: 'truncated' }), push)
        return
      }
      default:
        out.push(push)
    }
  })
  return out
}

/** The push with a wrong secret (401), or from another address when only the address is checked (403). */
function badCredentials(push: OptaPush, auth: OptaPushOptions['auth']): OptaPush {
  const headers = { ...push.headers }
  if (auth?.basic) headers.authorization = `Basic ${btoa(`${auth.basic.username}:wrong-password`)}`
  if (auth?.header) headers[auth.header.name.toLowerCase()] = 'wrong-secret-value'
  if (auth?.basic || auth?.header)
    return pushOf({ ...push, headers, expectedStatus: 401, failure: 'bad_credentials' })
  if (auth?.forwardedFor) headers['x-forwarded-for'] = '192.0.2.250'
  return pushOf({
    ...push,
    headers,
    remoteAddress: '192.0.2.250',
    expectedStatus: 403,
    failure: 'bad_credentials',
  })
}
