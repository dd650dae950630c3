// The live match page: the matches (GET /api/v1/matches) at /, one match at /matches/:id, followed live
// through matchfeed/live/client (/live). Plain ES modules, no build step; every text goes in as textContent.
import { connectLive } from '/assets/live-client.js'

const SVG = 'http://www.w3.org/2000/svg'
const PITCH = { length: 105, width: 68 }
/** Events with coordinates drawn on the pitch: the latest this many, in match order. */
const ON_PITCH = 14
const LIST_POLL_MS = 5000
const HEALTH_POLL_MS = 3000

// LIVE_TOKEN rides in the fragment (#token=…): browsers never send it, so no request line or log holds it.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined
const app = document.getElementById('app')
const connection = document.getElementById('connection')

const route = /^\/matches\/([^/]+)\/?$/.exec(location.pathname)
const matchId = route ? decodeSafely(route[1]) : undefined
// index.html's brand link keeps the token too; a token typed into the fragment loads nothing: start again.
document.querySelector('a.brand')?.setAttribute('href', link('/'))
addEventListener('hashchange', () => location.reload())
if (matchId !== undefined) matchView(matchId)
else listView()

function decodeSafely(segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined // a malformed escape: the list instead
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** `h('div', { class: 'x', 'data-id': 1 }, child, 'text')`: an element, attributes set, children appended. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  return fill(el, attrs, children)
}

function s(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG, tag), attrs, children)
}

function fill(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    el.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    el.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child)
  }
  return el
}

/** Keeps #token= on the page's own links. */
function link(path) {
  return token === undefined ? path : `${path}#token=${encodeURIComponent(token)}`
}

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } })
  const body = await res.json().catch(() => undefined)
  if (!res.ok && body?.status === undefined) throw new Error(`${path}: ${res.status}`)
  return body
}

/** Repeats `task` every `ms` while the page is open (and at once). */
function every(ms, task) {
  const run = () =>
    task()
      .catch(() => {})
      .finally(() => setTimeout(run, ms))
  run()
}

const byMatchOrder = (a, b) => a.period - b.period || a.periodTime - b.periodTime || a.seq - b.seq

function clockText(e) {
  return e.addedTime ? `${e.minute}+${e.addedTime}'` : `${e.minute}'`
}

function teamLabel(team, side) {
  if (team?.name) return team.name
  return side === 'home' ? 'Home' : 'Away'
}

function personLabel(person) {
  if (!person) return ''
  return person.name ?? `#${person.id}`
}

const PERIOD_PLAY = { 1: '1st half', 2: '2nd half', 3: 'Extra time', 4: 'Extra time', 5: 'Penalties' }
const PERIOD_BREAK = { 1: 'Half-time', 2: 'Full time', 3: 'ET break', 4: 'After extra time', 5: 'Final' }

function phaseText(period, phase) {
  if (phase === 'pre' || !period) return 'Not started'
  return phase === 'break' ? PERIOD_BREAK[period] : PERIOD_PLAY[period]
}

