import { prng } from './seeded-random.js'
import type { SimIncident, SimPlayer, SimTeam } from './timeline.js'

/** The default script: every kind of headline event, minutes drawn from the seed. */
export function defaultScript(seed: number, home: SimTeam, away: SimTeam): SimIncident[] {
  const random = prng(seed)
  const at = (from: number, to: number) => from + Math.floor(random() * (to - from + 1))
  const player = (team: SimTeam, n: number): SimPlayer => ({
    id: team.id * 1000 + n,
    name: `${team.name} #${n}`,
  })
  const goal1 = at(5, 30)
  const og = at(31, 44)
  const cancelled = at(50, 60)
  const pen = at(64, 75)
  return [
    { kind: 'goal', minute: goal1, side: 'home', player: player(home, 9), assist: player(home, 10) },
    { kind: 'card', minute: goal1 + 3, side: 'away', player: player(away, 4), card: 'yellow' },
    // An away defender turns the ball into his own net: it counts for home.
    { kind: 'goal', minute: og, side: 'away', player: player(away, 5), detail: 'own' },
    { kind: 'card', minute: 45, extra: 2, side: 'home', player: player(home, 6), card: 'yellow' },
    {
      kind: 'goal',
      minute: cancelled,
      side: 'away',
      player: player(away, 11),
      cancelledAt: { minute: cancelled + 2 },
    },
    { kind: 'sub', minute: 61, side: 'home', off: player(home, 9), on: player(home, 14) },
    { kind: 'sub', minute: 61, side: 'away', off: player(away, 11), on: player(away, 18) },
    { kind: 'goal', minute: pen, side: 'away', player: player(away, 10), detail: 'penalty' },
    { kind: 'card', minute: pen + 4, side: 'away', player: player(away, 4), card: 'second_yellow' },
    { kind: 'sub', minute: 78, side: 'home', off: player(home, 10), on: player(home, 16) },
    {
      kind: 'goal',
      minute: 90,
      extra: 3,
      side: 'home',
      player: player(home, 14),
      assist: player(home, 16),
      reportedAfterMinutes: 3,
    },
  ]
}
