import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { MatchEventSchema } from '../../src/event/schema.js'
import { type ApiFootballWarning, parseApiFootballFixture } from '../../src/providers/api-football/index.js'

const FIXTURE = readFileSync(
  new URL('../fixtures/api-football/fixture-900001-own-goal-var.json', import.meta.url),
  'utf8',
)
const EVENTS = readFileSync(
  new URL('../fixtures/api-football/fixtures-events-900001.json', import.meta.url),
  'utf8',
)

type Json = Record<string, unknown>
// biome-ignore lint/suspicious/noExplicitAny: test fixtures are edited freely
type AnyJson = any

function fixture(): AnyJson {
  return JSON.parse(FIXTURE)
}

function item(): AnyJson {
  return fixture().response[0]
}

function parse(payload: unknown, warnings: ApiFootballWarning[] = []) {
  return parseApiFootballFixture(payload, { onWarning: (w) => warnings.push(w) })
}

function row(e: ReturnType<typeof parse>[number]) {
  const clock = `${e.period}/${e.minute}${e.addedTime ? `+${e.addedTime}` : ''}`
  const extra = e.card ?? e.setPiece ?? ''
  const score = e.score ? `${e.score.home}-${e.score.away}` : ''
  return [
    e.providerEventId,
    e.type,
    String(e.result),
    clock,
    e.team?.side ?? '',
    e.player?.name ?? '',
    e.relatedPlayer?.name ?? '',
    extra,
    score,
    e.deleted ? `deleted v${e.version}` : `v${e.version}`,
  ].join(' | ')
}