function setConnection(status) {
  connection.dataset.status = status
  connection.textContent =
    { open: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…' }[status] ?? status
}

// ---------------------------------------------------------------------------------------------------------
// The list

function listView() {
  document.title = 'matchfeed · matches'
  setConnection('idle')
  connection.textContent = ''
  const list = h('ul', { id: 'matches', class: 'matches' })
  const empty = h('p', { class: 'muted', hidden: true }, 'No match has events yet.')
  app.replaceChildren(h('h1', {}, 'Matches'), empty, list)
  every(LIST_POLL_MS, async () => {
    const { matches } = await getJson('/api/v1/matches')
    empty.hidden = matches.length > 0
    list.replaceChildren(
      ...matches.map((m) =>
        h(
          'li',
          { 'data-match-id': m.id },
          h(
            'a',
            { href: link(`/matches/${encodeURIComponent(m.id)}`), class: 'match-card' },
            h('span', { class: 'team home' }, teamLabel(m.home, 'home')),
            h(
              'span',
              { class: 'score', 'data-score': `${m.score.home}-${m.score.away}` },
              `${m.score.home} – ${m.score.away}`,
            ),
            h('span', { class: 'team away' }, teamLabel(m.away, 'away')),
            h(
              'span',
              { class: 'status', 'data-phase': m.phase },
              `${phaseText(m.period, m.phase)} · ${clockText(m.clock)} · match ${m.id}`,
            ),
          ),
        ),
      ),
    )
  })
}

// ---------------------------------------------------------------------------------------------------------
// One match

function matchView(matchId) {
  document.title = `matchfeed · match ${matchId}`
  /** id → the latest version held, withdrawn ones included (a cancelled goal stays on the timeline). */
  const events = new Map()
  let snapshots = 0
  let scheduled = false

  const put = (event) => {
    const held = events.get(event.id)
    if (!held || held.version < event.version) events.set(event.id, event)
  }
  const render = () => {
    if (scheduled) return
    scheduled = true
    requestAnimationFrame(() => {
      scheduled = false
      draw()
    })
  }

  // Announced when it changes (a goal); the rest of the view redraws too often to be read out.
  const scoreboard = h('section', { class: 'scoreboard', id: 'scoreboard', 'aria-live': 'polite' })
  const pitch = pitchSvg()
  const marks = s('g', { id: 'marks' })
  pitch.append(marks)
  const timeline = h('ol', { id: 'timeline', class: 'timeline' })
  const health = h('section', { id: 'health', class: 'health' }, h('h2', {}, 'Feed'))
  const healthBody = h('div', { class: 'health-body' }, h('p', { class: 'muted' }, 'Loading…'))
  health.append(healthBody)
  app.replaceChildren(
    h('nav', { class: 'crumbs' }, h('a', { href: link('/') }, '← All matches')),
    scoreboard,
    h(
      'div',
      { class: 'layout' },
      h('section', { class: 'pitch-card' }, h('figure', { class: 'pitch' }, pitch, legend())),
      h('section', { class: 'timeline-card' }, h('h2', {}, 'Timeline'), timeline),
      health,
    ),
  )
  app.dataset.matchId = matchId

  // A snapshot holds the visible events only: the withdrawn ones (a goal VAR cancelled) come from storage,
  // kept unless the live state already has a newer version of them.
  async function withdrawn(generation) {
    const query = new URLSearchParams({ limit: '1000' })
    for (let page = 0; page < 50; page++) {
      const body = await getJson(`/api/v1/matches/${encodeURIComponent(matchId)}/events?${query}`)
      if (generation !== snapshots) return
      for (const event of body.events) if (event.deleted) put(event)
      if (body.nextAfterSeq === null) break
      // After the last one read, by seq and id: events may share a seq.
      query.set('afterSeq', String(body.nextAfterSeq))
      query.set('afterId', body.nextAfterId)
    }
    render()
  }

  let refused = false
  connectLive({
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`,
    token,
    matches: [matchId],
    onStatus: (status) => {
      if (!refused) setConnection(status) // the client's `closed` after a refusal says less
      app.dataset.live = status
    },
    onSnapshot: (_id, list) => {
      events.clear()
      for (const event of list) put(event)
      const generation = ++snapshots
      app.dataset.snapshots = String(snapshots)
      render()
      withdrawn(generation).catch(() => {})
    },
    onEvent: (event) => {
      put(event)
      render()
    },
    onError: (error) => {
      if (error.code !== 'unauthorized') return
      refused = true
      setConnection('refused: add #token=')
    },
  })

  every(HEALTH_POLL_MS, async () => drawHealth(healthBody, await getJson('/api/v1/feed/health')))

  function draw() {
    const all = [...events.values()].sort(byMatchOrder)
    const shown = all.filter((e) => !e.deleted)
    drawScoreboard(scoreboard, shown)
    drawMarks(marks, shown)
    drawTimeline(timeline, all)
    // What the tests compare: every (id, version) held, in match order.
    app.dataset.digest = all.map((e) => `${e.id}@${e.version}`).join(' ')
    app.dataset.events = String(shown.length)
  }
}

function summarise(shown) {
  const teams = {}
  for (const e of shown) if (e.team?.side && !teams[e.team.side]) teams[e.team.side] = e.team
  let score
  for (const e of shown) if (e.score) score = e.score
  if (!score) {
    score = { home: 0, away: 0 }
    for (const e of shown) {
      if (e.type !== 'shot' || e.period === 5 || !e.team?.side) continue
      if (e.result === 'goal') score[e.team.side]++
      else if (e.result === 'own_goal') score[e.team.side === 'home' ? 'away' : 'home']++
    }
  }
  const markers = shown.filter((e) => e.type === 'period_start' || e.type === 'period_end')
  const marker = markers.at(-1)
  const phase = marker === undefined ? 'pre' : marker.type === 'period_end' ? 'break' : 'play'
  return { teams, score, phase, period: marker?.period, last: shown.at(-1) }
}

/** A team on the scoreboard: its colour, its name (or side), its id when the feed gives no name. */
function side(which, team) {
  return h(
    'div',
    { class: `side ${which}` },
    h('span', { class: 'swatch' }),
    h(
      'span',
      { class: 'names' },
      h('span', { class: 'name' }, teamLabel(team, which)),
      team && !team.name ? h('span', { class: 'team-id' }, `team ${team.id}`) : undefined,
    ),
  )
}

function drawScoreboard(root, shown) {
  const { teams, score, phase, period, last } = summarise(shown)
  root.replaceChildren(
    side('home', teams.home),
    h(
      'div',
      { class: 'middle' },
      h(
        'div',
        { id: 'score', class: 'score', 'data-score': `${score.home}-${score.away}` },
        h('span', { 'data-score-home': score.home }, String(score.home)),
        h('span', { class: 'dash' }, '–'),
        h('span', { 'data-score-away': score.away }, String(score.away)),
      ),
      h(
        'div',
        { class: 'clock' },
        h('span', { id: 'clock', class: 'minute' }, last ? clockText(last) : '—'),
        h('span', { id: 'phase', class: 'phase', 'data-phase': phase }, phaseText(period, phase)),
      ),
    ),
    side('away', teams.away),
  )
}

// ---------------------------------------------------------------------------------------------------------
// The pitch: metres, 105 × 68, origin bottom-left, y up (docs/pitch.md); SVG's y goes down, hence 68 − y.

function pitchSvg() {
  const { length: L, width: W } = PITCH
  const line = { fill: 'none', class: 'line' }
  const stripes = []
  for (let i = 0; i < 10; i++)
    stripes.push(
      s('rect', { x: i * 10.5, y: 0, width: 10.5, height: W, class: i % 2 ? 'grass b' : 'grass a' }),
    )
  const end = (mirror) => {
    // One end's markings, drawn for x = 0 and mirrored for x = 105.
    const g = s('g', mirror ? { transform: `translate(${L} 0) scale(-1 1)` } : {})
    g.append(
      s('rect', { x: 0, y: 13.84, width: 16.5, height: 40.32, ...line }), // penalty area
      s('rect', { x: 0, y: 24.84, width: 5.5, height: 18.32, ...line }), // six-yard box
      s('rect', { x: -2, y: 30.34, width: 2, height: 7.32, ...line, class: 'line goal' }), // goal
      s('circle', { cx: 11, cy: 34, r: 0.3, class: 'spot' }), // penalty spot
      // The arc: the part of the 9.15 m circle round the spot outside the area (it meets x = 16.5 at ±7.31).
      s('path', { d: 'M 16.5 26.6875 A 9.15 9.15 0 0 1 16.5 41.3125', ...line }),
      s('path', { d: 'M 0 1 A 1 1 0 0 0 1 0', ...line }), // corner arcs
      s('path', { d: `M 1 ${W} A 1 1 0 0 0 0 ${W - 1}`, ...line }),
    )
    return g
  }
  return s(
    'svg',
    {
      id: 'pitch',
      viewBox: `-3 -3 ${L + 6} ${W + 6}`,
      role: 'img',
      'aria-label': 'The pitch with the latest events',
      preserveAspectRatio: 'xMidYMid meet',
    },
    s(
      'defs',
      {},
      ['home', 'away'].map((side) =>
        s(
          'marker',
          {
            id: `arrow-${side}`,
            viewBox: '0 0 10 10',
            refX: 8,
            refY: 5,
            markerWidth: 4,
            markerHeight: 4,
            orient: 'auto-start-reverse',
          },
          s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `arrowhead ${side}` }),
        ),
      ),
    ),
    s('rect', { x: -3, y: -3, width: L + 6, height: W + 6, class: 'surround' }),
    stripes,
    s('rect', { x: 0, y: 0, width: L, height: W, ...line }), // touchlines and goal lines
    s('line', { x1: L / 2, y1: 0, x2: L / 2, y2: W, class: 'line' }), // halfway line
    s('circle', { cx: L / 2, cy: W / 2, r: 9.15, ...line }), // centre circle
    s('circle', { cx: L / 2, cy: W / 2, r: 0.3, class: 'spot' }),
    end(false),
    end(true),
  )
}

/** Home attacks towards x = 105; an away event is turned round (orientHomeAttacksRight, docs/pitch.md). */
function oriented(e) {
  const flip = e.team?.side === 'away'
  const px = (x) => (flip ? PITCH.length - x : x)
  const py = (y) => PITCH.width - (flip ? PITCH.width - y : y) // and into SVG's downward y
  return {
    x: px(e.x),
    y: py(e.y),
    endX: e.endX === undefined ? undefined : px(e.endX),
    endY: e.endY === undefined ? undefined : py(e.endY),
  }
}

function drawMarks(root, shown) {
  const placed = shown.filter((e) => typeof e.x === 'number' && typeof e.y === 'number').slice(-ON_PITCH)
  // Minute labels that would overlap one drawn before move up a line.
  const labels = []
  const labelAt = (x, y) => {
    let at = y
    while (labels.some((l) => Math.abs(l.x - x) < 7.5 && Math.abs(l.y - at) < 2.4)) at -= 2.6
    labels.push({ x, y: at })
    return at
  }
  root.replaceChildren(
    ...placed.map((e, i) => {
      const p = oriented(e)
      const side = e.team?.side ?? 'none'
      const goal = e.type === 'shot' && (e.result === 'goal' || e.result === 'own_goal')
      const kind = e.type === 'pass' ? 'pass' : e.type === 'shot' ? (goal ? 'shot goal' : 'shot') : 'other'
      const g = s('g', {
        class: `mark ${kind} ${side}${i === placed.length - 1 ? ' latest' : ''}`,
        'data-event-id': e.id,
        'data-version': e.version,
        'data-type': e.type,
        'data-x': e.x,
        'data-y': e.y,
      })
      const title = s('title', {}, `${clockText(e)} ${describe(e).text}`)
      g.append(title)
      if (p.endX !== undefined && p.endY !== undefined) {
        g.append(
          s('line', {
            x1: p.x,
            y1: p.y,
            x2: p.endX,
            y2: p.endY,
            class: `path ${e.type === 'pass' ? 'pass-line' : 'shot-line'}`,
            'marker-end': e.type === 'pass' ? `url(#arrow-${side === 'away' ? 'away' : 'home'})` : undefined,
          }),
        )
        if (e.type === 'shot') g.append(s('circle', { cx: p.endX, cy: p.endY, r: 0.7, class: 'end' }))
      }
      g.append(s('circle', { cx: p.x, cy: p.y, r: goal ? 1.5 : e.type === 'shot' ? 1.2 : 0.9, class: 'dot' }))
      if (e.type === 'shot' || i === placed.length - 1)
        g.append(s('text', { x: p.x, y: labelAt(p.x, p.y - 2.2), class: 'label' }, clockText(e)))
      return g
    }),
  )
}

