import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { latestVersions } from '../../src/event/merge.js'
import { type MatchEvent, MatchEventSchema } from '../../src/event/schema.js'
import { type FootballDataWarning, parseFootballDataMatch } from '../../src/providers/football-data/index.js'
import { knockoutMatch } from '../helpers/football-data.js'

const PAID = readFileSync(
  new URL('../fixtures/football-data/match-440001-paid-own-goals.json', import.meta.url),
  'utf8',
)
// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely
type AnyJson = any

function row(e: MatchEvent) {
  const clock = `${e.period}/${e.minute}${e.addedTime ? `+${e.addedTime}` : ''}`
  const score = e.score ? `${e.score.home}-${e.score.away}` : ''
  return [
    e.providerEventId,
    e.type,
    String(e.result),
    clock,
    e.team?.side ?? '',
    e.player?.name ?? '',
    e.relatedPlayer?.name ?? '',
    e.card ?? e.setPiece ?? '',
    score,
    e.deleted ? 'deleted' : '',
  ].join(' | ')
}

describe('parseFootballDataMatch: a paid-tier snapshot', () => {
  it('maps goals, bookings, substitutions and the status with exact values', () => {
    const warnings: FootballDataWarning[] = []
    const events = parseFootballDataMatch(PAID, undefined, { onWarning: (w) => warnings.push(w) })
    expect(events.map(row)).toEqual([
      'status:period_start:1 | period_start | null | 1/0 |  |  |  |  |  | ',
      'goal:61:7004:15:0 | shot | goal | 1/15 | home | Cole Palmer |  | penalty | 1-0 | ',
      'card-yellow:57:8003:30:0 | card | null | 1/30 | away | Declan Rice |  | yellow |  | ',
      'status:period_end:1 | period_end | null | 1/45 |  |  |  |  |  | ',
      'status:period_start:2 | period_start | null | 2/45 |  |  |  |  |  | ',
      'goal:61:8002:48:0 | shot | own_goal | 2/48 | away | William Saliba |  |  | 2-0 | ',
      'subst:61:7003:62:0 | substitution | null | 2/62 | home | Mykhailo Mudryk | Raheem Sterling |  |  | ',
      'subst:57:8004:70:0 | substitution | null | 2/70 | away | Leandro Trossard | Gabriel Jesus |  |  | ',
      'goal:61:7002:77:0 | shot | own_goal | 2/77 | home | Thiago Silva |  |  | 2-1 | ',
      'card-yellow_red:57:8003:81:0 | card | null | 2/81 | away | Declan Rice |  | second_yellow |  | ',
      'card-red:61:7002:88:0 | card | null | 2/88 | home | Thiago Silva |  | red |  | ',
      'goal:61:7010:90+4:0 | shot | goal | 2/90+4 | home | Raheem Sterling | Cole Palmer |  | 3-1 | ',
      'status:period_end:2 | period_end | null | 2/90+4 |  |  |  |  |  | ',
      'status:FINISHED | match_status | null | 2/90+4 |  |  |  |  |  | ',
    ])
    for (const e of events) expect(MatchEventSchema.safeParse(e).success).toBe(true)
    expect(warnings).toEqual([])
    expect(events[1]).toMatchObject({
      id: 'football-data:440001:goal:61:7004:15:0',
      provider: 'football-data',
      matchId: '440001',
      version: 0,
      periodTime: 900,
      providerType: 'PENALTY',
    })
  })

  it('reads the own-goal convention from each goal`s score: team credited is turned round, the defender side kept', () => {
    const events = parseFootballDataMatch(PAID, undefined, {})
    const saliba = events.find((e) => e.player?.id === '8002')!
    // Listed under Chelsea, and the score says Chelsea was credited: the defender's side is Arsenal.
    expect(saliba.team).toEqual({ id: '57', name: 'Arsenal FC', side: 'away' })
    const silva = events.find((e) => e.result === 'own_goal' && e.player?.id === '7002')!
    // Listed under Chelsea, and the score says Arsenal was credited: already the defender's side.
    expect(silva.team).toEqual({ id: '61', name: 'Chelsea FC', side: 'home' })
    expect(silva.score).toEqual({ home: 2, away: 1 })
  })

  it('keeps raw items when asked', () => {
    const body = JSON.parse(PAID)
    const events = parseFootballDataMatch(body, undefined, { includeRaw: true })
    expect(events.find((e) => e.type === 'substitution')!.raw).toEqual(body.substitutions[0])
  })

  it('keeps cards, goal types and statuses named like Object.prototype members generic', () => {
    const body = JSON.parse(PAID)
    body.bookings[0].card = 'constructor'
    body.goals[0].type = '__proto__'
    body.status = 'toString'
    const events = parseFootballDataMatch(body)
    expect(events.filter((e) => e.type === 'generic').map((e) => e.providerType)).toEqual([
      'TOSTRING',
      '__PROTO__',
      'constructor',
    ])
  })

  it('makes unknown cards, goal types and statuses generic with a warning', () => {
    const body = JSON.parse(PAID)
    body.bookings[0].card = 'ORANGE'
    body.goals[0].type = 'GOLDEN'
    body.status = 'DELAYED'
    const warnings: FootballDataWarning[] = []
    const events = parseFootballDataMatch(body, undefined, { onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => [w.field, w.providerType])).toEqual([
      ['goals[0].type', 'GOLDEN'],
      ['bookings[0].card', 'ORANGE'],
      ['status', 'DELAYED'],
    ])
    // The unknown status has no clock: it sits at the kick-off.
    expect(events.filter((e) => e.type === 'generic').map((e) => e.providerType)).toEqual([
      'DELAYED',
      'GOLDEN',
      'ORANGE',
    ])
  })

  it('diffs against the previous snapshot: a goal withdrawn (VAR), a booking corrected', () => {
    const previous = JSON.parse(PAID)
    const current = JSON.parse(PAID)
    current.lastUpdated = '2023-10-22T09:00:00Z'
    current.goals.splice(3, 1) // the 90+4 goal disallowed
    current.score.fullTime = { home: 2, away: 1 }
    current.bookings[2].minute = 87
    const diff = parseFootballDataMatch(current, previous, {})
    const v = Date.parse('2023-10-22T09:00:00Z') / 1000
    // Without the 90+4 goal the second half's end, and the final status, move back to 90.
    expect(diff.map((e) => [e.providerEventId, e.deleted, e.version, e.addedTime])).toEqual([
      ['card-red:61:7002:87:0', false, v, undefined],
      ['card-red:61:7002:88:0', true, v, undefined],
      ['goal:61:7010:90+4:0', true, v, 4],
      ['status:period_end:2', false, v, undefined],
      ['status:FINISHED', false, v, undefined],
    ])
  })
})

