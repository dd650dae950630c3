// Issue #10 item 4: hostile bodies that pass the size cap and the signature are refused for their size
// within 250 ms of the body's end, with the process's RSS growing by less than 64 MiB — on a real node:http
// server on 127.0.0.1, with valid credentials (so that only the payload bounds are under test).
import { request } from 'node:http'
import { connect } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import { createOptaPushHandler } from '../../src/providers/opta/index.js'
import { createWebhookHandler, signHmacSignature } from '../../src/webhooks/index.js'
import { serve } from '../helpers/http.js'

const MiB = 1024 * 1024
const ANSWER_WITHIN_MS = 250
const RSS_GROWTH_BELOW = 64 * MiB
const secret = 'bounds-test-secret-0123456789'
const basic = `Basic ${Buffer.from('opta:push-password-1').toString('base64')}`

// A collection before each measurement, when the runtime lets us ask for one (vitest does not pass
// --expose-gc): the flag can be set at run time, and a new context then sees `gc`.
const gc = (() => {
  try {
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  } catch {
    return undefined
  }
})()

interface Answer {
  status: number
  body: { error?: { code?: string; field?: string; reason?: string } }
  /** From the moment the last byte of the body was handed to the socket to the response's headers. */
  afterBodyMs: number
  /** The most the process's resident set grew while the request was handled. */
  rssGrowth: number
}

/** POSTs `body` with a Content-Length over a fresh connection, and measures the answer. */
async function post(url: string, body: Buffer, headers: Record<string, string>): Promise<Answer> {
  gc?.()
  const rssBefore = process.memoryUsage().rss
  const peakBefore = process.resourceUsage().maxRSS * 1024
  let rssMax = rssBefore
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage().rss)
  }, 2)
  try {
    const { status, text, afterBodyMs } = await new Promise<{
      status: number
      text: string
      afterBodyMs: number
    }>((resolve, reject) => {
      let bodyEnd: number | undefined
      const req = request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (res) => {
          const answered = performance.now()
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              afterBodyMs: answered - (bodyEnd ?? answered),
            }),
          )
        },
      )
      req.on('error', reject)
      req.end(body, () => {
        bodyEnd = performance.now()
      })
    })
    rssMax = Math.max(rssMax, process.memoryUsage().rss)
    const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore
    return {
      status,
      body: JSON.parse(text) as Answer['body'],
      afterBodyMs,
      rssGrowth: Math.max(rssMax - rssBefore, peakGrowth),
    }
  } finally {
    clearInterval(sampler)
  }
}

function expectRefusedQuickly(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status)
  expect(answer.body.error?.code).toBe(code)
  expect(answer.afterBodyMs, 'ms from the end of the body to the answer').toBeLessThan(ANSWER_WITHIN_MS)
  expect(answer.rssGrowth, 'bytes of RSS growth').toBeLessThan(RSS_GROWTH_BELOW)
}

/** A JSON array of `count` copies of `item`, as bytes. */
const jsonArray = (item: string, count: number) => Buffer.from(`[${`${item},`.repeat(count - 1)}${item}]`)

describe('custom webhooks: a signed body of too many events is refused before it is read', () => {
  let close: () => Promise<void>
  let urlDefault: string
  let urlLarge: string
  const stored: number[] = []
  const signed = (body: Buffer) => ({
    'content-type': 'application/json',
    ...signHmacSignature(body, { secret }),
  })

  beforeAll(async () => {
    const onEvents = async (events: unknown[]) => void stored.push(events.length)
    const small = await serve(
      createWebhookHandler({
        verify: { scheme: 'hmac', secret },
        parse: (b) => parseCustomEvents(b),
        onEvents,
      }).node,
    )
    // An operator who raised the body cap: the event bound still holds.
    const large = await serve(
      createWebhookHandler({
        verify: { scheme: 'hmac', secret },
        parse: (b) => parseCustomEvents(b),
        onEvents,
        maxBodyBytes: 20 * MiB,
      }).node,
    )
    urlDefault = small.url
    urlLarge = large.url
    close = async () => {
      await small.close()
      await large.close()
    }
    // Warm the path once, so that the first measured request does not pay for compiling it.
    const ok = Buffer.from(JSON.stringify({ match_id: '1', event_type: 'goal', minute: 1 }))
    expect((await post(urlDefault, ok, signed(ok))).status).toBe(200)
  })
  afterAll(() => close())

  it('a signed 1 MiB `[{},{},…]` (349,525 items): 413 naming the bound', async () => {
    const body = jsonArray('{}', Math.floor((MiB - 2) / 3) + 1)
    expect(body.length).toBeLessThanOrEqual(MiB)
    const answer = await post(urlDefault, body, signed(body))
    expectRefusedQuickly(answer, 413, 'payload_too_large')
    expect(answer.body.error).toMatchObject({ field: '(body)' })
    expect(answer.body.error?.reason).toMatch(/more than 10000 events.*maxEvents/)
  })

  it('valid-looking items: 21,000 in 1 MiB, and 349,000 in 15 MiB under a raised body cap: 413', async () => {
    const item = '{"match_id":"1","event_type":"goal","minute":1}'
    const fits = jsonArray(item, 21_000)
    expect(fits.length).toBeLessThanOrEqual(MiB)
    expectRefusedQuickly(await post(urlDefault, fits, signed(fits)), 413, 'payload_too_large')
    const huge = jsonArray(item, 349_000)
    expect(huge.length).toBeGreaterThan(15 * MiB)
    expectRefusedQuickly(await post(urlLarge, huge, signed(huge)), 413, 'payload_too_large')
  })

  it('a bad item among many: 400 at the first bad item, nothing stored', async () => {
    const item = '{"match_id":"1","event_type":"goal","minute":1}'
    const body = Buffer.from(
      `[${item},{"match_id":"1","event_type":"goal","minute":-1},${`{},`.repeat(9_000)}{}]`,
    )
    const answer = await post(urlDefault, body, signed(body))
    expectRefusedQuickly(answer, 400, 'invalid_payload')
    expect(answer.body.error?.field).toBe('[1].minute')
    expect(stored).toEqual([1]) // the warm-up only
  })
})

