import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { MatchfeedError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { createPipeline, type Sink } from '../../src/pipeline/index.js'
import {
  createHttpStreamSource,
  createWebSocketSource,
  customFrames,
  matchEventFrames,
  SequenceGapError,
  type WebSocketConstructor,
  type WebSocketSourceOptions,
} from '../../src/providers/websocket/index.js'
import { memorySink } from '../../src/sinks/memory.js'

const frame = (seq: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ match_id: 'm1', event_type: 'pass', minute: 1, event_id: `e${seq}`, seq, ...extra })
const sequence = (event: MatchEvent) => event.seq
const fast = { reconnect: { minDelayMs: 10, maxDelayMs: 20 } }
/** A source on `ws` reading custom frames whose `seq` is the feed's counter. */
const numberedSource = (url: string, options: Partial<WebSocketSourceOptions> = {}) =>
  createWebSocketSource({ url, WebSocket, parse: customFrames(), sequence, ...fast, ...options })
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function wsServer(
  onConnection: (socket: WebSocket, request: import('node:http').IncomingMessage, n: number) => void,
) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await once(server, 'listening')
  let n = 0
  server.on('connection', (socket, request) => onConnection(socket, request, ++n))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate()
        server.close(() => resolve())
      }),
  )
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/live`
}

async function run(source: Parameters<typeof createPipeline>[0]['sources'], sinks: Sink[] = [memorySink()]) {
  const pipeline = createPipeline({ sources: source, sinks })
  await pipeline.start()
  cleanups.push(() => pipeline.stop({ deadlineMs: 500 }))
  return pipeline
}

describe('createWebSocketSource against a real ws server', () => {
  it('reconnects after an abrupt disconnect and resumes from the last sequence delivered', async () => {
    const resumes: string[] = []
    const url = await wsServer((socket, _req, n) => {
      socket.on('message', (data) => {
        const from = JSON.parse(String(data)).from as number | null
        resumes.push(String(data))
        const start = from ?? 1
        for (let seq = start; seq <= (n === 1 ? 5 : 10); seq++) socket.send(frame(seq))
        if (n === 1) setTimeout(() => socket.terminate(), 100) // no close frame
      })
    })
    const sink = memorySink()
    const source = createWebSocketSource({
      url,
      WebSocket,
      parse: customFrames(),
      sequence,
      resume: (lastSeq) => JSON.stringify({ from: lastSeq === undefined ? null : lastSeq + 1 }),
      ...fast,
    })
    await run([source], [sink])
    await vi.waitFor(() => expect(sink.events()).toHaveLength(10))
    expect(resumes).toEqual(['{"from":null}', '{"from":6}'])
    expect(sink.match('m1').map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(source.state()).toMatchObject({ connects: 2, lastSeq: 10 })
  })

  it('treats a silent connection as dead after the heartbeat timeout, and reconnects', async () => {
    const url = await wsServer((socket, _req, n) => {
      socket.send(frame(n)) // then silence, without closing: a half-open connection
    })
    const sink = memorySink()
    const errors: unknown[] = []
    const source = createWebSocketSource({
      url,
      WebSocket,
      parse: customFrames(),
      heartbeat: { timeoutMs: 100 },
      onConnectionError: (e) => errors.push(e),
      ...fast,
    })
    await run([source], [sink])
    await vi.waitFor(() => expect(sink.events().length).toBeGreaterThanOrEqual(3), { timeout: 3000 })
    expect(String(errors[0])).toContain('no frame for 100 ms')
  })

  it('dead-letters a garbage frame with its raw text and keeps the connection', async () => {
    const url = await wsServer((socket) => {
      socket.send(frame(1))
      socket.send('{"match_id": "m1", "event_type": ')
      socket.send(frame(2, { minute: 'late' }))
      socket.send(frame(3))
    })
    const sink = memorySink()
    const letters: { raw: string; error: unknown }[] = []
    const source = createWebSocketSource({
      url,
      WebSocket,
      parse: customFrames(),
      onDeadLetter: (letter) => void letters.push(letter),
      ...fast,
    })
    await run([source], [sink])
    await vi.waitFor(() => expect(sink.events()).toHaveLength(2))
    expect(letters.map((l) => l.raw)).toEqual([
      '{"match_id": "m1", "event_type": ',
      frame(2, { minute: 'late' }),
    ])
    expect(String(letters[1]!.error)).toContain('custom: minute')
    expect(source.state()).toMatchObject({ connects: 1, deadLetters: 2 })
  })

  it('offers a batch the pipeline gave back again until it is taken, without reconnecting', async () => {
    const url = await wsServer((socket) => {
      for (const seq of [1, 2, 3]) socket.send(frame(seq))
    })
    let failures = 2
    const seen: number[] = []
    const flaky: Sink = {
      name: 'flaky',
      async write(batch) {
        if (batch.some((e) => e.seq === 2) && failures-- > 0) {
          throw new MatchfeedError('db down', { code: 'down', retryable: false })
        }
        seen.push(...batch.map((e) => e.seq))
      },
    }
    const source = createWebSocketSource({
      url,
      WebSocket,
      parse: customFrames(),
      ...fast,
    })
    await run([source], [flaky])
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]))
    expect(source.state().connects).toBe(1)
  })

  it('back-fills a sequence gap before later events pass', async () => {
    const url = await wsServer((socket) => {
      for (const seq of [1, 2, 5, 6]) socket.send(frame(seq))
    })
    const sink = memorySink()
    const backfill = vi.fn(async (from: number, to: number) =>
      customFrames()(
        JSON.stringify(Array.from({ length: to - from + 1 }, (_, i) => JSON.parse(frame(from + i)))),
      ),
    )
    const writes: number[][] = []
    const recording: Sink = {
      name: 'recording',
      async write(batch) {
        writes.push(batch.map((e) => e.seq))
      },
    }
    const source = numberedSource(url, { backfill })
    await run([source], [sink, recording])
    await vi.waitFor(() => expect(sink.events()).toHaveLength(6))
    expect(backfill).toHaveBeenCalledExactlyOnceWith(3, 4)
    expect(writes.flat()).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('judges a frame of several consecutive events as no gap', async () => {
    const url = await wsServer((socket) => {
      socket.send(`[${frame(1)},${frame(2)},${frame(3)}]`)
      socket.send(`[${frame(4)},${frame(5)}]`)
    })
    const sink = memorySink()
    const backfill = vi.fn(async () => [] as MatchEvent[])
    const source = numberedSource(url, { backfill })
    await run([source], [sink])
    await vi.waitFor(() => expect(sink.events()).toHaveLength(5))
    expect(backfill).not.toHaveBeenCalled()
    expect(source.state().lastSeq).toBe(5)
  })

  it('asks backfill for at most maxBackfill events: a larger gap is dead-lettered, naming it', async () => {
    const url = await wsServer((socket) => {
      for (const seq of [1, 4, 8]) socket.send(frame(seq))
    })
    const sink = memorySink()
    const backfill = vi.fn(async (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => customFrames()(frame(from + i))[0]!),
    )
    const letters: { raw: string; error: unknown }[] = []
    const source = numberedSource(url, {
      backfill,
      maxBackfill: 2,
      onDeadLetter: (letter) => void letters.push(letter),
    })
    await run([source], [sink])
    await vi.waitFor(() => expect(sink.events()).toHaveLength(5))
    expect(backfill).toHaveBeenCalledExactlyOnceWith(2, 3) // 2 events: within the bound
    expect(sink.match('m1').map((e) => e.seq)).toEqual([1, 2, 3, 4, 8]) // 5..7 (3 events) not asked for
    expect(letters).toHaveLength(1)
    expect(letters[0]!.raw).toBe(frame(8))
    const gap = letters[0]!.error
    expect(SequenceGapError.isInstance(gap)).toBe(true)
    expect(gap).toMatchObject({ code: 'sequence_gap', from: 5, to: 7 })
    expect(String(gap)).toContain('sequence gap 5..7 (3 events) is more than maxBackfill (2)')
    expect(source.state()).toMatchObject({ lastSeq: 8, deadLetters: 1 })
    expect(() => createWebSocketSource({ url, WebSocket, parse: customFrames(), maxBackfill: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    )
  })

  it("docs/websocket.md's examples ask no backfill of a custom feed that sends no seq", async () => {
    // Without a payload `seq`, a custom event's seq is period × 10⁷ + ms: 10,600,000, 11,800,000, then
    // 20,300,000 after half-time. The example judged gaps on it and asked backfill for millions.
    const unnumbered = (minute: number) =>
      JSON.stringify({ match_id: 'm1', event_type: 'pass', minute, event_id: `u${minute}` })
    const url = await wsServer((socket) => {
      for (const minute of [10, 30, 50, 70]) socket.send(unnumbered(minute))
    })
    const fetchMissingFromRest = vi.fn(async (_from: number, _to: number): Promise<MatchEvent[]> => [])
    const first = { letters: [] as unknown[], sink: memorySink() }
    const numbered = { letters: [] as unknown[], sink: memorySink() }
    // The first example: no sequence at all.
    const feed = createWebSocketSource({
      url,
      WebSocket,
      parse: customFrames(),
      heartbeat: { timeoutMs: 30_000 },
      onDeadLetter: ({ error }) => void first.letters.push(error),
      ...fast,
    })
    // The "Sequences" example, pointed at a feed that does not send the `seq` it counts on.
    const misread = createWebSocketSource({
      url,
      WebSocket,
      parse: customFrames(),
      sequence: (event) => event.seq,
      resume: (lastSeq) => JSON.stringify({ type: 'resume', from: (lastSeq ?? 0) + 1 }),
      backfill: (from, to) => fetchMissingFromRest(from, to),
      maxBackfill: 1_000,
      onDeadLetter: ({ error }) => void numbered.letters.push(error),
      ...fast,
    })
    await run([feed], [first.sink])
    await run([misread], [numbered.sink])
    await vi.waitFor(() => {
      expect(first.sink.events()).toHaveLength(4)
      expect(numbered.sink.events()).toHaveLength(4)
    })
    expect(fetchMissingFromRest).not.toHaveBeenCalled()
    expect(first.letters).toEqual([])
    expect(numbered.letters.map((e) => (e as SequenceGapError).from)).toEqual([
      10_600_001, 11_800_001, 20_300_001,
    ])
  })

  it('takes the ws class and the global WebSocket as they are, without a cast', () => {
    // Checked by tsc (the suite's typecheck): ws's class was TS2322 before, its ErrorEvent sharing no
    // property with the one listener type. The global WebSocket is DOM's or, without the DOM lib, undici's.
    expectTypeOf(WebSocket).toExtend<WebSocketConstructor>()
    expectTypeOf(globalThis.WebSocket).toExtend<WebSocketConstructor>()
    expectTypeOf<typeof import('undici').WebSocket>().toExtend<WebSocketConstructor>()
  })

  it('sends headers with the ws constructor, and refuses headers without one', async () => {
    let auth: string | undefined
    const url = await wsServer((socket, request) => {
      auth = request.headers.authorization
      socket.send(frame(1))
    })
    const sink = memorySink()
    const source = createWebSocketSource({
      url,
      headers: { authorization: 'Bearer feed-token' },
      WebSocket,
      parse: customFrames(),
      ...fast,
    })
    await run([source], [sink])
    await vi.waitFor(() => expect(sink.events()).toHaveLength(1))
    expect(auth).toBe('Bearer feed-token')
    expect(() => createWebSocketSource({ url, headers: { a: 'b' }, parse: customFrames() })).toThrow(/ws/)
  })

  it('lets backpressure reach the socket: a slow sink stops the reading instead of growing a buffer', async () => {
    const total = 3000
    const payload = 'x'.repeat(2000)
    let serverSocket: WebSocket | undefined
    const url = await wsServer((socket) => {
      serverSocket = socket
      for (let seq = 1; seq <= total; seq++) socket.send(frame(seq, { metadata: payload }))
    })
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const seen: number[] = []
    const slow: Sink = {
      name: 'slow',
      async write(batch) {
        await gate
        seen.push(...batch.map((e) => e.seq))
      },
    }
    const source = createWebSocketSource({
      url,
      WebSocket,
      parse: customFrames(),
      maxBufferedFrames: 20,
      ...fast,
    })
    await run([source], [slow])
    // The client stops reading: unsent data piles up on the server's side of the socket.
    await vi.waitFor(() => expect(serverSocket?.bufferedAmount ?? 0).toBeGreaterThan(1_000_000), {
      timeout: 3000,
    })
    release()
    await vi.waitFor(() => expect(seen).toHaveLength(total), { timeout: 10_000 })
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1))
  })
})

describe('createWebSocketSource on the global WebSocket (msw ws.link)', () => {
  it('reads frames through the global WebSocket', async () => {
    const { ws } = await import('msw')
    const { setupServer } = await import('msw/node')
    const feed = ws.link('wss://feed.example.test/live')
    const server = setupServer(
      feed.addEventListener('connection', ({ client }) => {
        client.send(JSON.stringify([JSON.parse(frame(1)), JSON.parse(frame(2))]))
      }),
    )
    server.listen({ onUnhandledFrame: 'error' })
    cleanups.push(() => server.close())
    const sink = memorySink()
    await run(
      [createWebSocketSource({ url: 'wss://feed.example.test/live', parse: customFrames(), ...fast })],
      [sink],
    )
    await vi.waitFor(() => expect(sink.events()).toHaveLength(2))
  })
})

describe('createHttpStreamSource (NDJSON over chunked HTTP)', () => {
  it('reads lines, resumes through the URL after a stall, and dead-letters a bad line', async () => {
    const urls: string[] = []
    const server = createServer((req, res) => {
      urls.push(req.url!)
      const from = Number(new URL(req.url!, 'http://x').searchParams.get('from') ?? 1)
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      const events = [from, from + 1].map((seq) =>
        JSON.stringify({ ...JSON.parse(JSON.stringify(eventFor(seq))) }),
      )
      res.write(`${events[0]}\n`)
      res.write(`not json\n${events[1]}`)
      res.write('\n') // then stall with the connection open
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    cleanups.push(() => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    })
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`
    const sink = memorySink()
    const letters: string[] = []
    const source = createHttpStreamSource({
      url: (lastSeq) => `${base}?from=${(lastSeq ?? 0) + 1}`,
      parse: matchEventFrames,
      sequence,
      heartbeat: { timeoutMs: 150 },
      onDeadLetter: ({ raw }) => void letters.push(raw),
      ...fast,
    })
    await run([source], [sink])
    await vi.waitFor(() => expect(sink.events().length).toBeGreaterThanOrEqual(4), { timeout: 3000 })
    expect(urls.slice(0, 2)).toEqual(['/stream?from=1', '/stream?from=3'])
    expect(letters[0]).toBe('not json')
    expect(
      sink
        .match('m1')
        .map((e) => e.seq)
        .slice(0, 4),
    ).toEqual([1, 2, 3, 4])
  })
})

function eventFor(seq: number): MatchEvent {
  return {
    id: `feed:m1:e${seq}`,
    provider: 'feed',
    providerEventId: `e${seq}`,
    matchId: 'm1',
    seq,
    version: 0,
    deleted: false,
    type: 'pass',
    result: null,
    period: 1,
    periodTime: seq,
    minute: 0,
    second: seq % 60,
    providerType: 'pass',
  }
}
