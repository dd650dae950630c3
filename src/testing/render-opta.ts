import type { Side } from '../event/enums.js'
import { londonParts, londonTime, type OptaSimEvent, optaEvents } from './opta-events.js'
import type { RenderContext } from './render-context.js'
import { squads } from './squads.js'

/** Opta's push feeds (F24 event details, F7 match results; XML) as Opta would push them at `at`. */
export interface OptaRenderer {
  /** The whole F24 so far: every event with its version; a goal cancelled by VAR as type 43. */
  f24(at: number): string
  /** The F7: teams, players (names), line-ups, the score and the period. */
  f7(at: number): string
}

const SIDES = ['home', 'away'] as const
const F7_PERIOD: Record<string, string> = {
  NS: 'PreMatch',
  '1H': 'FirstHalf',
  HT: 'HalfTime',
  '2H': 'SecondHalf',
  BT: 'ExtraTime',
  ET: 'ExtraTime',
  P: 'ShootOut',
}

export function createOptaRenderer(context: RenderContext): OptaRenderer {
  return { f24: (at) => f24(context, at), f7: (at) => f7(context, at) }
}

/** XML attribute text. */
function esc(value: string | number): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}

function attributes(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${esc(v!)}"`)
    .join(' ')
}

function f24(context: RenderContext, at: number): string {
  const { timeline, teams, competition, league, fixtureId } = context
  const score = timeline.state(at).score
  const starts: Record<string, string> = {}
  for (const p of [1, 2, 3, 4] as const) {
    if (timeline.periodStart(p) <= at && timeline.periodStart(p) < timeline.endsAt)
      starts[`period_${p}_start`] = londonTime(timeline.periodStart(p), 'T', false)
  }
  const game = attributes({
    id: fixtureId,
    away_score: score.away,
    away_team_id: teams.away.id,
    away_team_name: teams.away.name,
    competition_id: competition.id,
    competition_name: competition.name,
    game_date: londonTime(timeline.kickOff, 'T', false),
    home_score: score.home,
    home_team_id: teams.home.id,
    home_team_name: teams.home.name,
    matchday: 38,
    ...starts,
    season_id: league.season,
    season_name: `Season ${league.season}/${league.season + 1}`,
  })
  const events = optaEvents(context, at).map((e) => eventXml(context, e))
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- matchfeed/testing: a simulated match in the F24 layout -->',
    `<Games timestamp="${londonTime(at, 'T', false)}">`,
    `  <Game ${game}>`,
    ...events,
    '  </Game>',
    '</Games>',
    '',
  ].join('\n')
}

function eventXml(context: RenderContext, e: OptaSimEvent): string {
  const attrs = attributes({
    id: e.id,
    event_id: e.eventId,
    type_id: e.typeId,
    period_id: e.periodId,
    min: e.min,
    sec: e.sec,
    player_id: e.player?.id ?? undefined,
    team_id: context.teams[e.side].id,
    outcome: e.outcome,
    x: e.x.toFixed(1),
    y: e.y.toFixed(1),
    timestamp: londonTime(e.time, 'T'),
    last_modified: londonTime(e.modified, 'T', false),
    version: e.modified,
  })
  if (e.qualifiers.length === 0) return `    <Event ${attrs} />`
  const qs = e.qualifiers.map(
    (q) => `      <Q ${attributes({ id: q.id, qualifier_id: q.qualifierId, value: q.value })} />`,
  )
  return [`    <Event ${attrs}>`, ...qs, '    </Event>'].join('\n')
}

/** F7 time stamps: `20210814T171000+0100`, London time with its offset. */
function f7Time(ms: number): string {
  const p = londonParts(ms)
  const sign = p.offset < 0 ? '-' : '+'
  const off = Math.abs(p.offset)
  const zone = `${sign}${String(Math.floor(off / 60)).padStart(2, '0')}${String(off % 60).padStart(2, '0')}`
  return `${p.date.replaceAll('-', '')}T${p.time.replaceAll(':', '')}${zone}`
}

function f7(context: RenderContext, at: number): string {
  const { timeline, teams, fixtureId, competition } = context
  const s = timeline.state(at)
  const over = at >= timeline.endsAt
  const period = over ? 'FullTime' : (F7_PERIOD[s.status] ?? 'PreMatch')
  const result =
    over && s.score.home !== s.score.away
      ? `        <Result Type="NormalResult" Winner="t${teams[s.score.home > s.score.away ? 'home' : 'away'].id}" />`
      : over
        ? '        <Result Type="Draw" />'
        : undefined
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<SoccerFeed TimeStamp="${f7Time(at)}">`,
    `  <SoccerDocument Type="Result" detail_id="1" uID="f${fixtureId}">`,
    `    <Competition uID="c${competition.id}">`,
    `      <Name>${esc(competition.name)}</Name>`,
    '    </Competition>',
    '    <MatchData>',
    `      <MatchInfo MatchType="Regular" Period="${period}" TimeStamp="${f7Time(at)}">`,
    `        <Date>${f7Time(timeline.kickOff)}</Date>`,
    ...(result ? [result] : []),
    '      </MatchInfo>',
    ...SIDES.map((side) => teamData(context, side, s.score[side])),
    '    </MatchData>',
    ...SIDES.map((side) => teamXml(context, side)),
    '  </SoccerDocument>',
    '</SoccerFeed>',
    '',
  ].join('\n')
}

function teamData(context: RenderContext, side: Side, score: number): string {
  const players = squads(context)[side].map(
    (p, k) =>
      `          <MatchPlayer ${attributes({
        Formation_Place: p.starter ? k + 1 : 0,
        PlayerRef: `p${p.id}`,
        Position: p.position,
        ShirtNumber: p.shirt,
        Status: p.starter ? 'Start' : 'Sub',
      })} />`,
  )
  const side$ = side === 'home' ? 'Home' : 'Away'
  return [
    `      <TeamData Formation="442" Score="${score}" Side="${side$}" TeamRef="t${context.teams[side].id}">`,
    '        <PlayerLineUp>',
    ...players,
    '        </PlayerLineUp>',
    '      </TeamData>',
  ].join('\n')
}

function teamXml(context: RenderContext, side: Side): string {
  const team = context.teams[side]
  const players = squads(context)[side].map((p) =>
    [
      `      <Player Position="${p.starter ? p.position : 'Substitute'}" uID="p${p.id}">`,
      '        <PersonName>',
      `          <First>${esc(team.name)}</First>`,
      `          <Known>${esc(p.name)}</Known>`,
      `          <Last>#${p.shirt}</Last>`,
      '        </PersonName>',
      '      </Player>',
    ].join('\n'),
  )
  return [
    `    <Team uID="t${team.id}">`,
    '      <Country>England</Country>',
    `      <Name>${esc(team.name)}</Name>`,
    ...players,
    '    </Team>',
  ].join('\n')
}
