import { once } from 'node:events'
import { createServer, type RequestListener, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Serves `listener` on 127.0.0.1 with an ephemeral port. */
export async function serve(
  listener: RequestListener,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(listener)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * A raw node:http POST that streams `chunks` without a Content-Length (chunked) and reports the status,
 * or 'reset' when the server closed the connection before answering.
 */
export function postChunked(
  url: string,
  chunks: Uint8Array[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string } | 'reset'> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          body += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', () => resolve('reset'))
    const write = (i: number) => {
      if (i === chunks.length) return req.end()
      if (req.destroyed) return
      req.write(chunks[i], () => setImmediate(() => write(i + 1)))
    }
    write(0)
  })
}
