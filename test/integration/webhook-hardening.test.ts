import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { createPipeline, memorySink } from '../../src/index.js'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import { createOptaPushHandler } from '../../src/providers/opta/index.js'
import {
  createWebhookHandler,
  signHmacSignature,
  signStandardWebhook,
  type WebhookHandlerOptions,
} from '../../src/webhooks/index.js'
import { postChunked, serve } from '../helpers/http.js'

// Hostile senders, as issue #10 found them: each test here failed before its fix.

const HMAC_SECRET = 'hmac-secret-value-0123456789'
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const body = JSON.stringify({ match_id: '8841', event_type: 'goal', minute: 23, player_id: '9' })

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

async function serveHandler(listener: Parameters<typeof serve>[0]) {
  const server = await serve(listener)
  closers.push(async () => {
    server.server.closeAllConnections()
    await server.close()
  })
  return server
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Every way a hook's arguments can end up in a log. */
function serialisations(args: unknown[]): string[] {
  const safeJson = (value: unknown) => {
    try {
      return JSON.stringify(value, (_k, v) =>
        v instanceof Error ? { ...v, message: v.message, stack: v.stack, cause: v.cause } : v,
      )
    } catch {
      return ''
    }
  }
  return [
    safeJson(args),
    inspect(args, { depth: 20, showHidden: true, getters: true }),
    String(args),
    args.map((a) => String(a)).join(' '),
  ]
}

describe('#10.1 nothing a hook receives carries a credential', () => {
  const SECRETS = {
    bearer: 'bearer-token-abcdefghijklmnop',
    apiKey: 'api-key-value-qrstuvwxyz012345',
    cookie: 'session-cookie-value-67890abcdef',
    custom: 'custom-credential-header-value-42',
  }
  const hostileHeaders = {
    authorization: `Bearer ${SECRETS.bearer}`,
    'x-api-key': SECRETS.apiKey,
    cookie: `sid=${SECRETS.cookie}`,
    'proxy-authorization': `Basic ${Buffer.from(`u:${SECRETS.bearer}`).toString('base64')}`,
    'x-feed-credential': SECRETS.custom,
    'x-request-id': 'req-1',
  }

  function expectClean(calls: unknown[][], forbidden: string[]) {
    expect(calls.length).toBeGreaterThan(0)
    for (const call of calls) {
      for (const text of serialisations(call)) {
        for (const secret of forbidden) {
          expect(text).not.toContain(secret)
          expect(text).not.toContain(Buffer.from(secret).toString('base64'))
        }
      }
    }
  }

  type Path = [string, Partial<WebhookHandlerOptions>, { body?: WebhookHandlerOptions['parse'] } | undefined]
  const failing = () => {
    throw new Error('boom')
  }
  const paths: Path[] = [
    ['parse throws', { parse: failing }, undefined],
    ['onEvents rejects', { onEvents: () => Promise.reject(new Error('sink down')) }, undefined],
    ['the replay store fails on has', { replay: { store: { has: failing, add: () => {} } } }, undefined],
    ['the replay store fails on add', { replay: { store: { has: () => false, add: failing } } }, undefined],
  ]

  it.each(paths)('createWebhookHandler: %s', async (_name, overrides) => {
    const onError = vi.fn()
    const handler = createWebhookHandler({
      verify: { scheme: 'hmac', secret: HMAC_SECRET },
      parse: (raw) => parseCustomEvents(raw),
      onEvents: () => {},
      redactHeaders: ['x-feed-credential'],
      onError,
      ...overrides,
    })
    const signature = signHmacSignature(body, { secret: HMAC_SECRET })
    const res = await handler.handle({
      method: 'POST',
      headers: { ...hostileHeaders, ...signature },
      body: Buffer.from(body),
    })
    expect(res.status).toBeGreaterThanOrEqual(500)
    expectClean(onError.mock.calls, [...Object.values(SECRETS), signature['x-signature']!, HMAC_SECRET])
    const context = onError.mock.calls[0]![1] as { headers: Record<string, string> }
    expect(context.headers['x-request-id']).toBe('req-1')
    expect(context.headers.authorization).toBe('[redacted]')
  })

  it('createWebhookHandler: a custom verifier that fails, a body parser that ran first, parse and onEvents contexts', async () => {
    const onError = vi.fn()
    const seenByHooks: unknown[][] = []
    const make = (verify: WebhookHandlerOptions['verify']) =>
      createWebhookHandler({
        verify,
        parse: (raw, context) => {
          seenByHooks.push([context])
          return parseCustomEvents(raw)
        },
        onEvents: (_events, context) => {
          seenByHooks.push([context])
        },
        redactHeaders: ['x-feed-credential'],
        onError,
      })
    const verifierDown = make(() => {
      throw new Error('key service unreachable')
    })
    const request = (b: unknown) => ({ method: 'POST', headers: hostileHeaders, body: b as Uint8Array })
    expect((await verifierDown.handle(request(Buffer.from(body)))).status).toBe(503)
    const accepting = make(() => ({ scheme: 'hmac', id: undefined, timestamp: undefined, replayKey: 'k1' }))
    async function* consumed(): AsyncGenerator<Uint8Array> {
      yield* []
      throw new MatchfeedError('the request body was already consumed', { code: 'body_already_parsed' })
    }
    expect((await accepting.handle(request(consumed()))).status).toBe(500)
    expect((await accepting.handle(request(Buffer.from(body)))).status).toBe(200)
    expect(onError).toHaveBeenCalledTimes(2)
    expectClean([...onError.mock.calls, ...seenByHooks], Object.values(SECRETS))
  })

  it('createOptaPushHandler: Basic credentials and a shared-secret header never reach onError', async () => {
    const password = 'opta-push-password-123'
    const headerSecret = 'opta-shared-secret-456'
    const onError = vi.fn()
    const handler = createOptaPushHandler({
      auth: { basic: { username: 'opta', password }, header: { name: 'x-opta-key', secret: headerSecret } },
      onEvents: () => {
        throw new Error('sink down')
      },
      onError,
    })
    const { url } = await serveHandler(handler.node)
    const basic = `Basic ${Buffer.from(`opta:${password}`).toString('base64')}`
    const ma3 = readFileSync(new URL('../fixtures/opta/ma3-small.json', import.meta.url))
    const res = await fetch(url, {
      method: 'POST',
      body: ma3,
      headers: { authorization: basic, 'x-opta-key': headerSecret, 'content-type': 'application/json' },
    })
    expect(res.status).toBe(503)
    expectClean(onError.mock.calls, [password, headerSecret, basic, 'opta:opta-push-password-123'])
  })
})

/** A raw HTTP/1.1 request: headers now, the body as the test writes it. */
function rawRequest(url: string, headers: Record<string, string | number>): Promise<Socket> {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  socket.on('error', () => {})
  const lines = Object.entries({ host: `127.0.0.1:${port}`, ...headers }).map(([k, v]) => `${k}: ${v}`)
  socket.write(`POST / HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`)
  return once(socket, 'connect').then(() => socket)
}

/** The status line of the first answer on a socket, or 'closed'. */
function statusOf(socket: Socket): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    let text = ''
    socket.on('data', (d) => {
      text += d.toString('latin1')
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text)
      if (m) resolve(Number(m[1]))
    })
    socket.on('close', () => resolve('closed'))
  })
}