function legend() {
  return h(
    'figcaption',
    { class: 'legend' },
    h('span', { class: 'key home' }, 'home'),
    h('span', { class: 'key away' }, 'away'),
    h('span', { class: 'key pass' }, 'pass'),
    h('span', { class: 'key shot' }, 'shot → end'),
    h('span', { class: 'key goal' }, 'goal'),
    h('span', { class: 'muted' }, `latest ${ON_PITCH} with coordinates; home attacks →`),
  )
}

// ---------------------------------------------------------------------------------------------------------
// The timeline: goals, cards, substitutions, VAR, period markers; newest first.

const TIMELINE_TYPES = new Set(['card', 'substitution', 'var', 'period_start', 'period_end'])

function onTimeline(e) {
  if (e.type === 'shot') return e.result === 'goal' || e.result === 'own_goal' || e.setPiece === 'penalty'
  return TIMELINE_TYPES.has(e.type)
}

function describe(e) {
  const who = personLabel(e.player)
  switch (e.type) {
    case 'shot': {
      if (e.result === 'own_goal') return { icon: 'goal', text: `Own goal${who ? ` · ${who}` : ''}` }
      if (e.result === 'goal') {
        const what = e.setPiece === 'penalty' ? 'Penalty goal' : 'Goal'
        const assist = e.relatedPlayer ? ` (assist ${personLabel(e.relatedPlayer)})` : ''
        return { icon: 'goal', text: `${what}${who ? ` · ${who}` : ''}${assist}` }
      }
      if (e.setPiece === 'penalty') return { icon: 'miss', text: `Penalty missed${who ? ` · ${who}` : ''}` }
      return { icon: 'shot', text: `Shot${who ? ` · ${who}` : ''}` }
    }
    case 'card': {
      const name =
        { yellow: 'Yellow card', second_yellow: 'Second yellow', red: 'Red card' }[e.card] ?? 'Card'
      return { icon: e.card === 'yellow' ? 'yellow' : 'red', text: `${name}${who ? ` · ${who}` : ''}` }
    }
    case 'substitution':
      return {
        icon: 'sub',
        text: `${personLabel(e.relatedPlayer) || '?'} on, ${who || '?'} off`,
      }
    case 'var':
      return { icon: 'var', text: 'VAR decision' }
    case 'period_start':
      return { icon: 'period', text: `${PERIOD_PLAY[e.period] ?? `Period ${e.period}`} starts` }
    case 'period_end':
      return { icon: 'period', text: PERIOD_BREAK[e.period] ?? `End of period ${e.period}` }
    default:
      return { icon: 'other', text: e.type.replaceAll('_', ' ') }
  }
}

