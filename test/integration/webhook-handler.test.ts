import { afterEach, describe, expect, it, vi } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import {
  createWebhookHandler,
  signHmacSignature,
  signStandardWebhook,
  signTimestampedSignature,
  type WebhookHandlerOptions,
} from '../../src/webhooks/index.js'
import { postChunked, serve } from '../helpers/http.js'

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const body = JSON.stringify({
  match_id: '8841',
  event_type: 'goal',
  minute: 23,
  player_id: '9',
  position_x: 88.5,
  position_y: 50,
})

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

async function start(overrides: Partial<WebhookHandlerOptions> = {}) {
  const received: MatchEvent[][] = []
  const onEvents = vi.fn(async (events: MatchEvent[]) => {
    received.push(events)
  })
  const handler = createWebhookHandler({
    verify: { scheme: 'standard-webhooks', secret },
    parse: (raw) => parseCustomEvents(raw),
    onEvents,
    ...overrides,
  })
  const server = await serve(handler.node)
  closers.push(server.close)
  return { url: server.url, received, onEvents, handler }
}

function signed(payload = body, id = `msg_${Math.random().toString(36).slice(2)}`) {
  return signStandardWebhook(payload, { secret, id })
}

/** The handler's JSON answers: `{ status, events }`, or `{ error: { code, … } }`. */
type ResponseJson = { [key: string]: unknown; error: { [key: string]: unknown; code: string } }

async function post(url: string, payload: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body: payload, headers })
  return { status: res.status, json: (await res.json()) as ResponseJson }
}