function rssMiB() {
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().rss / 2 ** 20
}

describe('#10.3 headers are checked before any body is buffered; bodies have a deadline and a shared budget', () => {
  it('answers 401 to unauthenticated Opta pushes declaring 32 MiB before reading them, and holds no memory for them', async () => {
    const handler = createOptaPushHandler({
      auth: { basic: { username: 'opta', password: 'opta-push-password-123' } },
      onEvents: () => {},
    })
    const { url } = await serveHandler(handler.node)
    const before = rssMiB()
    const chunk = Buffer.alloc(64 * 1024, 0x3c)
    const attackers = await Promise.all(
      Array.from({ length: 16 }, () =>
        rawRequest(url, { 'content-length': 32 * 1024 * 1024, 'content-type': 'application/xml' }),
      ),
    )
    const statuses = attackers.map(statusOf)
    // Each attacker pushes as fast as the socket takes it, for a bounded time.
    const until = Date.now() + 1_000
    await Promise.all(
      attackers.map(async (s) => {
        while (Date.now() < until && !s.destroyed) {
          if (!s.write(chunk)) await Promise.race([once(s, 'drain').catch(() => {}), sleep(50)])
        }
      }),
    )
    expect(await Promise.all(statuses)).toEqual(Array(16).fill(401))
    expect(rssMiB() - before).toBeLessThan(64)
    for (const s of attackers) s.destroy()
  })

  it('bounds slow bodies by a deadline and a shared budget, and keeps answering a probe', async () => {
    const onEvents = vi.fn()
    const handler = createWebhookHandler({
      verify: { scheme: 'hmac', secret: HMAC_SECRET },
      parse: (raw) => parseCustomEvents(raw),
      onEvents,
      maxBodyBytes: 1024 * 1024,
      maxInFlightBodyBytes: 8 * 1024 * 1024,
      bodyTimeoutMs: 1_000,
    })
    const { url } = await serveHandler(handler.node)
    const before = rssMiB()
    // 200 slow senders with a well-formed (forged) signature, each declaring 1 MiB and sending 1 KiB.
    const forged = { 'x-signature': 'ab'.repeat(32), 'content-length': 1024 * 1024 }
    const slow = await Promise.all(Array.from({ length: 200 }, () => rawRequest(url, forged)))
    const slowStatuses = slow.map(statusOf)
    for (const s of slow) s.write(Buffer.alloc(1024, 0x20))
    const probe = async () => {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: signHmacSignature(body, { secret: HMAC_SECRET }),
      })
      return res.status
    }
    // While the budget is taken, a probe is answered at once: 503 with Retry-After, never a hang.
    const busy = await fetch(url, {
      method: 'POST',
      body,
      headers: signHmacSignature(body, { secret: HMAC_SECRET }),
    })
    expect(busy.status).toBe(503)
    expect(busy.headers.get('retry-after')).toBe('5')
    const statuses = await Promise.all(slowStatuses)
    // 8 fit the 8 MiB budget and time out (408); the other 192 were refused before being read (503).
    expect(statuses.filter((s) => s === 408)).toHaveLength(8)
    expect(statuses.filter((s) => s === 503)).toHaveLength(192)
    expect(await probe()).toBe(200)
    expect(onEvents).toHaveBeenCalledOnce()
    expect(rssMiB() - before).toBeLessThan(64)
    for (const s of slow) s.destroy()
  })
})