function drawTimeline(root, all) {
  // Withdrawn events leave, except goals: a goal cancelled (by VAR) stays, struck through.
  const items = all.filter((e) => onTimeline(e) && (!e.deleted || e.type === 'shot')).reverse()
  root.replaceChildren(
    ...items.map((e) => {
      const { icon, text } = describe(e)
      const cancelled = e.deleted === true
      const period = e.type === 'period_start' || e.type === 'period_end'
      return h(
        'li',
        {
          class: `item ${e.team?.side ?? 'neutral'}${cancelled ? ' cancelled' : ''}${period ? ' period' : ''}`,
          'data-event-id': e.id,
          'data-version': e.version,
          'data-type': e.type,
          'data-cancelled': cancelled,
        },
        h('span', { class: 'minute' }, clockText(e)),
        h('span', { class: `icon ${icon}`, 'aria-hidden': 'true' }),
        h(
          'span',
          { class: 'text' },
          h('span', { class: 'what' }, text),
          cancelled ? h('span', { class: 'tag' }, 'cancelled') : undefined,
          e.score && !cancelled
            ? h('span', { class: 'after' }, `${e.score.home}–${e.score.away}`)
            : undefined,
        ),
      )
    }),
  )
  if (items.length === 0) root.append(h('li', { class: 'muted' }, 'Nothing yet.'))
}