describe('parseFootballDataMatch: the free tier, snapshot by snapshot', () => {
  const KICK_OFF = Date.parse('2026-09-08T16:45:00Z')
  function snapshot(
    status: string,
    at: number,
    home: number,
    away: number,
    half?: [number, number],
  ): AnyJson {
    return {
      area: { id: 2077, name: 'Europe', code: 'EUR', flag: 'https://crests.football-data.org/EUR.svg' },
      competition: { id: 2001, name: 'UEFA Champions League', code: 'CL', type: 'CUP' },
      season: { id: 2557, startDate: '2026-09-08', endDate: '2027-01-27', currentMatchday: 1, winner: null },
      id: 575999,
      utcDate: '2026-09-08T16:45:00Z',
      status,
      matchday: 1,
      stage: 'LEAGUE_STAGE',
      group: null,
      lastUpdated: new Date(KICK_OFF + at * 60_000).toISOString(),
      homeTeam: { id: 851, name: 'Club Brugge KV', shortName: 'Club Brugge', tla: 'BRU', crest: '' },
      awayTeam: { id: 58, name: 'Aston Villa FC', shortName: 'Aston Villa', tla: 'AVL', crest: '' },
      score: {
        winner: null,
        duration: 'REGULAR',
        fullTime: { home, away },
        halfTime: half ? { home: half[0], away: half[1] } : { home: null, away: null },
      },
      odds: { msg: 'Activate Odds-Package in User-Panel to retrieve odds.' },
      referees: [],
    }
  }
  const timeline: [string, number, number, number, [number, number]?][] = [
    ['TIMED', -10, 0, 0],
    ['IN_PLAY', 5, 0, 0],
    ['IN_PLAY', 23, 1, 0],
    ['PAUSED', 50, 1, 0, [1, 0]],
    ['IN_PLAY', 62, 1, 0, [1, 0]],
    ['IN_PLAY', 75, 1, 1, [1, 0]],
    ['IN_PLAY', 88, 1, 2, [1, 0]],
    ['IN_PLAY', 90, 1, 1, [1, 0]], // VAR: the second away goal is withdrawn
    ['FINISHED', 112, 1, 1, [1, 0]],
  ]

  it('turns each change into events: status transitions, score changes as goals without a scorer, a withdrawal', () => {
    const diffs: string[][] = []
    const all: MatchEvent[] = []
    let previous: AnyJson
    for (const [status, at, home, away, half] of timeline) {
      const current = snapshot(status, at, home, away, half)
      const events = parseFootballDataMatch(current, previous, { now: KICK_OFF + at * 60_000 })
      diffs.push(events.map(row))
      all.push(...events)
      previous = current
    }
    expect(diffs).toEqual([
      [],
      ['status:period_start:1 | period_start | null | 1/0 |  |  |  |  |  | '],
      ['score:home:1 | shot | goal | 1/23 | home |  |  |  | 1-0 | '],
      ['status:period_end:1 | period_end | null | 1/45 |  |  |  |  |  | '],
      ['status:period_start:2 | period_start | null | 2/45 |  |  |  |  |  | '],
      ['score:away:1 | shot | goal | 2/60 | away |  |  |  | 1-1 | '],
      ['score:away:2 | shot | goal | 2/73 | away |  |  |  | 1-2 | '],
      ['score:away:2 | shot | goal | 2/73 | away |  |  |  |  | deleted'],
      [
        'status:period_end:2 | period_end | null | 2/90 |  |  |  |  |  | ',
        'status:FINISHED | match_status | null | 2/90 |  |  |  |  |  | ',
      ],
    ])
    expect(all.find((e) => e.providerType === 'score_change')).toMatchObject({
      team: { id: '851', name: 'Club Brugge KV', side: 'home' },
    })
    // After the merge rule: every event once, the withdrawn goal deleted, the provider's final score.
    const merged = latestVersions(all)
    expect(new Set(merged.map((e) => e.id)).size).toBe(merged.length)
    const goals = merged.filter((e) => e.type === 'shot' && !e.deleted)
    expect(goals.map((e) => e.team!.side)).toEqual(['home', 'away'])
    expect(merged.find((e) => e.providerEventId === 'score:away:2')!.deleted).toBe(true)
  })

  it('gives a finished free-tier match its goals split by halfTime, the last with the final score', () => {
    const events = parseFootballDataMatch(snapshot('FINISHED', 112, 2, 3, [1, 3]), undefined, {})
    expect(events.filter((e) => e.type === 'shot').map(row)).toEqual([
      'score:home:1 | shot | goal | 1/45 | home |  |  |  | 1-0 | ',
      'score:away:1 | shot | goal | 1/45 | away |  |  |  | 1-1 | ',
      'score:away:2 | shot | goal | 1/45 | away |  |  |  | 1-2 | ',
      'score:away:3 | shot | goal | 1/45 | away |  |  |  | 1-3 | ',
      'score:home:2 | shot | goal | 2/90 | home |  |  |  | 2-3 | ',
    ])
  })

  it('re-issues a withdrawn goal when the score comes back, at a higher version', () => {
    const a = snapshot('IN_PLAY', 70, 1, 0, [1, 0])
    const b = snapshot('IN_PLAY', 72, 0, 0, [1, 0])
    const c = snapshot('IN_PLAY', 75, 1, 0, [1, 0])
    const withdrawn = parseFootballDataMatch(b, a, { now: KICK_OFF + 72 * 60_000 })
    const back = parseFootballDataMatch(c, b, { now: KICK_OFF + 75 * 60_000 })
    expect(withdrawn.map((e) => [e.providerEventId, e.deleted])).toEqual([['score:home:1', true]])
    expect(back.map((e) => [e.providerEventId, e.deleted])).toEqual([['score:home:1', false]])
    expect(back[0]!.version).toBeGreaterThan(withdrawn[0]!.version)
  })
})

