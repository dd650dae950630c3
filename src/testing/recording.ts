import type { Side } from '../event/enums.js'
import type { SimIncident, SimPlayer, SimTeam } from './timeline.js'

export interface Recording {
  fixtureId: number
  kickOff: number
  home: SimTeam
  away: SimTeam
  league?: { id: number; name: string; season: number }
  incidents: SimIncident[]
  extraTime: boolean
  shootout: boolean
  secondHalfAdded?: number
  lineups?: unknown
}

// biome-ignore lint/suspicious/noExplicitAny: a recording is raw provider JSON, read defensively
type Raw = any

/** A recorded API-Football fixture → the script that replays it. */
export function readRecording(recording: unknown): Recording {
  const body: Raw = typeof recording === 'string' ? JSON.parse(recording) : recording
  const item: Raw = Array.isArray(body?.response) ? body.response[0] : body
  if (!item?.fixture?.id || !item?.teams?.home) {
    throw new TypeError('simulateMatch: the recording is not an API-Football fixtures response or item')
  }
  const home: SimTeam = { id: item.teams.home.id, name: item.teams.home.name }
  const away: SimTeam = { id: item.teams.away.id, name: item.teams.away.name }
  const sideOf = (teamId: unknown): Side => (teamId === home.id ? 'home' : 'away')
  const short = String(item.fixture.status?.short ?? 'FT')
  const events: Raw[] = item.events ?? []
  const incidents: SimIncident[] = []
  const cancels: Raw[] = []
  for (const raw of events) {
    if (cancelsGoal(raw)) cancels.push(raw)
    else incidents.push(incidentOf(raw, sideOf(raw.team?.id)))
  }
  for (const raw of cancels) restoreCancelledGoal(incidents, raw, sideOf(raw.team?.id))
  const p2Extra = Math.max(
    item.fixture.status?.extra ?? 0,
    ...events.filter((e: Raw) => e.time?.elapsed === 90).map((e: Raw) => e.time?.extra ?? 0),
  )
  const recordingOut: Recording = {
    fixtureId: item.fixture.id,
    kickOff: (item.fixture.timestamp ?? Date.parse(item.fixture.date) / 1000) * 1000,
    home,
    away,
    incidents,
    extraTime: ['AET', 'PEN'].includes(short) && (item.score?.extratime?.home ?? null) !== null,
    shootout: short === 'PEN',
    secondHalfAdded: p2Extra + 1,
  }
  if (item.league?.id)
    recordingOut.league = { id: item.league.id, name: item.league.name, season: item.league.season }
  if (item.lineups) recordingOut.lineups = item.lineups
  return recordingOut
}

function cancelsGoal(raw: Raw): boolean {
  const detail = String(raw.detail ?? '').toLowerCase()
  return String(raw.type).toLowerCase() === 'var' && /goal (cancelled|disallowed)/.test(detail)
}

/** An event item as an incident, served verbatim (`raw`) when replayed. */
function incidentOf(raw: Raw, side: Side): SimIncident {
  const type = String(raw.type).toLowerCase()
  const detail = String(raw.detail ?? '').toLowerCase()
  const timed = clockOf(raw)
  const player = personOf(raw.player)
  if (type === 'goal' && /shoot-?out/i.test(String(raw.comments ?? ''))) {
    return { kind: 'shootout', side, player, scored: detail === 'penalty', raw }
  }
  if (type === 'goal' && detail === 'missed penalty')
    return { ...timed, kind: 'missed_penalty', side, player }
  if (type === 'goal') {
    const own = detail === 'own goal'
    return {
      ...timed,
      kind: 'goal',
      side: own ? (side === 'home' ? 'away' : 'home') : side,
      player,
      detail: own ? 'own' : detail === 'penalty' ? 'penalty' : 'normal',
    }
  }
  if (type === 'card') {
    const card = detail.startsWith('second') ? 'second_yellow' : detail.startsWith('red') ? 'red' : 'yellow'
    return { ...timed, kind: 'card', card, side, player }
  }
  if (type === 'subst') return { ...timed, kind: 'sub', side, off: player, on: personOf(raw.assist) }
  return { ...timed, kind: 'var', side, player, detail: String(raw.detail ?? '') }
}

/**
 * A goal-cancelling decision: the goal it cancels, listed until the decision (back from the recording, or
 * still in it).
 */
function restoreCancelledGoal(incidents: SimIncident[], raw: Raw, side: Side): void {
  const cancelledAt = clockOf(raw)
  const listed = [...incidents]
    .reverse()
    .find(
      (i) =>
        i.kind === 'goal' &&
        !i.cancelledAt &&
        (i.player.id ?? i.player.name) === (raw.player?.id ?? raw.player?.name) &&
        i.minute <= cancelledAt.minute,
    )
  if (listed && listed.kind === 'goal') {
    listed.cancelledAt = cancelledAt
    listed.listedAfterCancel = true
    return
  }
  const minute = Math.max(1, cancelledAt.minute - 1)
  incidents.push({ kind: 'goal', minute, side, player: personOf(raw.player), cancelledAt })
}

/** The item's match clock, with the item itself to serve verbatim. */
function clockOf(raw: Raw): { minute: number; extra?: number; raw: unknown } {
  return {
    minute: raw.time.elapsed as number,
    ...(raw.time.extra ? { extra: raw.time.extra as number } : {}),
    raw,
  }
}

function personOf(person: Raw): SimPlayer {
  return { id: person?.id ?? null, name: person?.name ?? null }
}
