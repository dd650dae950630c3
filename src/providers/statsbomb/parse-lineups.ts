import { decodeJson, shapeError } from '../payload.js'
import { StatsBombLineupsSchema } from './wire.js'

/** What the events parser takes from a lineups file: names by StatsBomb id (as a string). */
export interface StatsBombNames {
  teams: Map<string, string>
  players: Map<string, string>
}

/**
 * Reads a v4 lineups file (old format, or the newer one with `cards` and `positions`). Player names are
 * `player_nickname ?? player_name`: the name the public knows, as StatsBomb's own viewers show it.
 */
export function readStatsBombLineups(input: string | Uint8Array | unknown[]): StatsBombNames {
  const body = decodeStatsBombJson(input, 'lineups')
  const parsed = StatsBombLineupsSchema.safeParse(body)
  if (!parsed.success) throw shapeError('statsbomb', 'lineups', parsed.error, body, eventsNotLineups)
  const teams = new Map<string, string>()
  const players = new Map<string, string>()
  for (const team of parsed.data) {
    teams.set(String(team.team_id), team.team_name)
    for (const player of team.lineup) {
      players.set(String(player.player_id), player.player_nickname || player.player_name)
    }
  }
  return { teams, players }
}

/** An events file given as lineups is the usual mistake: say so. */
function eventsNotLineups(input: unknown): string | undefined {
  const first = Array.isArray(input) ? (input[0] as Record<string, unknown> | undefined) : undefined
  return first && typeof first === 'object' && 'index' in first && 'type' in first && !('lineup' in first)
    ? 'this looks like an events file, not a lineups file'
    : undefined
}

/** Bytes or text to a JSON value; an already parsed value passes through. Errors name `field`. */
export function decodeStatsBombJson(input: unknown, field: string): unknown {
  return decodeJson('statsbomb', input, field, unparsable)
}

function unparsable(text: string, error: unknown): string {
  const start = text.trimStart()
  if (start.startsWith('<')) {
    return 'not JSON but XML (an Opta F24 / F7 feed?): expected a StatsBomb JSON array'
  }
  if (start === '') return 'empty: expected a StatsBomb JSON array'
  return `not valid JSON (${(error as Error).message})`
}
