import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { WebhookVerificationError } from '../webhooks/errors.js'
import { signHmacSignature, verifyHmacSignature } from '../webhooks/hmac.js'
import { signStandardWebhook, verifyStandardWebhook } from '../webhooks/standard-webhooks.js'
import { signTimestampedSignature, verifyTimestampedSignature } from '../webhooks/timestamped.js'
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js'

export const SCHEMES = ['standard-webhooks', 'hmac', 'timestamped'] as const
export type Scheme = (typeof SCHEMES)[number]

const COMMON = `  --scheme S            ${SCHEMES.join(' | ')}
  --secret S            the signing secret (verify: repeat it to accept several during a rotation)
  --secret-env NAME     read the secret from an environment variable instead (keeps it out of ps)
  --signature-header H  hmac / timestamped: the header carrying the signature (default x-signature)
  --prefix P            hmac: a prefix before the hex digest, e.g. sha256= (GitHub style)`

export const SIGN_HELP = `Usage: matchfeed sign --scheme <scheme> --secret S [--id ID] [--timestamp T] < body

Prints the headers to send with the body read from stdin, one "name: value" per line.
${COMMON}
  --id ID               standard-webhooks: the webhook-id (default: a random msg_ id)
  --timestamp T         unix seconds (default: now)
`

export const VERIFY_HELP = `Usage: matchfeed verify --scheme <scheme> --secret S [--header 'name: value']... [--now <unix s>] < body

Verifies the body read from stdin (the exact bytes) against the headers. Exit 0 and a JSON line when it
verifies; exit 1 with the reason on stderr when it does not.
${COMMON}
  --header 'N: V'       a request header (repeatable)
  --now T               the clock, in unix seconds (default: now)
  --tolerance S         seconds of clock difference accepted, both directions (default 300)
`

const options = {
  scheme: { type: 'string' },
  secret: { type: 'string', multiple: true },
  'secret-env': { type: 'string', multiple: true },
  'signature-header': { type: 'string' },
  prefix: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

export async function signCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: { ...options, id: { type: 'string' }, timestamp: { type: 'string' } },
  })
  if (values.help) return help(io, SIGN_HELP)
  const scheme = schemeOf(values.scheme)
  const [secret, ...more] = secretsOf(values, io)
  if (more.length > 0) throw new UsageError('sign takes one secret')
  const timestamp = values.timestamp === undefined ? undefined : unixSeconds('--timestamp', values.timestamp)
  const body = await io.readStdin()
  const headers = signWith(scheme, body, {
    secret: secret!,
    id: values.id ?? `msg_${randomUUID().replaceAll('-', '')}`,
    timestamp,
    header: values['signature-header'],
    prefix: values.prefix,
  })
  io.stdout(
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\n`)
      .join(''),
  )
  return EXIT.ok
}

export async function verifyCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: {
      ...options,
      header: { type: 'string', multiple: true, default: [] },
      now: { type: 'string' },
      tolerance: { type: 'string' },
    },
  })
  if (values.help) return help(io, VERIFY_HELP)
  const scheme = schemeOf(values.scheme)
  const secret = secretsOf(values, io)
  const headers = new Headers()
  for (const line of values.header) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new UsageError(`--header must look like 'name: value', got '${line}'`)
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  const nowSeconds = values.now === undefined ? undefined : unixSeconds('--now', values.now)
  const tolerance = values.tolerance === undefined ? undefined : positive('--tolerance', values.tolerance)
  const body = await io.readStdin()
  const clock = {
    ...(nowSeconds === undefined ? {} : { now: () => nowSeconds * 1000 }),
    ...(tolerance === undefined ? {} : { tolerance }),
  }
  const header = values['signature-header']
  try {
    const verified =
      scheme === 'standard-webhooks'
        ? verifyStandardWebhook(body, headers, { secret, ...clock })
        : scheme === 'hmac'
          ? verifyHmacSignature(body, headers, { secret, header, prefix: values.prefix })
          : verifyTimestampedSignature(body, headers, { secret, header, ...clock })
    io.stdout(`${JSON.stringify({ ok: true, scheme, id: verified.id, timestamp: verified.timestamp })}\n`)
    return EXIT.ok
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error
    if (error.reason === 'invalid_secret') throw new UsageError(error.message)
    io.stderr(`rejected: ${error.reason}: ${error.message}\n`)
    return EXIT.rejected
  }
}

export function signWith(
  scheme: Scheme,
  body: Uint8Array,
  o: { secret: string; id: string; timestamp: number | undefined; header?: string; prefix?: string },
): Record<string, string> {
  try {
    if (scheme === 'standard-webhooks') return signStandardWebhook(body, o)
    if (scheme === 'hmac') return signHmacSignature(body, o)
    return signTimestampedSignature(body, o)
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new UsageError(error.message)
    throw error
  }
}

export function schemeOf(value: string | undefined): Scheme {
  if (value === undefined) throw new UsageError(`--scheme is required: ${SCHEMES.join(', ')}`)
  if (!(SCHEMES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown scheme "${value}"; known schemes: ${SCHEMES.join(', ')}`)
  }
  return value as Scheme
}

export function secretsOf(values: { secret?: string[]; 'secret-env'?: string[] }, io: CliIo): string[] {
  const secrets = [...(values.secret ?? [])]
  for (const name of values['secret-env'] ?? []) {
    const value = io.env[name]
    if (value === undefined) throw new UsageError(`environment variable ${name} (--secret-env) is not set`)
    secrets.push(value)
  }
  if (secrets.length === 0) throw new UsageError('--secret or --secret-env is required')
  return secrets
}

function unixSeconds(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} takes unix seconds, got '${value}'`)
  return Number(value)
}

function positive(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a positive number of seconds`)
  return n
}

function help(io: CliIo, text: string): ExitCode {
  io.stdout(text)
  return EXIT.ok
}
