import type { AnyMatchEvent, MatchEvent } from '../event/schema.js'
import { CUSTOM_EVENT_TYPES, type CustomEventType } from '../providers/custom/index.js'
import { clockTime, type FeedRecord, feedRecords, runningScores } from './feed-records.js'
import type { RenderContext } from './render-context.js'
import type { SimIncident, SimPlayer } from './timeline.js'

/** One message of a simulated live feed, in both formats a WebSocket feed may speak. */
export interface FeedMessage {
  /** When the feed sends it. */
  at: number
  /** The feed's counter: 1, 2, 3, … over the match (the `seq` of both formats). */
  seq: number
  /** The integration guide's webhook format, one event (`customFrames()` reads it). */
  item: Record<string, unknown>
  /** The same as a MatchEvent (`matchEventFrames` reads it), with names. */
  event: MatchEvent
}

/** A live feed's messages about the simulated match: each event when shown, revised, withdrawn. */
export interface WebSocketRenderer {
  /** Every message of the match, in the order sent; MatchEvents named `provider`. */
  messages(provider: string): readonly FeedMessage[]
}

type Json = Record<string, unknown>
type Stage = 'shown' | 'complete' | 'withdrawn'
const PERIOD_END_MINUTE: Record<number, number | undefined> = { 1: 45, 2: 90, 3: 105, 4: 120 }

export function createWebSocketRenderer(context: RenderContext): WebSocketRenderer {
  const cache = new Map<string, FeedMessage[]>()
  return {
    messages(provider) {
      let list = cache.get(provider)
      if (!list) {
        list = buildMessages(context, provider)
        cache.set(provider, list)
      }
      return list
    },
  }
}

function buildMessages(context: RenderContext, provider: string): FeedMessage[] {
  const records = feedRecords(context.timeline).list
  const drafts: { at: number; order: number; item: Json; event: MatchEvent }[] = []
  for (const r of records) {
    const stages: [Stage, number | undefined][] = [
      ['shown', r.shownAt],
      ['complete', r.completedAt],
      ['withdrawn', r.withdrawnAt],
    ]
    let version = 0
    for (const [stage, at] of stages) {
      if (at === undefined) continue
      for (const [item, event] of stageMessages(context, provider, r, stage, version, at))
        drafts.push({ at, order: r.order, item, event })
      version++
    }
  }
  drafts.sort((a, b) => a.at - b.at || a.order - b.order)
  return drafts.map((d, k) => ({
    at: d.at,
    seq: k + 1,
    item: { ...d.item, seq: k + 1 },
    event: { ...d.event, seq: k + 1 },
  }))
}

/** The item (and its MatchEvent) of a record at one stage: a withdrawn goal comes with the VAR decision. */
function stageMessages(
  context: RenderContext,
  provider: string,
  r: FeedRecord,
  stage: Stage,
  version: number,
  at: number,
): [Json, MatchEvent][] {
  const i = r.incident
  const type = i ? eventType(i) : (r.kind as CustomEventType)
  if (type === undefined) return []
  const item = baseItem(context, r, type, r.key, version)
  if (i) Object.assign(item, incidentFields(context, i, stage))
  if (i?.kind === 'goal' && stage !== 'withdrawn') {
    const score = runningScores(feedRecords(context.timeline).list, at).get(r.key)
    if (score) item.score = score
  }
  if (stage === 'withdrawn') item.deleted = true
  const out: [Json, MatchEvent][] = [[item, toEvent(context, provider, r, item, i)]]
  if (stage === 'withdrawn' && i) {
    const decision = baseItem(context, r, 'var', `${r.key}:var`, 0)
    Object.assign(decision, { team_id: String(context.teams[i.side].id), team_side: i.side })
    out.push([decision, toEvent(context, provider, r, decision, undefined)])
  }
  return out
}

function eventType(i: SimIncident): CustomEventType | undefined {
  switch (i.kind) {
    case 'goal':
      return i.detail === 'own' ? 'own_goal' : i.detail === 'penalty' ? 'penalty_goal' : 'goal'
    case 'missed_penalty':
      return 'penalty_missed'
    case 'shootout':
      return i.scored ? 'penalty_goal' : 'penalty_missed'
    case 'card':
      return i.card === 'yellow' ? 'yellow_card' : i.card === 'red' ? 'red_card' : 'second_yellow'
    case 'sub':
      return 'substitution'
    case 'var':
      return 'var'
  }
}

