import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createHttpTransport, ProviderHttpError } from '../../src/http/index.js'

// No msw here: these go through Node's fetch and the undici Agent to a real socket on 127.0.0.1.
describe('createHttpTransport over a real socket (undici Agent)', () => {
  it('applies its own headers timeout (100 ms, not the default 300 s), retries, and keeps connections alive', async () => {
    let requests = 0
    const sockets = new Set<unknown>()
    const slow = createServer((req, res) => {
      requests++
      sockets.add(req.socket)
      if (req.url === '/stall') return // never answers: the headers timeout must fire
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`
    const t = createHttpTransport({
      provider: 'test',
      baseUrl: base,
      timeouts: { headersMs: 100 },
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
    })
    try {
      const e = await t.getJson('stall').catch((error: unknown) => error)
      expect(e).toBeInstanceOf(ProviderHttpError)
      expect(e).toMatchObject({ code: 'timeout', retryable: true })
      expect(requests).toBe(2)
      sockets.clear()
      for (let i = 0; i < 20; i++) expect((await t.getJson('ok')).data).toEqual({ ok: true })
      // Kept alive: 20 sequential requests over one or two connections, not twenty.
      expect(sockets.size).toBeLessThanOrEqual(2)
    } finally {
      await t.close()
      slow.closeAllConnections()
      await new Promise((resolve) => slow.close(resolve))
    }
  })
})