describe('createWebhookHandler over real HTTP (Node adapter)', () => {
  it('verifies, parses and hands over MatchEvents, answering 200 after onEvents resolved', async () => {
    let resolveStore!: () => void
    const stored = new Promise<void>((r) => {
      resolveStore = r
    })
    const { url, received } = await start({
      onEvents: async (events) => {
        received.push(events)
        await stored
      },
    })
    let answered = false
    const response = post(url, body, signed()).then((r) => {
      answered = true
      return r
    })
    await vi.waitFor(() => expect(received).toHaveLength(1))
    await new Promise((r) => setTimeout(r, 50))
    expect(answered).toBe(false) // no 2xx before the events are durable
    resolveStore()
    expect(await response).toEqual({ status: 200, json: { status: 'ok', events: 1 } })
    expect(received[0]![0]).toMatchObject({
      provider: 'custom',
      matchId: '8841',
      type: 'shot',
      result: 'goal',
    })
    expect(received[0]![0]!.x).toBeCloseTo(94, 9)
  })

  it('answers 401 with a stable reason for a tampered body, a missing header or a stale timestamp', async () => {
    const { url, onEvents } = await start()
    const headers = signed()
    expect(await post(url, body.replace('23', '24'), headers)).toMatchObject({
      status: 401,
      json: { error: { code: 'bad_signature' } },
    })
    const { 'webhook-signature': _, ...noSignature } = headers
    expect((await post(url, body, noSignature)).json.error.code).toBe('missing_header')
    const old = signStandardWebhook(body, {
      secret,
      id: 'msg_old',
      timestamp: Math.floor(Date.now() / 1000) - 301,
    })
    expect((await post(url, body, old)).json.error.code).toBe('timestamp_too_old')
    expect(onEvents).not.toHaveBeenCalled()
  })

  it('answers 400 naming the field for a signed but malformed payload', async () => {
    const { url, onEvents } = await start()
    const bad = JSON.stringify({ match_id: '8841', event_type: 'goal', minute: 'late' })
    const res = await post(url, bad, signed(bad))
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'invalid_payload', provider: 'custom', field: 'minute' })
    const notJson = '{"match_id":'
    expect((await post(url, notJson, signed(notJson))).json.error).toMatchObject({
      code: 'invalid_payload',
      field: '(body)',
    })
    expect(onEvents).not.toHaveBeenCalled()
  })

  it('answers 413 before hashing for a declared Content-Length over the cap', async () => {
    const verify = vi.fn(() => ({
      scheme: 'hmac' as const,
      id: undefined,
      timestamp: undefined,
      replayKey: 'k',
    }))
    const { url } = await start({ maxBodyBytes: 1024, verify })
    const big = 'x'.repeat(1025)
    const res = await fetch(url, { method: 'POST', body: big })
    expect(res.status).toBe(413)
    expect(verify).not.toHaveBeenCalled()
  })

  it('answers 413 for a streamed body that grows past the cap, and accepts one exactly at the cap', async () => {
    const verify = vi.fn(() => ({
      scheme: 'hmac' as const,
      id: undefined,
      timestamp: undefined,
      replayKey: 'k',
    }))
    const { url } = await start({ maxBodyBytes: 4096, verify, replay: false, parse: () => [] })
    const chunk = new Uint8Array(1024).fill(32)
    const over = await postChunked(url, [chunk, chunk, chunk, chunk, new Uint8Array(1)])
    expect(over === 'reset' ? 'reset' : over.status).toBe(413)
    expect(verify).not.toHaveBeenCalled()
    const atCap = await postChunked(url, [chunk, chunk, chunk, chunk])
    expect(atCap).toMatchObject({ status: 200 })
  })

  it('never answers 2xx when onEvents rejects, and processes the retried delivery afterwards', async () => {
    let fail = true
    const onEvents = vi.fn(async () => {
      if (fail) throw new Error('database unavailable')
    })
    const onError = vi.fn()
    const { url } = await start({ onEvents, onError })
    const headers = signed(body, 'msg_retry')
    const first = await post(url, body, headers)
    expect(first.status).toBe(503)
    expect(JSON.stringify(first.json)).not.toContain('database unavailable')
    expect(onError).toHaveBeenCalledOnce()
    fail = false
    expect((await post(url, body, headers)).json).toEqual({ status: 'ok', events: 1 })
    expect(onEvents).toHaveBeenCalledTimes(2)
  })

  it('acknowledges a replayed delivery without handing it over twice', async () => {
    const { url, onEvents } = await start()
    const headers = signed(body, 'msg_once')
    expect((await post(url, body, headers)).json).toEqual({ status: 'ok', events: 1 })
    expect((await post(url, body, headers)).json).toEqual({ status: 'duplicate', events: 0 })
    expect(onEvents).toHaveBeenCalledOnce()
  })

  it('lets a retry of a delivery still being stored wait for it, and never stores a second copy', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const onEvents = vi.fn(() => gate)
    const { url } = await start({ onEvents })
    const headers = signed(body, 'msg_concurrent')
    const first = post(url, body, headers)
    await new Promise((r) => setTimeout(r, 50))
    const retry = post(url, body, headers)
    await new Promise((r) => setTimeout(r, 50))
    release()
    expect((await first).status).toBe(200)
    expect(await retry).toMatchObject({ status: 200, json: { status: 'duplicate' } })
    expect(onEvents).toHaveBeenCalledOnce()
  })

  it('uses the signature as the replay key for hmac, whatever an (unsigned) id header says', async () => {
    const { url, onEvents } = await start({
      verify: { scheme: 'hmac', secret: 'plain-secret-0123456789', idHeader: 'x-delivery' },
    })
    const sig = signHmacSignature(body, { secret: 'plain-secret-0123456789' })
    expect((await post(url, body, { ...sig, 'x-delivery': 'd1' })).json.status).toBe('ok')
    expect((await post(url, body, { ...sig, 'x-delivery': 'd1' })).json.status).toBe('duplicate')
    expect((await post(url, body, { ...sig, 'x-delivery': 'd2' })).json.status).toBe('duplicate')
    const other = JSON.stringify({ match_id: '8841', event_type: 'goal', minute: 24 })
    const otherSig = signHmacSignature(other, { secret: 'plain-secret-0123456789' })
    expect((await post(url, other, { ...otherSig, 'x-delivery': 'd1' })).json.status).toBe('ok')
    expect(onEvents).toHaveBeenCalledTimes(2)
  })

  it('enforces an IP allowlist, believing X-Forwarded-For only from trusted proxies', async () => {
    const denied = await start({ allowIps: ['203.0.113.0/24'] })
    const spoofed = await post(denied.url, body, { ...signed(), 'x-forwarded-for': '203.0.113.7' })
    expect(spoofed).toMatchObject({ status: 403, json: { error: { code: 'forbidden_ip' } } })
    const proxied = await start({ allowIps: ['203.0.113.0/24'], trustedProxies: ['127.0.0.1/32'] })
    expect((await post(proxied.url, body, { ...signed(), 'x-forwarded-for': '203.0.113.7' })).status).toBe(
      200,
    )
    expect((await post(proxied.url, body, { ...signed(), 'x-forwarded-for': '198.51.100.1' })).status).toBe(
      403,
    )
    const loopback = await start({ allowIps: ['127.0.0.0/8', '::1/128'] })
    expect((await post(loopback.url, body, signed())).status).toBe(200)
  })

  it('answers 405 to anything but POST', async () => {
    const { url } = await start()
    const res = await fetch(url)
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
  })

  it('verifies timestamped signatures too', async () => {
    const { url } = await start({
      verify: { scheme: 'timestamped', secret: 'ts-secret-0123456789', header: 'x-signature' },
    })
    expect(
      (await post(url, body, signTimestampedSignature(body, { secret: 'ts-secret-0123456789' }))).status,
    ).toBe(200)
    const stale = signTimestampedSignature(body, {
      secret: 'ts-secret-0123456789',
      timestamp: Math.floor(Date.now() / 1000) + 400,
    })
    expect((await post(url, body, stale)).json.error.code).toBe('timestamp_too_new')
  })

  it.each([
    ['an empty secret', { scheme: 'hmac', secret: '' }],
    ['a bare whsec_ prefix', { scheme: 'standard-webhooks', secret: 'whsec_' }],
    ['a secret with stray whitespace', { scheme: 'timestamped', secret: ' padded-secret ' }],
    ['an empty rotation list', { scheme: 'hmac', secret: [] }],
  ])('refuses to start with %s, without printing it', (_, verify) => {
    const create = () =>
      createWebhookHandler({
        verify,
        parse: () => [],
        onEvents: () => {},
      } as unknown as WebhookHandlerOptions)
    expect(create).toThrow(expect.objectContaining({ code: 'invalid_option' }))
    try {
      create()
    } catch (error) {
      expect((error as Error).message).not.toContain('padded-secret')
    }
  })

  it('refuses to start without a verifier, and accepts unsigned requests only with verify: "none"', async () => {
    expect(() =>
      createWebhookHandler({ parse: () => [], onEvents: () => {} } as unknown as WebhookHandlerOptions),
    ).toThrow(/option verify: required/)
    const { url } = await start({ verify: 'none', allowIps: ['127.0.0.1'] })
    expect((await post(url, body, {})).status).toBe(200)
  })
})