describe('parseApiFootballFixture: a fixtures?id= response', () => {
  it('maps every event of the hand-written match, in clock order, with exact values', () => {
    const warnings: ApiFootballWarning[] = []
    const events = parse(FIXTURE, warnings)
    expect(events.map(row)).toEqual([
      'status:period_start:1 | period_start | null | 1/0 |  |  |  |  |  | v0',
      'goal:529:1100:12:0 | shot | goal | 1/12 | away | A. Griezmann | F. de Jong |  | 0-1 | v0',
      'goal:546:1200:27:0 | shot | own_goal | 1/27 | away | C. Lenglet |  |  | 1-1 | v0',
      'card-yellow:546:2001:34:0 | card | null | 1/34 | home | D. Suárez |  | yellow |  | v0',
      'card-yellow:529:1102:45+2:0 | card | null | 1/45+2 | away | Pedri |  | yellow |  | v0',
      'status:period_end:1 | period_end | null | 1/45+2 |  |  |  |  |  | v0',
      'status:period_start:2 | period_start | null | 2/45 |  |  |  |  |  | v0',
      'subst:546:2002:46:0 | substitution | null | 2/46 | home | J. Mata | E. Ünal |  |  | v0',
      'subst:529:1110:58:0 | substitution | null | 2/58 | away | O. Dembélé | A. Fati |  |  | v0',
      'goal:546:2010:63:0 | shot | goal | 2/63 | home | E. Ünal |  | penalty | 2-1 | v0',
      'miss:529:1100:70:0 | shot | null | 2/70 | away | A. Griezmann |  | penalty |  | v0',
      'goal:546:2003:75:0 | shot | goal | 2/75 | home | N. Maksimović |  |  |  | deleted v1',
      'var-goal_cancelled:546:2003:77:0 | var | null | 2/77 | home | N. Maksimović |  |  | 2-1 | v0',
      'card-second_yellow:529:1102:80:0 | card | null | 2/80 | away | Pedri |  | second_yellow |  | v0',
      'card-red:529:1102:80:0 | card | null | 2/80 | away | Pedri |  | red |  | v0',
      'var-penalty_confirmed:546:2001:88:0 | var | null | 2/88 | home | D. Suárez |  |  |  | v0',
      'goal:529:1100:90+3:0 | shot | goal | 2/90+3 | away | A. Griezmann |  |  | 2-2 | v0',
      'var-offside_check:546:-:90+5:0 | generic | null | 2/90+5 | home |  |  |  |  | v0',
      'status:period_end:2 | period_end | null | 2/90+5 |  |  |  |  |  | v0',
      'status:FT | match_status | null | 2/90+5 |  |  |  |  |  | v0',
    ])
    for (const event of events) expect(MatchEventSchema.safeParse(event).success).toBe(true)
    expect(warnings.map((w) => [w.field, w.providerType])).toEqual([
      ['response[0].events[14].detail', 'Var/Offside check'],
      ['response[0].events[5]', 'subst/Substitution 1'],
    ])
  })

  it('builds ids, seq and clock fields exactly', () => {
    const [kickOff, goal] = parse(FIXTURE)
    expect(kickOff).toEqual({
      id: 'api-football:900001:status:period_start:1',
      provider: 'api-football',
      providerEventId: 'status:period_start:1',
      matchId: '900001',
      seq: 10_000_000,
      version: 0,
      deleted: false,
      type: 'period_start',
      result: null,
      period: 1,
      periodTime: 0,
      minute: 0,
      second: 0,
      providerType: 'fixture.status',
      timestamp: '2021-01-04T20:00:00.000Z',
    })
    expect(goal).toMatchObject({
      id: 'api-football:900001:goal:529:1100:12:0',
      period: 1,
      periodTime: 720,
      minute: 12,
      second: 0,
      team: { id: '529', name: 'Barcelona', side: 'away' },
      player: { id: '1100', name: 'A. Griezmann' },
      relatedPlayer: { id: '1101', name: 'F. de Jong' },
      providerType: 'Goal/Normal Goal',
    })
    expect(goal!.seq).toBeGreaterThan(10_720_000)
    expect(goal!.seq).toBeLessThan(10_721_000)
  })

  it('turns an own goal to the defender side: Lenglet (Barcelona) listed under Getafe, counted for Getafe', () => {
    const ownGoal = parse(FIXTURE).find((e) => e.result === 'own_goal')!
    expect(ownGoal.team).toEqual({ id: '529', name: 'Barcelona', side: 'away' })
    expect(ownGoal.player).toEqual({ id: '1200', name: 'C. Lenglet' })
    expect(ownGoal.score).toEqual({ home: 1, away: 1 })
  })

  it('keeps the team of an own goal whose player the lineups place in that team, with a warning', () => {
    const body = item()
    const og = body.events[1]
    og.team = { id: 529, name: 'Barcelona' } // the defender convention
    const warnings: ApiFootballWarning[] = []
    const ownGoal = parse(body, warnings).find((e) => e.result === 'own_goal')!
    expect(ownGoal.team).toEqual({ id: '529', name: 'Barcelona', side: 'away' })
    expect(ownGoal.score).toEqual({ home: 1, away: 1 })
    expect(warnings.some((w) => w.message.startsWith('own goal: the player is in this team'))).toBe(true)
  })

  it('withdraws the goal a VAR decision cancels (deleted at version 1) and scores the decision', () => {
    const events = parse(FIXTURE)
    const cancelled = events.find((e) => e.providerEventId === 'goal:546:2003:75:0')!
    expect(cancelled).toMatchObject({ deleted: true, version: 1, result: 'goal' })
    expect(cancelled.score).toBeUndefined()
    const decision = events.find((e) => e.providerType === 'Var/Goal cancelled')!
    expect(decision).toMatchObject({ type: 'var', score: { home: 2, away: 1 } })
    expect(decision.seq).toBeGreaterThan(cancelled.seq)
  })

  it('ends with the provider score: goals counted from the stream equal `goals`', () => {
    const events = parse(FIXTURE)
    const score = { home: 0, away: 0 }
    for (const e of events) {
      if (e.deleted || e.type !== 'shot' || e.period === 5) continue
      if (e.result === 'goal') score[e.team!.side!]++
      if (e.result === 'own_goal') score[e.team!.side === 'home' ? 'away' : 'home']++
    }
    expect(score).toEqual({ home: 2, away: 2 })
    expect(events.filter((e) => e.score).at(-1)!.score).toEqual({ home: 2, away: 2 })
  })

  it('swaps a substitution that is reversed against the lineups', () => {
    const sub = parse(FIXTURE).find((e) => e.providerEventId === 'subst:529:1110:58:0')!
    expect(sub.player).toEqual({ id: '1103', name: 'O. Dembélé' })
    expect(sub.relatedPlayer).toEqual({ id: '1110', name: 'A. Fati' })
  })

  it('keeps the raw item when asked', () => {
    const events = parseApiFootballFixture(FIXTURE, { includeRaw: true })
    const goal = events.find((e) => e.providerEventId === 'goal:529:1100:12:0')!
    expect(goal.raw).toEqual(item().events[0])
    expect(events.find((e) => e.type === 'period_start')!.raw).toBeUndefined()
  })

  it('reads bytes, strings, the envelope, its response array and one item alike', () => {
    const expected = parse(FIXTURE)
    expect(parse(new TextEncoder().encode(FIXTURE))).toEqual(expected)
    expect(parse(fixture())).toEqual(expected)
    expect(parse(fixture().response)).toEqual(expected)
    expect(parse(item())).toEqual(expected)
  })
})

