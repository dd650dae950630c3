// Live WebSocket clients for bench/e2e.bench.ts, in a process of their own: `count` clients connect to the
// server's /live, each counts the events it receives; five clients spread over the connection order (the first
// and the last among them) also note when each event arrived (by its provider event id, a number) so the bench
// can compute provider → client latency.
// A message is one MatchEvent as JSON or an array of them; counting scans the bytes for the field instead of
// parsing, so that a thousand clients cost this process little.
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'

const [url = '', countText = '1'] = process.argv.slice(2)
const count = Number(countText)
const received = new Array<number>(count).fill(0)
const sampled = new Set([0, 1, 2, 3, 4].map((k) => Math.round((k * (count - 1)) / 4)))
const arrivals = new Map<number, { ids: number[]; at: number[] }>(
  [...sampled].map((i) => [i, { ids: [], at: [] }]),
)
const ID_FIELD = Buffer.from('"providerEventId":"')
const QUOTE = 0x22

// The bytes are searched as they came, not decoded nor parsed; only the sampled clients read the ids.
function onMessage(client: number, data: WebSocket.RawData) {
  const now = performance.timeOrigin + performance.now()
  const bytes = data as Buffer
  const sample = arrivals.get(client)
  for (let at = bytes.indexOf(ID_FIELD); at !== -1; at = bytes.indexOf(ID_FIELD, at + 1)) {
    received[client]!++
    if (!sample) continue
    const start = at + ID_FIELD.length
    sample.ids.push(Number(bytes.toString('latin1', start, bytes.indexOf(QUOTE, start))))
    sample.at.push(now)
  }
}

const sockets: WebSocket[] = []
await Promise.all(
  Array.from({ length: count }, (_, client) => {
    const socket = new WebSocket(url)
    sockets.push(socket)
    socket.on('message', (data) => onMessage(client, data))
    return new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
  }),
)
process.send?.({ ready: true })

process.on('message', (message) => {
  if (message === 'received') {
    const cpu = process.cpuUsage()
    process.send?.({ received, cpuMicros: cpu.user + cpu.system })
  }
  if (message === 'report') {
    for (const socket of sockets) socket.terminate()
    // Disconnecting before the message is out would lose it.
    process.send?.({ received, arrivals: Object.fromEntries(arrivals) }, () => process.disconnect())
  }
})
