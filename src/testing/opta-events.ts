import type { Side } from '../event/enums.js'
import { OPTA_QUALIFIERS as Q } from '../providers/opta/index.js'
import { changedAt, clockTime, type FeedRecord, feedRecords, stateAt } from './feed-records.js'
import type { RenderContext } from './render-context.js'
import { numericOf } from './sim-ids.js'
import type { SimIncident, SimPlayer } from './timeline.js'

/**
 * One Opta event of the simulated match, feed-neutral: the F24 (XML) and the MA3 (JSON) renderers write
 * it in their own shapes. Same type and qualifier ids in both (Opta's F24 event model).
 */
export interface OptaSimEvent {
  /** The feed record it renders (not written out). */
  recordKey: string
  /** Globally unique (F24 `id`, MA3 `id`). */
  id: number
  /** Per-team sequence (F24 `event_id`, MA3 `eventId`): what qualifier 55 points at. */
  eventId: number
  typeId: number
  periodId: number
  min: number
  sec: number
  side: Side
  player: SimPlayer | undefined
  outcome: 0 | 1
  x: number
  y: number
  /** When it happened (UTC ms). */
  time: number
  /** Its last change (UTC ms): MA3 `lastModified`, F24 `version` and `last_modified`. */
  modified: number
  qualifiers: { id: number; qualifierId: number; value?: string }[]
}

type Draft = Omit<
  OptaSimEvent,
  'recordKey' | 'id' | 'eventId' | 'min' | 'sec' | 'periodId' | 'modified' | 'qualifiers'
> & {
  qualifiers: [qualifierId: number, value?: string][]
  typeId: number
}

const SIDES = ['home', 'away'] as const

/**
 * The Opta events shown at `at`, in match order. A goal first appears without its details (goal mouth,
 * assist link: added a minute later, `modified` moves on); a goal cancelled by VAR becomes type 43 with
 * qualifier 144 = 16, as Opta withdraws an event.
 */
export function optaEvents(context: RenderContext, at: number): OptaSimEvent[] {
  const { list } = feedRecords(context.timeline)
  const base = 2_000_000_000 + (numericOf(`opta:${context.fixtureId}`) % 100_000) * 10_000
  const perTeam = { home: 0, away: 0 }
  const out: OptaSimEvent[] = []
  for (const r of list) {
    const state = stateAt(r, at)
    const drafts = recordDrafts(r, state === 'complete')
    // Per-team numbers are given in the match's final order, shown or not: they never move.
    const numbers = drafts.map((d) => ++perTeam[d.side])
    if (state === 'hidden') continue
    drafts.forEach((d, k) => {
      const id = base + r.order * 10 + k
      // The pass before a goal does not change when the goal is completed or withdrawn.
      const modified = d.typeId === 1 ? r.shownAt : changedAt(r, at)
      const event = finish(context, r, d, id, numbers[k]!, modified)
      // Qualifier 55 links to a per-team number of the same record: given here, once the numbers are known.
      for (const q of event.qualifiers) if (q.value === 'link') q.value = String(numbers[linked(drafts, k)])
      if (state === 'withdrawn' && d.typeId === 16) withdraw(event)
      out.push(event)
    })
  }
  return out
}

function finish(
  context: RenderContext,
  r: FeedRecord,
  d: Draft,
  id: number,
  eventId: number,
  modified: number,
): OptaSimEvent {
  const { minute, second } = clockTime(context.timeline, r.period, d.time)
  return {
    ...d,
    recordKey: r.key,
    id,
    eventId,
    periodId: r.period,
    min: minute,
    sec: second,
    modified,
    qualifiers: d.qualifiers.map(([qualifierId, value], k) =>
      value === undefined ? { id: id * 10 + k, qualifierId } : { id: id * 10 + k, qualifierId, value },
    ),
  }
}

/** Opta's withdrawal: type 43, the original type in qualifier 144. */
function withdraw(event: OptaSimEvent): void {
  event.qualifiers = [{ id: event.id * 10 + 9, qualifierId: Q.deletedEventType, value: String(event.typeId) }]
  event.typeId = 43
}

/** The draft a qualifier 55 of draft `k` points at: the pass before a goal, the other half of a substitution. */
function linked(drafts: Draft[], k: number): number {
  return drafts[k]!.typeId === 19 ? k - 1 : drafts[k]!.typeId === 18 ? k + 1 : 0
}

