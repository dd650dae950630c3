import { describe, expect, it } from 'vitest'
import { guideEventType, toGuideItem } from '../../src/cli/guide-format.js'
import { type CliIo, EXIT } from '../../src/cli/io.js'
import { runCli } from '../../src/cli/run.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { CUSTOM_EVENT_TYPES, parseCustomEvents } from '../../src/providers/custom/index.js'
import { verifyHmacSignature } from '../../src/webhooks/hmac.js'

const SECRET = 'replay-secret-0123456789'
// Three events of the guide's format, 30 s then 60 s apart on the providers' clock.
const FILE = JSON.stringify([
  { match_id: '55', event_id: 'a', event_type: 'kick_off', minute: 0, timestamp: '2025-05-25T15:00:00Z' },
  {
    match_id: '55',
    event_id: 'b',
    event_type: 'yellow_card',
    minute: 0,
    second: 30,
    team_id: 't1',
    player_id: 'p4',
    timestamp: '2025-05-25T15:00:30Z',
  },
  {
    match_id: '55',
    event_id: 'c',
    event_type: 'goal',
    minute: 1,
    second: 30,
    position_x: 91.5,
    position_y: 48,
    score: { home: 1, away: 0 },
    timestamp: '2025-05-25T15:01:30Z',
  },
])

type Reply = { status: number; headers?: Record<string, string>; body?: string }

function io(replies: Reply[] = []) {
  const out: string[] = []
  const err: string[] = []
  const slept: number[] = []
  const received: { body: Uint8Array; headers: Headers }[] = []
  const cli: CliIo = {
    readStdin: async () => new Uint8Array(),
    readFile: async (path) => {
      if (path !== 'match.json') throw Object.assign(new Error('missing'), { code: 'ENOENT' })
      return new TextEncoder().encode(FILE)
    },
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env: { REPLAY_SECRET: SECRET },
    sleep: async (ms) => {
      slept.push(ms)
    },
    // The receiver: verifies the signature on the raw bytes like the server, then answers the next reply.
    fetch: async (_url, init) => {
      const body = init?.body as Uint8Array
      const headers = new Headers(init?.headers)
      verifyHmacSignature(body, headers, { secret: SECRET })
      received.push({ body, headers })
      const reply = replies.shift() ?? { status: 200 }
      return new Response(reply.body ?? '{}', { status: reply.status, headers: reply.headers })
    },
  }
  return { cli, out: () => out.join(''), err: () => err.join(''), slept, received }
}

const REPLAY = ['replay', '--provider', 'custom', 'match.json']
const TO = ['--to', 'http://127.0.0.1:1/api/v1/webhooks/match-events', '--secret-env', 'REPLAY_SECRET']

describe('matchfeed replay', () => {
  it('prints MatchEvent NDJSON at the events’ pace × --speed', async () => {
    const t = io()
    expect(await runCli([...REPLAY, '--speed', '10'], t.cli)).toBe(EXIT.ok)
    const lines = t
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MatchEvent)
    expect(lines.map((e) => e.id)).toEqual(['custom:55:a', 'custom:55:b', 'custom:55:c'])
    expect(t.slept).toEqual([3000, 6000])
  })

  it('posts each event signed, in the guide’s format, and the receiver reads back the same events', async () => {
    const t = io()
    expect(await runCli([...REPLAY, ...TO, '--speed', '0'], t.cli)).toBe(EXIT.ok)
    expect(t.slept).toEqual([])
    const readBack = t.received.flatMap((r) => parseCustomEvents(r.body))
    const normalized = parseCustomEvents(FILE)
    expect(readBack).toEqual(normalized)
    expect(t.err()).toContain('replay: 3 events delivered')
  })

  it('retries an unavailable receiver, waiting its Retry-After, and sends the same signed delivery again', async () => {
    const t = io([{ status: 503, headers: { 'retry-after': '2' } }, { status: 502 }])
    expect(await runCli([...REPLAY, ...TO, '--speed', '0'], t.cli)).toBe(EXIT.ok)
    expect(t.slept).toEqual([2000, 400])
    expect(t.received).toHaveLength(5)
    expect(t.received[0]!.headers.get('x-signature')).toBe(t.received[2]!.headers.get('x-signature'))
  })

  it('stops with exit 1 when the receiver refuses an event (4xx), without retrying it', async () => {
    const t = io([{ status: 400, body: '{"error":{"field":"minute"}}' }])
    expect(await runCli([...REPLAY, ...TO, '--speed', '0'], t.cli)).toBe(EXIT.rejected)
    expect(t.received).toHaveLength(1)
    expect(t.err()).toContain('event 1 of 3 (custom:55:a) not delivered: 400')
  })

  it('gives up after --retries and says so', async () => {
    const t = io([{ status: 503 }, { status: 503 }, { status: 503 }])
    expect(await runCli([...REPLAY, ...TO, '--retries', '2'], t.cli)).toBe(EXIT.rejected)
    expect(t.err()).toContain('gave up after 3 attempts (last: 503')
  })

  it('draws a progress bar on a terminal', async () => {
    const t = io()
    t.cli.stderrIsTTY = true
    expect(await runCli([...REPLAY, '--speed', '0'], t.cli)).toBe(EXIT.ok)
    expect(t.err()).toContain('] 3/3 events  +1:30')
  })

  it('exits 2 on bad usage: a negative speed, a URL without a secret, an unknown format', async () => {
    for (const args of [
      [...REPLAY, '--speed', '-1'],
      [...REPLAY, '--to', 'http://127.0.0.1:1/'],
      [...REPLAY, '--format', 'xml'],
      [...REPLAY, '--to', 'not a url', '--secret', SECRET],
    ]) {
      const t = io()
      expect(await runCli(args, t.cli)).toBe(EXIT.usage)
      expect(t.received).toHaveLength(0)
    }
  })
})

describe('toGuideItem', () => {
  it('sends every guide event type so that it reads back as the same kind of event', () => {
    for (const eventType of Object.keys(CUSTOM_EVENT_TYPES)) {
      const [event] = parseCustomEvents({ match_id: '1', event_id: 'x', event_type: eventType, minute: 5 })
      const [again] = parseCustomEvents(toGuideItem(event!))
      const kind = (e: MatchEvent) => [e.type, e.result, e.setPiece, e.card]
      expect(kind(again!), eventType).toEqual(kind(event!))
    }
  })

  it('names a type the guide has no word for as it is', () => {
    const [event] = parseCustomEvents({ match_id: '1', event_id: 'x', event_type: 'pass', minute: 5 })
    expect(guideEventType({ ...event!, type: 'carry' } as MatchEvent)).toBe('carry')
  })
})
