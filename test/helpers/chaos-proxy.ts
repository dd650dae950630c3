import { once } from 'node:events'
import { createServer, type Server, Socket } from 'node:net'

/**
 * A TCP proxy between a client and a real server that breaks the network on demand, as Toxiproxy does:
 * added latency, connections reset mid-stream, and a blackhole (nothing gets through, then the
 * connections are cut). The client is pointed at the proxy with `url()`.
 */
export interface ChaosProxy {
  readonly port: number
  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string
  /** Holds every chunk this long in each direction (order kept). */
  latency(ms: number): void
  /** Resets (TCP RST) every open connection, both sides; returns how many client connections it cut. */
  reset(): number
  /** Drops everything in both directions for `ms`, then resets the connections that saw it. */
  blackhole(ms: number): Promise<void>
  /** Client connections accepted so far. */
  readonly accepted: number
  close(): Promise<void>
}

interface Pair {
  client: Socket
  server: Socket
}

export async function createChaosProxy(target: { host: string; port: number }): Promise<ChaosProxy> {
  const pairs = new Set<Pair>()
  let delayMs = 0
  let holed = false
  let accepted = 0

  /** Forwards `from` → `to` with the current latency, in order, unless the proxy is a blackhole. */
  function pipe(from: Socket, to: Socket): void {
    let lastAt = 0
    from.on('data', (chunk: Buffer) => {
      if (holed) return
      if (delayMs === 0 && lastAt <= Date.now()) {
        to.write(chunk)
        return
      }
      const at = Math.max(Date.now() + delayMs, lastAt)
      lastAt = at
      setTimeout(() => {
        if (!holed && !to.destroyed) to.write(chunk)
      }, at - Date.now())
    })
  }

  const server: Server = createServer((client) => {
    accepted++
    const upstream = new Socket()
    const pair = { client, server: upstream }
    pairs.add(pair)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) {
      socket.on('error', end)
      socket.on('close', end)
    }
    upstream.connect(target.port, target.host)
    pipe(client, upstream)
    pipe(upstream, client)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }

  function reset(): number {
    const cut = pairs.size
    for (const { client, server: upstream } of pairs) {
      client.resetAndDestroy()
      upstream.resetAndDestroy()
    }
    pairs.clear()
    return cut
  }

  return {
    port,
    get accepted() {
      return accepted
    },
    url(url) {
      const parsed = new URL(url)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(port)
      return parsed.toString()
    },
    latency(ms) {
      delayMs = ms
    },
    reset,
    async blackhole(ms) {
      holed = true
      await new Promise((resolve) => setTimeout(resolve, ms))
      reset()
      holed = false
    },
    async close() {
      reset()
      server.close()
      await once(server, 'close')
    },
  }
}