describe('#10.6 a hanging sink does not hold the sender', () => {
  it('answers 503 with Retry-After by respondWithinMs, lets retries wait for the same work, then 200', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const onEvents = vi.fn(() => gate)
    const handler = createWebhookHandler({
      verify: { scheme: 'standard-webhooks', secret: SW_SECRET },
      parse: (raw) => parseCustomEvents(raw),
      onEvents,
      respondWithinMs: 300,
    })
    const { url } = await serveHandler(handler.node)
    const headers = signStandardWebhook(body, { secret: SW_SECRET, id: 'msg_hang' })
    const send = () => fetch(url, { method: 'POST', body, headers })
    const first = await send()
    expect(first.status).toBe(503)
    expect(first.headers.get('retry-after')).toBe('5')
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe('still_storing')
    expect((await send()).status).toBe(503) // a retry while still storing: no second copy
    release()
    await sleep(20)
    const later = await send()
    expect(later.status).toBe(200)
    expect(await later.json()).toEqual({ status: 'duplicate', events: 0 })
    expect(onEvents).toHaveBeenCalledOnce()
  })

  it('with the pipeline behind it: the batch stays pending, the retry is answered 200 once stored, stored once', async () => {
    const sink = memorySink()
    let stall = true
    const slowSink = {
      name: 'slow',
      async write(batch: readonly MatchEvent[]) {
        while (stall) await sleep(10)
        await sink.write(batch)
      },
    }
    const pipeline = createPipeline({ sources: [], sinks: [slowSink] })
    await pipeline.start()
    closers.push(async () => void (await pipeline.stop({ deadlineMs: 1000 })))
    const handler = createWebhookHandler({
      verify: { scheme: 'hmac', secret: HMAC_SECRET },
      parse: (raw) => parseCustomEvents(raw),
      onEvents: (events) => pipeline.emit(events, 'webhook'),
      respondWithinMs: 200,
    })
    const { url } = await serveHandler(handler.node)
    const send = () =>
      fetch(url, { method: 'POST', body, headers: signHmacSignature(body, { secret: HMAC_SECRET }) })
    expect((await send()).status).toBe(503)
    stall = false
    await sleep(50)
    expect((await send()).status).toBe(200)
    expect(sink.events()).toHaveLength(1)
  })
})