describe('parseApiFootballFixture: deterministic providerEventId', () => {
  const ids = (payload: unknown) => parse(payload).map((e) => e.id)

  it('keeps every id when the provider inserts an earlier event and re-orders the list', () => {
    const before = parse(FIXTURE)
    const body = item()
    const inserted = {
      time: { elapsed: 5, extra: null },
      team: { id: 546, name: 'Getafe' },
      player: { id: 2002, name: 'J. Mata' },
      assist: { id: null, name: null },
      type: 'Card',
      detail: 'Yellow Card',
      comments: 'Foul',
    }
    body.events = [...body.events].reverse()
    body.events.splice(7, 0, inserted)
    const after = parse(body)
    expect(after).toHaveLength(before.length + 1)
    const byId = new Map(after.map((e) => [e.id, e]))
    for (const event of before) expect(byId.get(event.id)).toEqual(event)
    expect(byId.get('api-football:900001:card-yellow:546:2002:5:0')).toMatchObject({
      card: 'yellow',
      minute: 5,
    })
  })

  it('counts identical items (unnamed cards in the same minute) with an occurrence suffix', () => {
    const body = item()
    const card = {
      time: { elapsed: 45, extra: 6 },
      team: { id: 546, name: 'Getafe' },
      player: { id: null, name: null },
      assist: { id: null, name: null },
      type: 'Card',
      detail: 'Yellow Card',
      comments: null,
    }
    body.events = [card, ...body.events, { ...card }]
    const cards = ids(body).filter((id) => id.includes(':card-yellow:546:-:'))
    expect(cards).toEqual([
      'api-football:900001:card-yellow:546:-:45+6:0',
      'api-football:900001:card-yellow:546:-:45+6:1',
    ])
  })

  it('keys names without ids by a hash of the name, and keeps an edited detail on the same id', () => {
    const body = item()
    body.events[0].player = { id: null, name: 'A. Griezmann' }
    const first = parse(body)[1]!
    expect(first.providerEventId).toMatch(/^goal:529:n[0-9a-f]{8}:12:0$/)
    expect(first.player).toEqual({ id: 'name:A. Griezmann', name: 'A. Griezmann' })
    body.events[0].detail = 'Penalty'
    const edited = parse(body)[1]!
    expect(edited.providerEventId).toBe(first.providerEventId)
    expect(edited.setPiece).toBe('penalty')
  })
})