function recordDrafts(r: FeedRecord, complete: boolean): Draft[] {
  if (r.kind !== 'incident') {
    const typeId = r.kind === 'period_start' ? 32 : 30
    return SIDES.map((side) => ({
      typeId,
      side,
      player: undefined,
      outcome: 1,
      x: 0,
      y: 0,
      time: r.at,
      qualifiers: typeId === 32 ? [[127, direction(side, r.period)]] : ([[57, '0']] as Draft['qualifiers']),
    }))
  }
  return incidentDrafts(r.incident!, r.at, complete)
}

function direction(side: Side, period: number): string {
  const leftToRight = (side === 'home') === (period % 2 === 1)
  return leftToRight ? 'Left to Right' : 'Right to Left'
}

function incidentDrafts(i: SimIncident, at: number, complete: boolean): Draft[] {
  const plain = (typeId: number, player: SimPlayer | undefined, qualifiers: Draft['qualifiers']): Draft => ({
    typeId,
    side: i.side,
    player,
    outcome: 1,
    x: 0,
    y: 0,
    time: at,
    qualifiers,
  })
  switch (i.kind) {
    case 'goal':
      return goalDrafts(i, at, complete)
    case 'missed_penalty':
      return [{ ...plain(15, i.player, [[Q.penalty], [Q.rightFoot]]), x: 88.5, y: 50 }]
    case 'shootout':
      return [{ ...plain(i.scored ? 16 : 15, i.player, [[Q.penalty], [Q.rightFoot]]), x: 88.5, y: 50 }]
    case 'card': {
      const q = i.card === 'yellow' ? Q.yellowCard : i.card === 'red' ? Q.redCard : Q.secondYellow
      return [plain(17, i.player, [[q]])]
    }
    case 'sub':
      return [
        plain(18, i.off, [
          [Q.relatedEvent, 'link'],
          [44, 'Midfielder'],
        ]),
        plain(19, i.on, [
          [Q.relatedEvent, 'link'],
          [44, 'Midfielder'],
        ]),
      ]
    case 'var':
      return []
  }
}

/** A goal (type 16), after the assist's pass when there is one; qualifier 374 is the goal time. */
function goalDrafts(i: Extract<SimIncident, { kind: 'goal' }>, at: number, complete: boolean): Draft[] {
  const own = i.detail === 'own'
  const penalty = i.detail === 'penalty'
  const assisted = !own && !penalty && i.assist?.id != null
  const qualifiers: Draft['qualifiers'] = [[Q.goalTime, londonTime(at, ' ')], [Q.rightFoot]]
  if (own) qualifiers.unshift([Q.ownGoal])
  if (penalty) qualifiers.unshift([Q.penalty])
  if (complete) {
    qualifiers.push([Q.goalMouthY, '48.2'], [Q.goalMouthZ, '12.4'])
    if (assisted) qualifiers.push([Q.relatedEvent, 'link'])
  }
  const goal: Draft = {
    typeId: 16,
    side: i.side,
    player: i.player,
    outcome: 1,
    x: own ? 94.2 : 88.5,
    y: own ? 45.2 : 50,
    time: at,
    qualifiers,
  }
  if (!assisted) return [goal]
  const pass: Draft = {
    typeId: 1,
    side: i.side,
    player: i.assist,
    outcome: 1,
    x: 70,
    y: 40,
    time: at - 3000,
    qualifiers: [
      [Q.passEndX, '86.0'],
      [Q.passEndY, '50.0'],
    ],
  }
  return [pass, goal]
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** London wall-clock parts of a UTC instant, and London's offset from UTC then (minutes). */
export function londonParts(ms: number): { date: string; time: string; millis: string; offset: number } {
  const p = Object.fromEntries(LONDON.formatToParts(new Date(ms)).map((x) => [x.type, x.value]))
  const date = `${p.year}-${p.month}-${p.day}`
  const time = `${p.hour}:${p.minute}:${p.second}`
  const offset = Math.round((Date.parse(`${date}T${time}Z`) - (ms - (ms % 1000))) / 60_000)
  return { date, time, millis: String(((ms % 1000) + 1000) % 1000).padStart(3, '0'), offset }
}

/** `YYYY-MM-DD HH:MM:SS.mmm` (or with `T`) in London wall-clock time, as F24 and qualifier 374 give it. */
export function londonTime(ms: number, separator: ' ' | 'T', millis = true): string {
  const p = londonParts(ms)
  return `${p.date}${separator}${p.time}${millis ? `.${p.millis}` : ''}`
}