describe('#10.7 smaller defects', () => {
  it('lets 20 of 20 fetch clients see the 413 of an oversize body, with Content-Length and chunked', async () => {
    const handler = createWebhookHandler({
      verify: { scheme: 'hmac', secret: HMAC_SECRET },
      parse: () => [],
      onEvents: () => {},
      maxBodyBytes: 64 * 1024,
    })
    const { url } = await serveHandler(handler.node)
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61)
    const headers = signHmacSignature(big, { secret: HMAC_SECRET })
    const withLength = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(url, { method: 'POST', body: big, headers }).then(
          (r) => r.status,
          (e: Error) => `${e.name}: ${(e.cause as Error | undefined)?.message ?? e.message}`,
        ),
      ),
    )
    expect(withLength).toEqual(Array(20).fill(413))
    const chunks = Array.from({ length: 32 }, () => big.subarray(0, 64 * 1024))
    const chunked = await Promise.all(
      Array.from({ length: 20 }, () =>
        postChunked(url, chunks, headers).then((r) => (r === 'reset' ? r : r.status)),
      ),
    )
    expect(chunked).toEqual(Array(20).fill(413))
  })

  it('counts a client abort apart: never onError, never a 5xx', async () => {
    const onError = vi.fn()
    const onClientAbort = vi.fn()
    const handler = createWebhookHandler({
      verify: { scheme: 'hmac', secret: HMAC_SECRET },
      parse: (raw) => parseCustomEvents(raw),
      onEvents: () => {},
      onError,
      onClientAbort,
    })
    const { url } = await serveHandler(handler.node)
    const signature = signHmacSignature(body, { secret: HMAC_SECRET })
    for (let round = 0; round < 10; round++) {
      const sockets = await Promise.all(
        Array.from({ length: 10 }, () => rawRequest(url, { ...signature, 'content-length': 10_000 })),
      )
      for (const s of sockets) s.write('{"match_id":')
      await sleep(20)
      for (const s of sockets) s.destroy()
    }
    await vi.waitFor(() => expect(onClientAbort).toHaveBeenCalledTimes(100), { timeout: 5_000 })
    expect(onError).not.toHaveBeenCalled()
  })

  it('refuses configuration mistakes when the handler is created, naming the minimum', () => {
    const base = { parse: () => [], onEvents: () => {} }
    const refused = (verify: unknown, extra: object = {}) => {
      try {
        createWebhookHandler({ ...base, ...extra, verify: verify as WebhookHandlerOptions['verify'] })
      } catch (error) {
        expect((error as MatchfeedError).code).toBe('invalid_option')
        return (error as Error).message
      }
      throw new Error('accepted')
    }
    for (const tolerance of [0, -5, Number.NaN]) {
      expect(refused({ scheme: 'standard-webhooks', secret: SW_SECRET, tolerance })).toMatch(/tolerance/)
      expect(refused({ scheme: 'timestamped', secret: HMAC_SECRET, tolerance })).toMatch(/tolerance/)
    }
    expect(refused({ scheme: 'hmac', secret: HMAC_SECRET, header: '' })).toMatch(/header/)
    expect(refused({ scheme: 'timestamped', secret: HMAC_SECRET, header: ' ' })).toMatch(/header/)
    expect(refused({ scheme: 'hmac', secret: 'fifteen-bytes!!' })).toMatch(/15 bytes; at least 16/)
    expect(refused({ scheme: 'timestamped', secret: ['x'.repeat(16), 'short'] })).toMatch(
      /secret #2 of 2 is 5 bytes; at least 16/,
    )
    const key16 = `whsec_${Buffer.alloc(16, 7).toString('base64')}`
    expect(refused({ scheme: 'standard-webhooks', secret: key16 })).toMatch(
      /decodes to 16 bytes; at least 24/,
    )
    expect(refused({ scheme: 'hmac', secret: HMAC_SECRET }, { respondWithinMs: 0 })).toMatch(
      /respondWithinMs/,
    )
    expect(refused({ scheme: 'hmac', secret: HMAC_SECRET }, { bodyTimeoutMs: -1 })).toMatch(/bodyTimeoutMs/)
    const key24 = `whsec_${Buffer.alloc(24, 7).toString('base64')}`
    expect(() =>
      createWebhookHandler({ ...base, verify: { scheme: 'standard-webhooks', secret: key24 } }),
    ).not.toThrow()
    expect(() =>
      createOptaPushHandler({
        auth: { header: { name: '', secret: 'long-enough-secret' } },
        onEvents: () => {},
      }),
    ).toThrow(/header.name/)
  })
})

describe('#11.2.9 a framework body parser that ran first', () => {
  it('answers 500 saying why, and tells onError, when express.json() consumed the body', async () => {
    const { default: express } = await import('express')
    const onError = vi.fn()
    const webhook = createWebhookHandler({
      verify: { scheme: 'hmac', secret: HMAC_SECRET },
      parse: (raw) => parseCustomEvents(raw),
      onEvents: () => {},
      onError,
    })
    const app = express()
    app.use(express.json())
    app.post('/hook', webhook.node)
    const { url } = await serveHandler(app)
    const res = await fetch(`${url}/hook`, {
      method: 'POST',
      body,
      headers: { ...signHmacSignature(body, { secret: HMAC_SECRET }), 'content-type': 'application/json' },
    })
    expect(res.status).toBe(500)
    const answer = (await res.json()) as { error: { message: string } }
    expect(answer.error.message).toMatch(/already consumed.*express\.json\(\)/)
    expect(onError).toHaveBeenCalledOnce()
    expect((onError.mock.calls[0]![0] as MatchfeedError).code).toBe('body_already_parsed')
  })
})