/** Match, id, type, clock and time of an item. The clock is the TV's: 46:30 in the first half is 45+1. */
function baseItem(context: RenderContext, r: FeedRecord, type: string, key: string, version: number): Json {
  const { minute, second } = clockTime(context.timeline, r.period, r.at)
  const end = PERIOD_END_MINUTE[r.period]
  const added = end !== undefined && minute > end ? minute - end : 0
  const item: Json = {
    match_id: String(context.fixtureId),
    event_id: `${context.fixtureId}-${key.replace(':', '-')}`,
    event_type: type,
    minute: minute - added,
    second,
    period: r.period,
    version,
    timestamp: new Date(r.at).toISOString(),
  }
  if (added > 0) item.added_time = added
  return item
}

function incidentFields(context: RenderContext, i: SimIncident, stage: Stage): Json {
  const fields: Json = { team_id: String(context.teams[i.side].id), team_side: i.side }
  const player = i.kind === 'sub' ? i.off : 'player' in i ? i.player : undefined
  if (player?.id != null) fields.player_id = String(player.id)
  const related = i.kind === 'sub' ? i.on : i.kind === 'goal' && stage !== 'shown' ? i.assist : undefined
  if (related?.id != null && !(i.kind === 'goal' && i.detail === 'own'))
    fields.related_player_id = String(related.id)
  if (i.kind === 'goal') {
    Object.assign(fields, { position_x: i.detail === 'own' ? 5.8 : 88.5, position_y: 50 })
    // Into the goal the scorer's team attacks, or for an own goal the one it defends.
    if (stage !== 'shown')
      Object.assign(fields, { end_position_x: i.detail === 'own' ? 0 : 100, end_position_y: 48.2 })
  }
  return fields
}

/** The item as a MatchEvent, with the names the custom format cannot carry. */
function toEvent(
  context: RenderContext,
  provider: string,
  r: FeedRecord,
  item: Json,
  i: SimIncident | undefined,
): MatchEvent {
  const mapping: { type: MatchEvent['type']; result?: string; setPiece?: string; card?: string } =
    CUSTOM_EVENT_TYPES[item.event_type as CustomEventType]
  const { periodMs } = clockTime(context.timeline, r.period, r.at)
  const event: AnyMatchEvent = {
    id: `${provider}:${item.match_id}:${item.event_id}`,
    provider,
    providerEventId: item.event_id as string,
    matchId: item.match_id as string,
    seq: 0,
    version: item.version as number,
    deleted: item.deleted === true,
    type: mapping.type,
    result: (mapping.result ?? null) as MatchEvent['result'],
    period: r.period,
    periodTime: Math.floor(periodMs / 1000),
    minute: item.minute as number,
    second: item.second as number,
    timestamp: item.timestamp as string,
    providerType: item.event_type as string,
  }
  if (item.added_time !== undefined) event.addedTime = item.added_time as number
  if (mapping.setPiece) event.setPiece = mapping.setPiece as MatchEvent['setPiece']
  if (mapping.card) event.card = mapping.card as MatchEvent['card']
  if (item.score) event.score = item.score as MatchEvent['score']
  const side = item.team_side as 'home' | 'away' | undefined
  if (side) event.team = { id: String(context.teams[side].id), name: context.teams[side].name, side }
  const player = playerOf(i, item.player_id)
  if (player) event.player = player
  const related = playerOf(i, item.related_player_id)
  if (related) event.relatedPlayer = related
  return event as MatchEvent
}

/** The named player of an incident whose id the item carries. */
function playerOf(i: SimIncident | undefined, id: unknown): { id: string; name?: string } | undefined {
  if (typeof id !== 'string' || !i) return undefined
  const candidates: (SimPlayer | undefined)[] =
    i.kind === 'sub'
      ? [i.off, i.on]
      : i.kind === 'goal'
        ? [i.player, i.assist]
        : ['player' in i ? i.player : undefined]
  const p = candidates.find((c) => c?.id != null && String(c.id) === id)
  return p?.name ? { id, name: p.name } : { id }
}
