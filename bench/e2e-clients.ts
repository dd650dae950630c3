// Live WebSocket clients for bench/e2e.bench.ts, in a process of their own: `count` clients connect to the
// server's /live, each counts the events it receives; five clients spread over the connection order (the first
// and the last among them) also note when each event arrived (by its provider event id, a number) so the bench
// can compute provider → client latency.
//
// The clients are the load generator's other half: at 1,000 clients this process reads every frame 1,000
// times on the same two cores as the server, so what it costs shows up in the latency it measures. Each client
// is a bare RFC 6455 client on a socket that reads into one shared buffer (`onread`, no stream): the handshake
// checked (101 and Sec-WebSocket-Accept), then whole, unmasked, uncompressed data frames (the bench's server
// sends bytes: binary); anything else, or a connection that ends before the report, fails the run. A frame is
// one MatchEvent as JSON or an array of them; counting scans the bytes for the field instead of parsing. With
// `ws` as the client this process took 1.6× the CPU (docs/benchmarks.md).
import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import { performance } from 'node:perf_hooks'

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
function onMessage(client: number, bytes: Buffer, now: number) {
  const sample = arrivals.get(client)
  for (let at = bytes.indexOf(ID_FIELD); at !== -1; at = bytes.indexOf(ID_FIELD, at + 1)) {
    received[client]!++
    if (!sample) continue
    const start = at + ID_FIELD.length
    sample.ids.push(Number(bytes.toString('latin1', start, bytes.indexOf(QUOTE, start))))
    sample.at.push(now)
  }
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const HEADERS_END = Buffer.from('\r\n\r\n')
const OPCODE_TEXT = 0x1
const OPCODE_BINARY = 0x2
const OPCODE_CLOSE = 0x8
/** Far above any frame the bench's server sends (a few ms of events): a larger length is a broken stream. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024
// Every socket reads into this buffer; what a read leaves unfinished is copied out before the next one.
const readBuffer = Buffer.allocUnsafe(256 * 1024)

/** Opens client `client`; resolves once the server accepted the upgrade. */
function connect(target: URL, client: number) {
  const key = randomBytes(16).toString('base64')
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64')
  let open = false
  let pending: Buffer | undefined
  let fail: (error: Error) => void = () => {}

  /** Frames in `bytes` (pending bytes first); returns what is left of an unfinished frame, copied. */
  function readFrames(bytes: Buffer, now: number): Buffer | undefined {
    let at = 0
    while (bytes.length - at >= 2) {
      const first = bytes[at]!
      const second = bytes[at + 1]!
      const opcode = first & 0x0f
      if (opcode === OPCODE_CLOSE) throw new Error(`client ${client}: the server closed the connection`)
      // FIN set, no extension bits, a data frame, unmasked: checked before waiting for the payload.
      if ((first & 0xf0) !== 0x80 || (opcode !== OPCODE_TEXT && opcode !== OPCODE_BINARY) || second & 0x80)
        throw new Error(
          `client ${client}: unexpected frame (first bytes 0x${first.toString(16)} 0x${second.toString(16)})`,
        )
      let length = second & 0x7f
      let header = 2
      if (length === 126) {
        if (bytes.length - at < 4) break
        length = bytes.readUInt16BE(at + 2)
        header = 4
      } else if (length === 127) {
        if (bytes.length - at < 10) break
        length = Number(bytes.readBigUInt64BE(at + 2))
        header = 10
      }
      if (length > MAX_FRAME_BYTES) throw new Error(`client ${client}: a frame of ${length} bytes`)
      if (bytes.length - at < header + length) break
      onMessage(client, bytes.subarray(at + header, at + header + length), now)
      at += header + length
    }
    return at === bytes.length ? undefined : Buffer.from(bytes.subarray(at))
  }

  function handshake(bytes: Buffer, now: number): Buffer | undefined {
    const end = bytes.indexOf(HEADERS_END)
    if (end === -1) return Buffer.from(bytes)
    const [status = '', ...headers] = bytes.toString('latin1', 0, end).split('\r\n')
    const accepted = headers.some(
      (line) => /^sec-websocket-accept:/i.test(line) && line.slice(21).trim() === accept,
    )
    if (!status.startsWith('HTTP/1.1 101') || !accepted)
      throw new Error(`client ${client}: upgrade refused: ${status}`)
    open = true
    opened()
    return readFrames(bytes.subarray(end + HEADERS_END.length), now)
  }

  let opened: () => void = () => {}
  const socket = net.connect({
    host: target.hostname,
    port: Number(target.port),
    noDelay: true,
    onread: {
      buffer: readBuffer,
      callback(length) {
        const now = performance.timeOrigin + performance.now()
        const chunk = readBuffer.subarray(0, length)
        const bytes = pending ? Buffer.concat([pending, chunk]) : chunk
        try {
          pending = open ? readFrames(bytes, now) : handshake(bytes, now)
        } catch (error) {
          fail(error as Error)
          return false
        }
        return true
      },
    },
  })
  socket.on('connect', () => {
    socket.write(
      `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
  })
  return {
    socket,
    ready: new Promise<void>((resolve, reject) => {
      opened = resolve
      fail = (error) => {
        socket.destroy()
        if (!open) reject(error)
        // After the upgrade a broken client fails the whole run: its count would be short anyway.
        else
          process.nextTick(() => {
            throw error
          })
      }
      socket.once('error', (error) => fail(error))
      socket.once('close', () => {
        if (!closing)
          fail(
            new Error(
              `client ${client}: the connection ended ${open ? 'during the run' : 'before the upgrade'}`,
            ),
          )
      })
    }),
  }
}

/** Set when the report ends the run: the connections' ends are ours then, not a failure. */
let closing = false
const target = new URL(url)
const clients = Array.from({ length: count }, (_, client) => connect(target, client))
await Promise.all(clients.map((client) => client.ready))
process.send?.({ ready: true })

process.on('message', (message) => {
  if (message === 'received') {
    const cpu = process.cpuUsage()
    process.send?.({ received, cpuMicros: cpu.user + cpu.system })
  }
  if (message === 'report') {
    closing = true
    for (const { socket } of clients) socket.destroy()
    // Disconnecting before the message is out would lose it.
    process.send?.({ received, arrivals: Object.fromEntries(arrivals) }, () => process.disconnect())
  }
})
