import { expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { type FootballDataWarning, parseFootballDataMatch } from '../../src/providers/football-data/index.js'
import { type CaptureExpectations, itParsesEveryCapture, streamScore } from '../helpers/captures.js'
import { describeShared, readShared, sharedFiles } from '../helpers/shared.js'

const FOLDER = 'fixtures/football-data'
const files = sharedFiles(FOLDER)
const FREE = 'v4_competitions_CL_matches_status_FINISHED_free-tier_Elias-Martinelli-deng.json'
const PAID = 'v4_matches_330299_official-docs-example_paid-tier.json'

/** What each real file gives: a number of events, or the field a typed error names. */
const EXPECTED: CaptureExpectations = {
  'error_403_restricted.json': 'errorCode',
  'error_429_rate_limited.json': 'errorCode',
  [FREE]: 159, // 18 matches × 5 status events + 69 goals
  [PAID]: 25, // 2 goals, 8 bookings, 10 substitutions, 5 status events
}

function parseFile(file: string, warnings: FootballDataWarning[] = []): MatchEvent[] {
  return parseFootballDataMatch(readShared(`${FOLDER}/${file}`), undefined, {
    onWarning: (w) => warnings.push(w),
  })
}

// biome-ignore lint/suspicious/noExplicitAny: raw provider JSON
function raw(file: string): any {
  return JSON.parse(readShared(`${FOLDER}/${file}`))
}

describeShared('Football-Data real captures (../shared/fixtures/football-data)', () => {
  itParsesEveryCapture({
    provider: 'football-data',
    files,
    expected: EXPECTED,
    parse: parseFile,
    expectReason: (reason) => expect(reason).toMatch(/^the provider answered an error 4\d\d: /),
  })

  it('free tier (no goals array): every score change is a goal without a scorer; halves and final score match', () => {
    const events = parseFile(FREE)
    for (const match of raw(FREE).matches) {
      const mine = events.filter((e) => e.matchId === String(match.id))
      const goals = mine.filter((e) => e.type === 'shot')
      for (const goal of goals) {
        expect(goal).toMatchObject({ result: 'goal', providerType: 'score_change' })
        expect(goal.player).toBeUndefined()
      }
      expect(streamScore(mine), String(match.id)).toEqual(match.score.fullTime)
      expect(streamScore(mine.filter((e) => e.period === 1)), String(match.id)).toEqual(match.score.halfTime)
      expect(mine.at(-1)).toMatchObject({ type: 'match_status', providerType: 'FINISHED' })
    }
  })

  it('paid tier (330299): the listed team is the one credited, per each goal`s score; final score matches', () => {
    const body = raw(PAID)
    const events = parseFile(PAID)
    // The convention check the own-goal rule relies on, on real data: each goal's `score` went up for the
    // side of the team it lists (these are REGULAR and PENALTY goals; no OWN goal in the captures).
    let before = { home: 0, away: 0 }
    for (const goal of body.goals) {
      const side = goal.team.id === body.homeTeam.id ? 'home' : 'away'
      expect(goal.score[side]).toBe(before[side] + 1)
      before = goal.score
    }
    expect(streamScore(events)).toEqual(body.score.fullTime)
    expect(events.filter((e) => e.score).map((e) => e.score)).toEqual(
      body.goals.map((g: { score: unknown }) => g.score),
    )
    // The in-game penalty listed in `penalties` is Payet's goal, not a shoot-out kick.
    expect(events.filter((e) => e.period === 5)).toEqual([])
    expect(events.find((e) => e.setPiece === 'penalty')).toMatchObject({ player: { id: '8360' }, minute: 28 })
  })

  it('parses the free-tier list against itself as an empty diff', () => {
    const text = readShared(`${FOLDER}/${FREE}`)
    expect(parseFootballDataMatch(text, text)).toEqual([])
  })
})
