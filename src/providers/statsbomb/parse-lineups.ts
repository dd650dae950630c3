import { ProviderPayloadError } from '../../errors.js'
import { decodeJson, formatPath } from '../payload.js'
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
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ProviderPayloadError('statsbomb', formatPath('lineups', issue.path), issue.message)
  }
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
