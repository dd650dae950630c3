import type { WebhookRequest, WebhookResponse } from './handler.js'

export type FetchHandler = (request: Request, info?: { remoteAddress?: string }) => Promise<Response>

/**
 * `Request → Response` for Hono, Next.js route handlers, Bun, Deno and anything Web-standard.
 * The Web `Request` does not carry the peer address; pass it as `info.remoteAddress` when you use an
 * IP allowlist (Hono on Node: `c.env.incoming.socket.remoteAddress`).
 */
export function toFetchHandler(handle: (request: WebhookRequest) => Promise<WebhookResponse>): FetchHandler {
  return async (request, info) => {
    const response = await handle({
      method: request.method,
      headers: request.headers,
      body: request.body as AsyncIterable<Uint8Array> | null,
      remoteAddress: info?.remoteAddress,
    })
    const headers = new Headers(response.headers)
    if (response.closeConnection) headers.set('connection', 'close')
    return new Response(response.body, { status: response.status, headers })
  }
}