describe('parseApiFootballFixture: statuses', () => {
  function statusOf(short: string, elapsed: number | null, patch: (b: AnyJson) => void = () => {}) {
    const body = item()
    body.events = []
    body.goals = { home: 0, away: 0 }
    body.fixture.status = { long: 'x', short, elapsed, extra: null }
    patch(body)
    const warnings: ApiFootballWarning[] = []
    const events = parse(body, warnings)
    return {
      keys: events.map((e) => `${e.providerEventId}${e.type === 'generic' ? ' (generic)' : ''}`),
      warnings,
    }
  }

  it.each([
    ['NS', null, []],
    ['1H', 23, ['status:period_start:1']],
    ['HT', 45, ['status:period_start:1', 'status:period_end:1']],
    ['2H', 67, ['status:period_start:1', 'status:period_end:1', 'status:period_start:2']],
    [
      'FT',
      90,
      [
        'status:period_start:1',
        'status:period_end:1',
        'status:period_start:2',
        'status:period_end:2',
        'status:FT',
      ],
    ],
    [
      'ET',
      112,
      [
        'status:period_start:1',
        'status:period_end:1',
        'status:period_start:2',
        'status:period_end:2',
        'status:period_start:3',
        'status:period_end:3',
        'status:period_start:4',
      ],
    ],
    ['SUSP', 67, ['status:period_start:1', 'status:period_end:1', 'status:period_start:2', 'status:SUSP:67']],
    ['PST', null, ['status:PST']],
  ] as const)('%s → %j', (short, elapsed, expected) => {
    expect(statusOf(short, elapsed).keys).toEqual(expected)
  })

  it('shows a penalty shoot-out as period 5, kicks never in the score', () => {
    const body = item()
    body.fixture.status = { long: 'Match Finished', short: 'PEN', elapsed: 120, extra: null }
    body.score.extratime = { home: 0, away: 0 }
    body.score.penalty = { home: 1, away: 0 }
    const kick = (extra: number, team: number, player: [number, string], detail: string) => ({
      time: { elapsed: 120, extra },
      team: { id: team, name: team === 546 ? 'Getafe' : 'Barcelona' },
      player: { id: player[0], name: player[1] },
      assist: { id: null, name: null },
      type: 'Goal',
      detail,
      comments: 'Penalty Shootout',
    })
    body.events.push(
      kick(2, 529, [1103, 'O. Dembélé'], 'Missed Penalty'),
      kick(1, 546, [2001, 'D. Suárez'], 'Penalty'),
    )
    const events = parse(body)
    const kicks = events.filter((e) => e.period === 5 && e.type === 'shot')
    expect(kicks.map((e) => [e.providerEventId, e.result, e.minute, e.addedTime, e.score])).toEqual([
      ['goal:546:2001:120+1:0', 'goal', 120, undefined, undefined],
      ['miss:529:1103:120+2:0', null, 120, undefined, undefined],
    ])
    expect(events.map((e) => e.providerEventId).slice(-3)).toEqual([
      'miss:529:1103:120+2:0',
      'status:period_end:5',
      'status:PEN',
    ])
    expect(events.filter((e) => e.type === 'period_start').map((e) => e.period)).toEqual([1, 2, 3, 4, 5])
    expect(events.filter((e) => e.score).at(-1)!.score).toEqual({ home: 2, away: 2 })
  })

  it('places minutes past 45 in the first half while the status is 1H', () => {
    const body = item()
    body.fixture.status = { long: 'First Half', short: '1H', elapsed: 47, extra: null }
    body.goals = { home: 0, away: 1 }
    body.events = [{ ...body.events[0], time: { elapsed: 46, extra: null } }]
    const goal = parse(body).find((e) => e.type === 'shot')!
    expect([goal.period, goal.minute, goal.addedTime, goal.periodTime]).toEqual([1, 45, 1, 2760])
  })

  it('makes an unknown status a generic event with a warning', () => {
    const { keys, warnings } = statusOf('XYZ', 12)
    expect(keys).toEqual(['status:XYZ (generic)'])
    expect(warnings).toEqual([
      {
        provider: 'api-football',
        matchId: '900001',
        field: 'fixture.status.short',
        message: 'unknown status "XYZ": kept as generic',
        providerType: 'XYZ',
      },
    ])
  })

  it('makes an unknown type a generic event with a warning, never a throw', () => {
    const body = item()
    body.events.push({ ...body.events[0], type: 'Injury', detail: 'Knee' })
    const warnings: ApiFootballWarning[] = []
    const injury = parse(body, warnings).find((e) => e.providerType === 'Injury/Knee')!
    expect(injury).toMatchObject({ type: 'generic', result: null, providerEventId: 'injury:529:1100:12:0' })
    expect(warnings.find((w) => w.providerType === 'Injury/Knee')).toMatchObject({
      field: 'events[15].type',
      message: 'unknown type "Injury": kept as generic',
    })
  })

  it('keeps a type or detail named like an Object.prototype member generic (no prototype lookup)', () => {
    for (const [type, detail] of [
      ['Constructor', 'Knee'],
      ['__proto__', 'x'],
      ['Goal', 'constructor'],
      ['Card', '__proto__'],
      ['toString', 'valueOf'],
    ]) {
      const body = item()
      body.events.push({ ...body.events[0], type, detail })
      const warnings: ApiFootballWarning[] = []
      const events = parse(body, warnings)
      const odd = events.find((e) => e.providerType === `${type}/${detail}`)
      expect(odd, `${type}/${detail}`).toMatchObject({ type: 'generic', result: null })
      // Told as unknown, like any other unknown type or detail.
      expect(warnings.find((w) => w.providerType === `${type}/${detail}`)?.message).toMatch(/kept as generic/)
      for (const e of events) expect(MatchEventSchema.safeParse(e).success).toBe(true)
    }
  })

  it('infers goals without a scorer when `goals` is ahead of the events', () => {
    const body = item()
    body.fixture.status = { long: 'Second Half', short: '2H', elapsed: 81, extra: null }
    body.goals = { home: 3, away: 2 }
    const inferred = parse(body).filter((e) => e.providerType === 'score_change')
    expect(
      inferred.map((e) => [e.providerEventId, e.type, e.result, e.minute, e.team?.side, e.player, e.score]),
    ).toEqual([['score:home:3', 'shot', 'goal', 81, 'home', undefined, { home: 3, away: 2 }]])
  })
})

