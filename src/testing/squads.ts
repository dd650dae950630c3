import type { Side } from '../event/enums.js'
import type { RenderContext } from './render-context.js'
import type { SimIncident, SimPlayer } from './timeline.js'

/** A player of a simulated team sheet (line-ups of StatsBomb, Stats Perform MA1, Opta F7). */
export interface SquadPlayer {
  id: number
  name: string
  shirt: number
  starter: boolean
  /** Goalkeeper, Defender, Midfielder, Forward; Substitute on the bench. */
  position: string
}

const POSITIONS = [
  'Goalkeeper',
  ...Array(4).fill('Defender'),
  ...Array(4).fill('Midfielder'),
  'Forward',
  'Forward',
]
const cache = new WeakMap<RenderContext, Record<Side, SquadPlayer[]>>()

/**
 * Each side's team sheet: the players the incidents name (those who come on start on the bench), filled up
 * to eleven starters with generated players (`<team> #<n>`, id team id × 1000 + n, as the default script
 * names them). Players without an id are left out.
 */
export function squads(context: RenderContext): Record<Side, SquadPlayer[]> {
  let sheets = cache.get(context)
  if (!sheets) {
    sheets = { home: teamSheet(context, 'home'), away: teamSheet(context, 'away') }
    cache.set(context, sheets)
  }
  return sheets
}

function teamSheet(context: RenderContext, side: Side): SquadPlayer[] {
  const team = context.teams[side]
  const starters = new Map<number, string>()
  const bench = new Map<number, string>()
  for (const entry of [...context.timeline.entries].sort((a, b) => a.at - b.at)) {
    const i = entry.incident
    if (i.side !== side) continue
    for (const p of namedPlayers(i)) {
      if (p.id === null || starters.has(p.id) || bench.has(p.id)) continue
      const comesOn = i.kind === 'sub' && i.on === p
      ;(comesOn ? bench : starters).set(p.id, p.name ?? `${team.name} #${p.id}`)
    }
  }
  for (let n = 1; starters.size < 11; n++) {
    const id = team.id * 1000 + n
    if (!bench.has(id) && !starters.has(id)) starters.set(id, `${team.name} #${n}`)
  }
  const shirts = new Set<number>()
  return [...starters, ...bench].map(([id, name], k): SquadPlayer => {
    const starter = k < starters.size
    const position = starter ? (POSITIONS[k] ?? 'Midfielder') : 'Substitute'
    return { id, name, shirt: shirtOf(name, shirts), starter, position }
  })
}

function namedPlayers(i: SimIncident): SimPlayer[] {
  switch (i.kind) {
    case 'goal':
      return i.detail === 'own' || !i.assist ? [i.player] : [i.player, i.assist]
    case 'sub':
      return [i.off, i.on]
    case 'var':
      return i.player ? [i.player] : []
    default:
      return [i.player]
  }
}

/** The number in `<team> #<n>`, else the lowest number not taken from 20 up. */
function shirtOf(name: string, taken: Set<number>): number {
  const n = Number(/#(\d{1,2})$/.exec(name)?.[1])
  let shirt = Number.isInteger(n) && n > 0 && !taken.has(n) ? n : 20
  while (taken.has(shirt)) shirt++
  taken.add(shirt)
  return shirt
}
