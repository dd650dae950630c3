// The live match page: GET / (the matches) and /matches/:id (one match; the same HTML, app.js routes), its
// assets from examples/server/public, and matchfeed/live/client as the package exports it — no build step,
// nothing fetched from anywhere but this server.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { sendError } from '../http/errors.js'

const PUBLIC_DIR = new URL('../../public/', import.meta.url)

// Scripts, styles, sockets and fetches from this origin only ('self' covers ws:/wss: to the same host).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const JS = 'text/javascript; charset=utf-8'

/** The ESM file `matchfeed/live/client` resolves to, read from the package's own exports map. */
function liveClientFile(): string {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('matchfeed/package.json')
  const pkg = require(manifest) as { exports: Record<string, { import: { default: string } }> }
  return join(dirname(manifest), pkg.exports['./live/client']!.import.default)
}

/** `publicDir`: where index.html, app.js and style.css are (a file: URL); examples/server/public by default. */
export function pageRoutes(publicDir: URL = PUBLIC_DIR) {
  // A path, not the URL's pathname: that keeps %20 for a space of the checkout's path.
  const dir = fileURLToPath(publicDir)
  // Found once: where the package lives does not depend on dist/ being built yet.
  const assets: Record<string, { path: string; type: string }> = {
    'app.js': { path: join(dir, 'app.js'), type: JS },
    'style.css': { path: join(dir, 'style.css'), type: 'text/css; charset=utf-8' },
    'live-client.js': { path: liveClientFile(), type: JS },
  }
  // Read once, on first request: the files do not change while the server runs.
  const cache = new Map<string, Promise<Buffer>>()
  const load = (path: string) => {
    let body = cache.get(path)
    if (!body) {
      body = readFile(path)
      body.catch(() => cache.delete(path)) // a missing dist/ may be built meanwhile
      cache.set(path, body)
    }
    return body
  }

  async function send(reply: FastifyReply, path: string, type: string) {
    let body: Buffer
    try {
      body = await load(path)
    } catch (error) {
      // Likely a checkout whose dist/ was never built (`npm start` builds it). The path is for the log only.
      reply.log.error({ err: error, path }, 'page asset unreadable; is dist/ built (`npm run build`)?')
      return sendError(reply, 500, 'internal_error', 'the page is unavailable')
    }
    return reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .type(type)
      .send(body)
  }

  const page = (_request: unknown, reply: FastifyReply) =>
    send(reply, join(dir, 'index.html'), 'text/html; charset=utf-8')

  return async (scope: FastifyInstance) => {
    scope.get('/', page)
    scope.get('/matches/:id', page)
    scope.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
      const asset = Object.hasOwn(assets, request.params.name) ? assets[request.params.name] : undefined
      if (!asset) return sendError(reply, 404, 'not_found', `no asset ${request.params.name}`)
      return send(reply, asset.path, asset.type)
    })
  }
}