// ---------------------------------------------------------------------------------------------------------
// The feed's health (GET /api/v1/feed/health): each source's status and lag.

function ms(value) {
  if (value === null || value === undefined) return '—'
  if (value < 1000) return `${Math.round(value)} ms`
  if (value < 120_000) return `${(value / 1000).toFixed(1)} s`
  return `${Math.round(value / 60_000)} min`
}

function drawHealth(root, health) {
  const sources = Object.entries(health.sources ?? {})
  root.replaceChildren(
    h(
      'p',
      { class: 'overall' },
      h(
        'span',
        { id: 'feed-status', class: `badge ${health.status}`, 'data-status': health.status },
        health.status,
      ),
      h(
        'span',
        { class: 'muted' },
        ` ${health.eventsStored} stored · storage ${health.storage?.kind ?? '?'}${health.storage?.reachable === false ? ' unreachable' : ''}`,
      ),
    ),
    h(
      'table',
      { class: 'sources' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'source'),
          h('th', {}, 'status'),
          h('th', {}, 'last'),
          h('th', {}, 'lag p50 / p95'),
        ),
      ),
      h(
        'tbody',
        {},
        sources.map(([name, src]) =>
          h(
            'tr',
            { 'data-source': name },
            h('td', { class: 'source-name' }, name),
            h('td', {}, h('span', { class: `badge ${src.status}` }, src.status)),
            h('td', {}, src.msSinceLastEvent === null ? '—' : `${ms(src.msSinceLastEvent)} ago`),
            h(
              'td',
              {},
              src.ingestLagMs?.count ? `${ms(src.ingestLagMs.p50)} / ${ms(src.ingestLagMs.p95)}` : '—',
            ),
          ),
        ),
      ),
    ),
  )
}
