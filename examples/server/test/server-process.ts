// The server as a real process for the fault tests: started on the sources (tsx with the repository's
// tsconfig paths, as vitest resolves matchfeed), killed with -9 or stopped with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { SECRET, signed } from './helpers.js'

const SERVER_DIR = new URL('..', import.meta.url).pathname
const ROOT_TSCONFIG = new URL('../../../tsconfig.json', import.meta.url).pathname

export { freePort } from '../../../test/helpers/redis.js'

export interface ServerProcess {
  readonly base: string
  readonly output: () => string
  kill9(): Promise<void>
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>
}

/** Starts the server and waits (30 s at most) until /readyz answers 200. */
export async function startServer(env: Record<string, string>, port: number): Promise<ServerProcess> {
  let output = ''
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: ROOT_TSCONFIG,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SIMULATE: 'false',
      WEBHOOK_SECRET: SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit')
  const base = `http://127.0.0.1:${port}`
  const server: ServerProcess = {
    base,
    output: () => output,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const [code] = await exited
      return code as number | null
    },
  }
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}:\n${output}`)
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) return server
    await sleep(200)
  }
  await server.kill9()
  throw new Error(`the server was not ready within 30 s:\n${output}`)
}

export type Webhook = 'match-events' | 'match-status'

/** One signed delivery to a webhook (match-events by default): its status and Retry-After. */
export async function postOnce(base: string, payload: unknown, webhook: Webhook = 'match-events') {
  const { body, headers } = signed(payload)
  const res = await fetch(`${base}/api/v1/webhooks/${webhook}`, { method: 'POST', body, headers })
  await res.body?.cancel()
  return { status: res.status, retryAfter: res.headers.get('retry-after') }
}

/**
 * The sender's side of at-least-once: posts a signed delivery until it is acknowledged (2xx), waiting a
 * little between attempts. Returns the statuses it saw before the acknowledgement.
 */
export async function sendUntilAcked(
  base: () => string,
  payload: unknown,
  giveUpAfterMs = 60_000,
  webhook: Webhook = 'match-events',
) {
  const refusals: number[] = []
  const deadline = Date.now() + giveUpAfterMs
  while (Date.now() < deadline) {
    const url = base() // outside the try: a base that throws ends the retries
    try {
      const { status } = await postOnce(url, payload, webhook)
      if (status >= 200 && status < 300) return refusals
      refusals.push(status)
    } catch {
      refusals.push(0) // connection refused or reset: the server is down
    }
    await sleep(100)
  }
  throw new Error(`not acknowledged within ${giveUpAfterMs} ms; refusals: ${refusals.join(',')}`)
}