describe('parseApiFootballFixture: a fixtures/events response', () => {
  it('takes the fixture id from parameters.fixture, infers the defender side of an own goal from the other team', () => {
    const events = parse(EVENTS)
    expect(events.map((e) => [e.id, e.result, e.team, e.score])).toEqual([
      ['api-football:900001:goal:529:1100:12:0', 'goal', { id: '529', name: 'Barcelona' }, undefined],
      ['api-football:900001:goal:546:1200:27:0', 'own_goal', { id: '529' }, undefined],
      ['api-football:900001:card-yellow:546:2001:34:0', null, { id: '546', name: 'Getafe' }, undefined],
    ])
  })

  it('gives sides and scores with options.teams', () => {
    const events = parseApiFootballFixture(EVENTS, {
      teams: { home: { id: 546, name: 'Getafe' }, away: { id: '529', name: 'Barcelona' } },
    })
    expect(events.map((e) => [e.team?.side, e.score])).toEqual([
      ['away', { home: 0, away: 1 }],
      ['away', { home: 1, away: 1 }],
      ['home', undefined],
    ])
  })

  it('needs the fixture id when parameters lack it', () => {
    const body = JSON.parse(EVENTS)
    body.parameters = []
    expect(() => parse(body)).toThrow(
      expect.objectContaining({ field: 'parameters.fixture', name: 'ProviderPayloadError' }),
    )
    expect(parseApiFootballFixture(body, { fixtureId: 42 })[0]!.matchId).toBe('42')
  })

  it('refuses an own goal whose defending team it cannot tell', () => {
    const body = JSON.parse(EVENTS)
    body.response = [body.response[1]]
    expect(() => parse(body)).toThrow(/response\[0\]\.team: own goal: cannot tell the defending team/)
  })
})

describe('parseApiFootballFixture: bad input', () => {
  function failure(payload: unknown): ProviderPayloadError {
    try {
      parse(payload)
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderPayloadError)
      return error as ProviderPayloadError
    }
    throw new Error('expected a ProviderPayloadError')
  }

  it.each([
    [
      { get: 'status', parameters: [], errors: { token: 'Error/Missing application key.' }, response: [] },
      'errors.token',
    ],
    [{ errors: { rateLimit: 'Too many requests.' } }, 'errors.rateLimit'],
    [{ get: 'fixtures/lineups', parameters: { fixture: '1' }, errors: [], response: [] }, 'get'],
    [{ hello: 'world' }, 'response'],
    ['{"get":', '(body)'],
    [42, '(body)'],
  ] as [unknown, string][])('%j → %s', (payload, field) => {
    expect(failure(payload)).toMatchObject({ provider: 'api-football', field, code: 'invalid_payload' })
  })

  it('names the field of a malformed event', () => {
    const body = fixture()
    body.response[0].events[3].time = { extra: null }
    expect(failure(body)).toMatchObject({ field: 'response[0].events[3].time.elapsed' })
  })

  it('names the field of a malformed fixture', () => {
    const body = fixture()
    delete (body.response[0] as Json).teams
    expect(failure(body).field).toBe('response[0].teams')
  })

  it('accepts an empty success', () => {
    expect(
      parse({ get: 'fixtures', parameters: { live: 'all' }, errors: [], results: 0, response: [] }),
    ).toEqual([])
    expect(parse({ get: 'fixtures', parameters: [], errors: {}, results: 0, response: [] })).toEqual([])
  })
})