describe('parseFootballDataMatch: extra time, shoot-outs, suspensions', () => {
  it('keeps the in-game penalty out of the shoot-out and the shoot-out out of the score', () => {
    const events = parseFootballDataMatch(knockoutMatch(PAID), undefined, {})
    const kicks = events.filter((e) => e.period === 5 && e.type === 'shot')
    expect(kicks.map((e) => [e.providerEventId, e.result, e.team?.side, e.score])).toEqual([
      ['shootout:61:7004:0', null, 'home', undefined],
      ['shootout:-:8003:0', 'goal', 'away', undefined],
    ])
    expect(events.filter((e) => e.score).at(-1)!.score).toEqual({ home: 1, away: 1 })
    expect(events.filter((e) => e.type === 'period_start').map((e) => e.period)).toEqual([1, 2, 3, 4, 5])
    expect(events.at(-1)).toMatchObject({ providerEventId: 'status:FINISHED', period: 5 })
  })

  it('takes shoot-out kicks from score.penalties on the free tier', () => {
    const body = knockoutMatch(PAID)
    delete body.goals
    delete body.penalties
    delete body.bookings
    delete body.substitutions
    const events = parseFootballDataMatch(body, undefined, {})
    expect(events.filter((e) => e.period === 5 && e.type === 'shot').length).toBe(7)
    expect(events.filter((e) => e.score).at(-1)!.score).toEqual({ home: 1, away: 1 })
  })

  it('keeps a suspension when the match resumes (status events are never withdrawn)', () => {
    const body = JSON.parse(PAID)
    body.status = 'SUSPENDED'
    body.minute = 67
    body.injuryTime = null
    const suspended = parseFootballDataMatch(body, undefined, {})
    expect(suspended.find((e) => e.providerEventId === 'status:SUSPENDED:2')).toMatchObject({
      type: 'match_status',
      period: 2,
      minute: 67,
    })
    const resumed = { ...body, status: 'IN_PLAY', minute: 70, lastUpdated: '2023-10-22T09:00:00Z' }
    const diff = parseFootballDataMatch(resumed, body, {})
    expect(diff.filter((e) => e.providerEventId.startsWith('status:'))).toEqual([])
  })

  it('starts extra time from EXTRA_TIME', () => {
    const body = JSON.parse(PAID)
    body.status = 'EXTRA_TIME'
    body.minute = 98
    body.injuryTime = null
    const starts = parseFootballDataMatch(body, undefined, {}).filter((e) => e.type.startsWith('period_'))
    expect(starts.map((e) => e.providerEventId)).toEqual([
      'status:period_start:1',
      'status:period_end:1',
      'status:period_start:2',
      'status:period_end:2',
      'status:period_start:3',
    ])
  })
})

