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
const ID_FIELD = '"providerEventId":"'
const ID_FIELD_BYTES = Buffer.from(ID_FIELD)

function onMessage(client: number, data: WebSocket.RawData) {
  const now = performance.timeOrigin + performance.now()
  const sample = arrivals.get(client)
  if (!sample) {
    // The bytes are searched as they came, not decoded: the other clients only count.
    const bytes = data as Buffer
    for (let at = bytes.indexOf(ID_FIELD_BYTES); at !== -1; at = bytes.indexOf(ID_FIELD_BYTES, at + 1))
      received[client]!++
    return
  }
  const text = data.toString()
  let at = text.indexOf(ID_FIELD)
  while (at !== -1) {
    received[client]!++
    const start = at + ID_FIELD.length
    sample.ids.push(Number(text.slice(start, text.indexOf('"', start))))
    sample.at.push(now)
    at = text.indexOf(ID_FIELD, at + ID_FIELD.length)
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