describe('Opta push: a body just under the size cap, full of elements or attributes, is refused unparsed', () => {
  let close: () => Promise<void>
  let url: string
  const headers = (feedType: string) => ({
    'x-meta-feed-type': feedType,
    'x-meta-game-id': '900001',
    authorization: basic,
  })
  const cap = 8 * MiB // the push handler's default maxBodyBytes

  /** `<Games><Game id="1">` + `unit` repeated to just under the cap + `</Game></Games>`. */
  function underCap(unit: string): Buffer {
    const head = '<Games><Game id="1">'
    const tail = '</Game></Games>'
    const count = Math.floor((cap - 1024 - head.length - tail.length) / unit.length)
    return Buffer.from(`${head}${unit.repeat(count)}${tail}`)
  }

  beforeAll(async () => {
    const server = await serve(
      createOptaPushHandler({
        auth: { basic: { username: 'opta', password: 'push-password-1' } },
        onEvents: () => {},
      }).node,
    )
    url = server.url
    close = server.close
    const warm = Buffer.from('<Games><Game id="1"></Game></Games>')
    await post(url, warm, headers('F24'))
  })
  afterAll(() => close())

  it('attributes: 500k in 5.6 MiB (one element), and ~1.1M just under 8 MiB: 413', async () => {
    const attrs: string[] = []
    for (let k = 0; k < 500_000; k++) attrs.push(` a${k}="1"`)
    const one = Buffer.from(`<Games><Game id="1"><Event${attrs.join('')}/></Game></Games>`)
    expect(one.length).toBeGreaterThan(5.5 * MiB)
    const answer = await post(url, one, headers('F24'))
    expectRefusedQuickly(answer, 413, 'payload_too_large')
    expect(answer.body.error?.reason).toMatch(/more than 256 attributes/)

    const many = underCap(`<Event${Array.from({ length: 200 }, (_, k) => ` a${k}="1"`).join('')}/>`)
    expect(many.length).toBeGreaterThan(cap - 4096)
    const refused = await post(url, many, headers('F24'))
    expectRefusedQuickly(refused, 413, 'payload_too_large')
    expect(refused.body.error?.reason).toMatch(/more than 200000 XML attributes.*maxAttributes/)
  })

  it('elements: ~2M `<Q/>` just under 8 MiB, as an F24 and as an F7: 413', async () => {
    const body = underCap('<Q/>')
    for (const feedType of ['F24', 'F7']) {
      const answer = await post(url, body, headers(feedType))
      expectRefusedQuickly(answer, 413, 'payload_too_large')
      expect(answer.body.error?.reason).toMatch(/more than 40000 XML elements.*maxElements/)
    }
  })

  it('an MA3 JSON push of ~2.8M empty objects just under 8 MiB: 413', async () => {
    const body = jsonArray('{}', Math.floor((cap - 1024) / 3))
    const answer = await post(url, body, headers('MA3'))
    expectRefusedQuickly(answer, 413, 'payload_too_large')
    expect(answer.body.error?.reason).toMatch(/more than 40000 JSON objects and arrays/)
  })

  it('the size cap defaults to 8 MiB: a push declaring one byte more gets 413 before it is read', async () => {
    const { port } = new URL(url)
    const socket = connect(Number(port), '127.0.0.1')
    const lines = Object.entries({ ...headers('F24'), 'content-length': String(cap + 1) })
    socket.end(
      `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`,
    )
    let answer = ''
    for await (const chunk of socket) answer += String(chunk)
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
  })
})
