import { expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { type ApiFootballWarning, parseApiFootballFixture } from '../../src/providers/api-football/index.js'
import { type CaptureExpectations, itParsesEveryCapture, streamScore } from '../helpers/captures.js'
import { describeShared, readShared, sharedFiles } from '../helpers/shared.js'

const FOLDER = 'fixtures/api-football'
const files = sharedFiles(FOLDER)

/** What each real file gives: a number of events, or the field a typed error names. */
const EXPECTED: CaptureExpectations = {
  'COMPOSED_error_200_daily_quota_fixtures.json': 'errors.requests',
  'error_200_invalid_key_status.json': 'errors.token',
  'error_200_per_minute_ratelimit_fragment.json': 'errors.rateLimit',
  'error_403_no_key_header_status.json': 'errors.token',
  'fixtures_events_215662_official-docs-example.json': 18,
  'fixtures_id_1145511_tz_seoul_var_footballay.json': 19,
  'fixtures_id_1208397_FT_footballay.json': 22,
  'fixtures_live_all_2024-02-21_live-fut.json': 116,
  'syurchen93_fixture-events-goal.json': 2,
  'syurchen93_fixture-events.json': 9,
  'syurchen93_fixture-lineup-full.json': 'get',
  'syurchen93_fixture-player-stats.json': 'get',
  'syurchen93_fixture-stats-ball-possession.json': 'get',
  'syurchen93_fixtures-cl-penalties.json': 71,
  'syurchen93_injuries-error.json': 'errors.required',
  'syurchen93_team-leipzig-error.json': 'errors.league',
  'syurchen93_venue-camp-nou-error.json': 'errors.country',
}

function parseFile(file: string, warnings: ApiFootballWarning[] = []): MatchEvent[] {
  return parseApiFootballFixture(readShared(`${FOLDER}/${file}`), { onWarning: (w) => warnings.push(w) })
}

// biome-ignore lint/suspicious/noExplicitAny: raw provider JSON
function raw(file: string): any {
  return JSON.parse(readShared(`${FOLDER}/${file}`))
}

describeShared('API-Football real captures (../shared/fixtures/api-football)', () => {
  // No warnings either: every substitution agrees with the lineups.
  itParsesEveryCapture({
    provider: 'api-football',
    files,
    expected: EXPECTED,
    parse: parseFile,
    expectReason: (reason) => expect(reason.length).toBeGreaterThan(10),
  })

  it('ends every fixture with the provider score (`goals`), live ones included', () => {
    for (const file of files.filter((f) => /^(fixtures_id|fixtures_live|syurchen93_fixtures-cl)/.test(f))) {
      const events = parseFile(file)
      for (const fixture of raw(file).response) {
        const mine = events.filter((e) => e.matchId === String(fixture.fixture.id))
        expect(streamScore(mine), `${file} ${fixture.fixture.id}`).toEqual(fixture.goals)
        const last = mine.filter((e) => e.score).at(-1)?.score ?? { home: 0, away: 0 }
        expect(last, `${file} ${fixture.fixture.id}`).toEqual(fixture.goals)
      }
    }
  })

  it('VAR: Spain–Croatia (1145511): the cancelled Petković goal is gone from the capture, the decision is kept', () => {
    const events = parseFile('fixtures_id_1145511_tz_seoul_var_footballay.json')
    const decision = events.find((e) => e.type === 'var')!
    expect(decision).toMatchObject({
      providerEventId: 'var-goal_cancelled:3:1331:81:0',
      providerType: 'Var/Goal cancelled',
      period: 2,
      minute: 81,
      team: { id: '3', name: 'Croatia', side: 'away' },
      player: { id: '1331', name: 'Bruno Petković' },
      score: { home: 3, away: 0 },
    })
    expect(events.filter((e) => e.type === 'shot' && e.team?.side === 'away')).toEqual([])
    expect(streamScore(events)).toEqual({ home: 3, away: 0 })
  })

  it('own goals: no capture here labels one; a goal by the same player for both sides stays as given', () => {
    for (const file of files.filter((f) => EXPECTED[f] !== undefined && typeof EXPECTED[f] === 'number')) {
      expect(readShared(`${FOLDER}/${file}`)).not.toContain('Own Goal')
    }
    // 1174971: J. Prendas (79680) is listed for the home side at 8' and for the away side at 20' — an
    // unlabelled own goal listed under the team credited, which is API-Football's own-goal convention.
    const events = parseFile('fixtures_live_all_2024-02-21_live-fut.json').filter(
      (e) => e.matchId === '1174971',
    )
    const byPrendas = events.filter((e) => e.player?.id === '79680')
    expect(byPrendas.map((e) => [e.minute, e.result, e.team?.side, e.score])).toEqual([
      [8, 'goal', 'home', { home: 1, away: 0 }],
      [20, 'goal', 'away', { home: 1, away: 1 }],
    ])
  })

  it('shoot-outs (1149519, 1149523): kicks are period 5, scored kicks match score.penalty, never the match score', () => {
    const file = 'syurchen93_fixtures-cl-penalties.json'
    const events = parseFile(file)
    for (const fixture of raw(file).response) {
      const kicks = events.filter(
        (e) => e.matchId === String(fixture.fixture.id) && e.period === 5 && e.type === 'shot',
      )
      const scored = { home: 0, away: 0 }
      for (const kick of kicks) {
        expect(kick).toMatchObject({ setPiece: 'penalty', minute: 120 })
        expect(kick.score).toBeUndefined()
        if (kick.result === 'goal') scored[kick.team!.side!]++
      }
      expect(scored).toEqual(fixture.score.penalty)
      expect(kicks.map((k) => k.providerEventId.split(':')[3])).toEqual(
        kicks.map((_, i) => `120+${i + 1}`), // in kick order, whatever the list order
      )
    }
  })

  it("substitutions: player leaves, assist comes on, consistent with the lineups (Dalot on at 20', off at 46')", () => {
    const events = parseFile('fixtures_id_1208397_FT_footballay.json')
    const dalot = events.filter(
      (e) => e.type === 'substitution' && (e.player?.id === '886' || e.relatedPlayer?.id === '886'),
    )
    expect(dalot.map((e) => [e.minute, e.player?.name, e.relatedPlayer?.name])).toEqual([
      [20, 'N. Mazraoui', 'Diogo Dalot'],
      [46, 'Diogo Dalot', 'K. Mainoo'],
    ])
  })

  it("keys the docs example (215662) without collisions, a second yellow and its red at 90' apart", () => {
    const events = parseFile('fixtures_events_215662_official-docs-example.json')
    expect(
      events.filter((e) => e.minute === 90 && e.player?.id === '35845').map((e) => e.providerEventId),
    ).toEqual(['card-red:463:35845:90:0', 'card-yellow:463:35845:90:0'])
  })
})
