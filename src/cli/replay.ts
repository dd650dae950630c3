import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { MatchfeedError } from '../errors.js'
import type { MatchEvent } from '../event/schema.js'
import { delay } from '../time.js'
import { toGuideItem } from './guide-format.js'
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js'
import { inFlags } from './normalize.js'
import { createProgress } from './progress.js'
import { PROVIDER_HELP, PROVIDER_OPTIONS, readProviderInput } from './provider-input.js'
import { replayOffsetsMs } from './replay-timing.js'
import { SCHEMES, type Scheme, schemeOf, secretsOf, signWith } from './webhook-commands.js'

export const REPLAY_HELP = `Usage: matchfeed replay --provider <name> <file|-> [--to URL --secret S] [--speed N] [--format guide|match-event]

Plays a provider file as a live feed, at the pace its events happened × --speed: each event to a webhook URL as
a signed request (one event per request, in order, each retried until acknowledged), or as NDJSON on stdout.
${PROVIDER_HELP}
  --to URL             POST each event there; without it, print NDJSON on stdout
  --format F           guide (the integration guide's webhook payload, the default with --to) or match-event
                       (the default on stdout)
  --speed N            real time × N (default 1); 0 sends as fast as the receiver answers
  --scheme S           ${SCHEMES.join(' | ')} (default hmac)
  --secret S           the signing secret; --secret-env NAME reads it from the environment instead
  --signature-header H hmac / timestamped: the signature header (default x-signature); --prefix P before the hex
  --retries N          attempts per event beyond the first when the receiver is unavailable (default 10)
`

const FORMATS = ['guide', 'match-event'] as const
type Format = (typeof FORMATS)[number]

export async function replayCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...PROVIDER_OPTIONS,
      to: { type: 'string' },
      format: { type: 'string' },
      speed: { type: 'string', default: '1' },
      scheme: { type: 'string', default: 'hmac' },
      secret: { type: 'string', multiple: true },
      'secret-env': { type: 'string', multiple: true },
      'signature-header': { type: 'string' },
      prefix: { type: 'string' },
      retries: { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(REPLAY_HELP)
    return EXIT.ok
  }
  const speed = Number(values.speed)
  if (!Number.isFinite(speed) || speed < 0) throw new UsageError('--speed takes a number ≥ 0')
  const retries = Number(values.retries)
  if (!Number.isInteger(retries) || retries < 0) throw new UsageError('--retries takes a whole number ≥ 0')
  const format = formatOf(values.format, values.to === undefined ? 'match-event' : 'guide')
  const send = values.to === undefined ? undefined : webhookSender(values.to, values, retries, io)
  const input = await readProviderInput(values, positionals, io)

  let events: MatchEvent[]
  try {
    events = input.normalize()
  } catch (error) {
    if (!(error instanceof MatchfeedError)) throw error
    io.stderr(`rejected: ${inFlags(error.message)}\n`)
    return EXIT.rejected
  }
  const offsets = replayOffsetsMs(events)
  const sleep = io.sleep ?? delay
  const progress = createProgress(events.length, io.stderr, io.stderrIsTTY === true)
  for (const [i, event] of events.entries()) {
    const wait = speed === 0 ? 0 : (offsets[i]! - (offsets[i - 1] ?? 0)) / speed
    if (wait > 0) await sleep(wait)
    const body = JSON.stringify(format === 'guide' ? toGuideItem(event) : event)
    if (send) {
      const failure = await send(body)
      if (failure) {
        progress.finish(`replay: event ${i + 1} of ${events.length} (${event.id}) not delivered: ${failure}`)
        return EXIT.rejected
      }
    } else io.stdout(`${body}\n`)
    progress.update(i + 1, offsets[i]!)
  }
  progress.finish(`replay: ${events.length} events${send ? ` delivered to ${values.to}` : ''}`)
  return EXIT.ok
}

function formatOf(value: string | undefined, fallback: Format): Format {
  if (value === undefined) return fallback
  if (!(FORMATS as readonly string[]).includes(value))
    throw new UsageError(`unknown format "${value}"; known formats: ${FORMATS.join(', ')}`)
  return value as Format
}

type Sender = (body: string) => Promise<string | undefined>

/**
 * Signs and posts one body, retrying while the receiver is unavailable (a network error, 408, 429, 5xx),
 * waiting its Retry-After or a doubling backoff. Resolves with why it gave up, or undefined once acknowledged.
 */
function webhookSender(
  url: string,
  values: {
    scheme?: string
    secret?: string[]
    'secret-env'?: string[]
    'signature-header'?: string
    prefix?: string
  },
  retries: number,
  io: CliIo,
): Sender {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    throw new UsageError(`--to takes a URL, got '${url}'`)
  }
  const scheme: Scheme = schemeOf(values.scheme)
  const [secret, ...more] = secretsOf(values, io)
  if (more.length > 0) throw new UsageError('replay signs with one secret')
  const post = io.fetch ?? fetch
  const sleep = io.sleep ?? delay
  return async (body) => {
    const bytes = new TextEncoder().encode(body)
    const headers = {
      'content-type': 'application/json',
      ...signWith(scheme, bytes, {
        secret: secret!,
        id: `msg_${randomUUID().replaceAll('-', '')}`,
        timestamp: undefined,
        header: values['signature-header'],
        prefix: values.prefix,
      }),
    }
    let last = ''
    for (let attempt = 0; attempt <= retries; attempt++) {
      let retryAfterMs: number | undefined
      try {
        const res = await post(target, { method: 'POST', headers, body: bytes })
        const text = await res.text()
        if (res.ok) return undefined
        last = `${res.status} ${text.slice(0, 200)}`
        if (!(res.status === 408 || res.status === 429 || res.status >= 500)) return last
        const header = Number(res.headers.get('retry-after'))
        if (header > 0) retryAfterMs = header * 1000
      } catch (error) {
        last = (error as Error).message
      }
      if (attempt < retries) await sleep(retryAfterMs ?? Math.min(5000, 200 * 2 ** attempt))
    }
    return `gave up after ${retries + 1} attempts (last: ${last})`
  }
}