describe('createWebhookHandler (Web adapter)', () => {
  it('turns a Request into a Response with the same rules', async () => {
    const handler = createWebhookHandler({
      verify: { scheme: 'standard-webhooks', secret },
      parse: (raw) => parseCustomEvents(raw),
      onEvents: async () => {},
    })
    const ok = await handler.fetch(new Request('http://x/hook', { method: 'POST', body, headers: signed() }))
    expect(ok.status).toBe(200)
    const tampered = await handler.fetch(
      new Request('http://x/hook', { method: 'POST', body: `${body} `, headers: signed() }),
    )
    expect(tampered.status).toBe(401)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(600))
        controller.close()
      },
    })
    const small = createWebhookHandler({
      verify: 'none',
      parse: () => [],
      onEvents: () => {},
      maxBodyBytes: 1024,
    })
    const big = await small.fetch(
      new Request('http://x/hook', { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
    )
    expect(big.status).toBe(413)
  })

  it('applies the allowlist to the address it is given', async () => {
    const handler = createWebhookHandler({
      verify: 'none',
      parse: () => [],
      onEvents: () => {},
      allowIps: ['10.0.0.0/8'],
    })
    const req = () => new Request('http://x/hook', { method: 'POST', body: '[]' })
    expect((await handler.fetch(req(), { remoteAddress: '10.2.3.4' })).status).toBe(200)
    expect((await handler.fetch(req(), { remoteAddress: '11.2.3.4' })).status).toBe(403)
    expect((await handler.fetch(req())).status).toBe(403)
  })
})