describe('parseFootballDataMatch: lists and bad input', () => {
  it('reads a list envelope and diffs it item by item against the previous list', () => {
    const match = JSON.parse(PAID)
    const list = { filters: {}, resultSet: { count: 1 }, matches: [match] }
    expect(parseFootballDataMatch(list)).toEqual(parseFootballDataMatch(match))
    expect(parseFootballDataMatch(JSON.stringify(list), list)).toEqual([])
  })

  function failure(payload: unknown): ProviderPayloadError {
    try {
      parseFootballDataMatch(payload)
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderPayloadError)
      return error as ProviderPayloadError
    }
    throw new Error('expected a ProviderPayloadError')
  }

  it.each([
    [{ message: 'You reached your request limit. Wait 48 seconds.', errorCode: 429 }, 'errorCode'],
    [{ message: 'The resource you are looking for does not exist.' }, 'message'],
    [{ hello: 1 }, '(body)'],
    ['not json', '(body)'],
    [{ matches: 'x' }, 'matches'],
  ] as [unknown, string][])('%j → %s', (payload, field) => {
    expect(failure(payload)).toMatchObject({ provider: 'football-data', field, code: 'invalid_payload' })
  })

  it('names the field of a malformed match', () => {
    const body = JSON.parse(PAID)
    delete body.goals[1].minute
    expect(failure(body).field).toBe('goals[1].minute')
    const list = { matches: [JSON.parse(PAID), { ...JSON.parse(PAID), status: 3 }] }
    expect(failure(list).field).toBe('matches[1].status')
  })
})
