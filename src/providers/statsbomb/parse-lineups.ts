import { ProviderPayloadError } from '../../errors.js'
import { StatsBombLineupsSchema } from './statsbomb-options.js'

/** What the events parser takes from a lineups file: names by StatsBomb id (as a string). */
export interface StatsBombNames {
  teams: Map<string, string>
  players: Map<string, string>
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Reads a v4 lineups file (old format, or the newer one with `cards` and `positions`). Player names are
 * `player_nickname ?? player_name`: the name the public knows, as StatsBomb's own viewers show it.
 */
export function readStatsBombLineups(input: string | Uint8Array | unknown[]): StatsBombNames {
  const body = decodeJson(input, 'lineups')
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
export function decodeJson(input: unknown, field: string): unknown {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input
  let text: string
  if (typeof input === 'string') {
    // A byte-order mark survives reading a file as text; TextDecoder drops it from bytes itself.
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  } else {
    try {
      text = decoder.decode(input)
    } catch {
      throw new ProviderPayloadError('statsbomb', field, 'not valid UTF-8')
    }
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ProviderPayloadError('statsbomb', field, unparsable(text, error))
  }
}

function unparsable(text: string, error: unknown): string {
  const start = text.trimStart()
  if (start.startsWith('<')) {
    return 'not JSON but XML (an Opta F24 / F7 feed?): expected a StatsBomb JSON array'
  }
  if (start === '') return 'empty: expected a StatsBomb JSON array'
  return `not valid JSON (${(error as Error).message})`
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : `${out}.${String(p)}`),
    root,
  )
}
