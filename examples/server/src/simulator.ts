// The embedded default's live match: matchfeed/testing's simulated match, sent to this server's own webhook
// routes as signed requests at real time × SIMULATE_SPEED, so the real path runs end to end.
import type { FastifyBaseLogger as Logger } from 'fastify'
import { signHmacSignature } from 'matchfeed/webhooks'
import { MATCH_EVENTS_PATH, MATCH_STATUS_PATH, SIGNATURE_HEADER, STATUS_TYPES } from './routes/webhooks.js'

export interface SimulatorOptions {
  baseUrl: string
  secret: string
  speed: number
  seed: number
  log: Logger
  signal: AbortSignal
}

const MAX_BACKOFF_MS = 5000

/** Sends the whole match, one request at a time and in order; resolves when done or aborted. */
export async function runSimulatedMatch(options: SimulatorOptions): Promise<void> {
  // Loaded only when simulating: matchfeed/testing brings msw along.
  const { simulateMatch } = await import('matchfeed/testing')
  const match = simulateMatch({ seed: options.seed, kickOff: Date.now() })
  const messages = match.feedMessages()
  const started = Date.now()
  options.log.info(
    { matchId: String(match.fixtureId), messages: messages.length, speed: options.speed },
    `simulated match ${match.home.name} v ${match.away.name}: GET /api/v1/matches/${match.fixtureId}/events`,
  )
  for (const message of messages) {
    const due = started + (message.at - match.kickOff) / options.speed
    if (!(await sleep(due - Date.now(), options.signal))) return
    const path = STATUS_TYPES.has(message.event.type) ? MATCH_STATUS_PATH : MATCH_EVENTS_PATH
    // Stamped with the compressed clock, so that the health route's ingest lag means what it says.
    const item = { ...message.item, timestamp: new Date(due).toISOString() }
    if (!(await deliver(options, path, JSON.stringify(item)))) return
  }
  options.log.info({ matchId: String(match.fixtureId) }, 'simulated match finished')
}

/** Retries until a 2xx — the sender's side of at-least-once. False when aborted. */
async function deliver(options: SimulatorOptions, path: string, body: string): Promise<boolean> {
  const headers = {
    'content-type': 'application/json',
    ...signHmacSignature(body, { secret: options.secret, header: SIGNATURE_HEADER }),
  }
  for (let attempt = 0; !options.signal.aborted; attempt++) {
    try {
      const response = await fetch(options.baseUrl + path, {
        method: 'POST',
        headers,
        body,
        signal: options.signal,
      })
      await response.body?.cancel()
      if (response.ok) return true
      options.log.warn({ status: response.status, path }, 'simulated delivery refused; retrying')
    } catch (error) {
      if (options.signal.aborted) return false
      options.log.warn({ err: error, path }, 'simulated delivery failed; retrying')
    }
    if (!(await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt), options.signal))) return false
  }
  return false
}

/** Waits `ms` (at once when not positive); false when aborted meanwhile. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  if (ms <= 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
