/**
 * The paid-tier match (`paid`, its JSON text) as a finished shoot-out: extra time, and `penalties[]` with an
 * in-game penalty in it. A fresh object each call, to edit freely.
 */
export function knockoutMatch(paid: string): Record<string, unknown> {
  const body = JSON.parse(paid)
  body.status = 'FINISHED'
  body.score = {
    winner: 'AWAY_TEAM',
    duration: 'PENALTY_SHOOTOUT',
    fullTime: { home: 4, away: 5 },
    halfTime: { home: 1, away: 0 },
    regularTime: { home: 1, away: 1 },
    extraTime: { home: 0, away: 0 },
    penalties: { home: 3, away: 4 },
  }
  body.goals = [body.goals[0], { ...body.goals[2], minute: 80, score: { home: 1, away: 1 } }]
  body.penalties = [
    { player: { id: 7004, name: 'Cole Palmer' }, team: { id: null, name: null }, scored: true },
    { player: { id: 7004, name: 'Cole Palmer' }, team: { id: 61, name: 'Chelsea FC' }, scored: false },
    { player: { id: 8003, name: 'Declan Rice' }, team: { id: null, name: null }, scored: true },
  ]
  return body
}
