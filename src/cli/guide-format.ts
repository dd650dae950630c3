// A MatchEvent as an item of the integration guide's webhook payload (what parseCustomEvents reads back).
import type { MatchEvent } from '../event/schema.js'
import { fromCanonicalX, fromCanonicalY } from '../pitch/transform.js'
import { CUSTOM_EVENT_TYPES, type CustomTypeMapping } from '../providers/custom/map-custom.js'

const MAPPINGS = Object.entries(CUSTOM_EVENT_TYPES) as [string, CustomTypeMapping][]

/**
 * The guide's `event_type` saying the most about the event: the entry of CUSTOM_EVENT_TYPES with the same
 * type whose other fields (result, set piece, card) all agree and are the most numerous; on a tie the name
 * equal to the type. A type the table does not name is sent as it is (read back as `generic`).
 */
export function guideEventType(event: MatchEvent): string {
  // An event that came in this format keeps its word (`kick_off` stays `kick_off`).
  const own = MAPPINGS.find(([name]) => name === event.providerType)
  if (own && agrees(own[1], event)) return own[0]
  let best: { name: string; score: number } | undefined
  for (const [name, m] of MAPPINGS) {
    if (!agrees(m, event)) continue
    const score =
      (m.result ? 1 : 0) + (m.setPiece ? 1 : 0) + (m.card ? 1 : 0) + (name === event.type ? 0.5 : 0)
    if (!best || score > best.score) best = { name, score }
  }
  return best?.name ?? event.type
}

// Metres on the 105 × 68 pitch → the guide's default pitch (Opta's 0–100, zone by zone, as parseCustomEvents
// reads it back).
const guideX = (x: number) => fromCanonicalX('opta', x)
const guideY = (y: number) => fromCanonicalY('opta', y)

export function toGuideItem(event: MatchEvent): Record<string, unknown> {
  const item: Record<string, unknown> = {
    match_id: event.matchId,
    event_id: event.providerEventId,
    event_type: guideEventType(event),
    minute: event.minute,
    second: event.second,
    period: event.period,
    seq: event.seq,
    version: event.version,
  }
  if (event.deleted) item.deleted = true
  if (event.addedTime !== undefined) item.added_time = event.addedTime
  if (event.team) {
    item.team_id = event.team.id
    if (event.team.side) item.team_side = event.team.side
  }
  if (event.player) item.player_id = event.player.id
  if (event.relatedPlayer) item.related_player_id = event.relatedPlayer.id
  if (event.x != null && event.y != null) {
    item.position_x = guideX(event.x)
    item.position_y = guideY(event.y)
  }
  if (event.endX != null && event.endY != null) {
    item.end_position_x = guideX(event.endX)
    item.end_position_y = guideY(event.endY)
  }
  if (event.score) item.score = event.score
  if (event.timestamp) item.timestamp = event.timestamp
  return item
}

/** Whether reading `mapping` back gives the event's type, and its result, set piece and card where it sets them. */
function agrees(m: CustomTypeMapping, event: MatchEvent): boolean {
  return (
    m.type === event.type &&
    (m.result === undefined || m.result === event.result) &&
    (m.setPiece === undefined || m.setPiece === event.setPiece) &&
    (m.card === undefined || m.card === event.card)
  )
}
