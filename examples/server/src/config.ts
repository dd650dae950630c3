// The server's whole configuration: one zod schema over the environment (.env.example documents it).
import { createIpAllowlist } from 'matchfeed/webhooks'
import { z } from 'zod'

const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )

/** Addresses and CIDR ranges; checked with the same parser the webhook handler uses. */
const cidrList = list.superRefine((ranges, ctx) => {
  try {
    createIpAllowlist(ranges)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
  }
})

const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`)
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max)
const flag = z.enum(['true', 'false']).transform((v) => v === 'true')

const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65_535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  WEBHOOK_SECRET: secret(16).optional(),
  WEBHOOK_SECRET_PREVIOUS: secret(16).optional(),
  WEBHOOK_ALLOW_IPS: cidrList,
  MANUAL_API_KEYS: list.pipe(z.array(secret(16))),
  MANUAL_ALLOW_IPS: cidrList,
  // Provider ids → yours (matchfeed/id-mapping), in the storage's matchfeed_id_map table. On unless `false`.
  ID_MAP: flag.optional(),
  OPTA_PUSH_USERNAME: z.string().min(1).optional(),
  OPTA_PUSH_PASSWORD: secret(12).optional(),
  OPTA_PUSH_ALLOW_IPS: cidrList,
  TRUSTED_PROXIES: cidrList,
  RATE_LIMIT_MAX: int(1).default(1000),
  RATE_LIMIT_WINDOW_MS: int(1000).default(60_000),
  MAX_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  RESPOND_WITHIN_MS: int(100, 60_000).default(10_000),
  STALE_AFTER_MS: int(1000).default(120_000),
  LIVE_TOKEN: secret(16).optional(),
  LIVE_MAX_CLIENTS: int(1).optional(),
  SHUTDOWN_DEADLINE_MS: int(0).default(10_000),
  API_FOOTBALL_KEY: z.string().min(1).optional(),
  API_FOOTBALL_FIXTURES: list,
  API_FOOTBALL_PLAN: z.enum(['free', 'pro', 'ultra', 'mega']).default('free'),
  FOOTBALL_DATA_TOKEN: z.string().min(1).optional(),
  FOOTBALL_DATA_MATCHES: list,
  FOOTBALL_DATA_COMPETITIONS: list,
  FOOTBALL_DATA_PLAN: z.enum(['free', 'standard', 'advanced', 'pro']).default('free'),
  STATSBOMB_USERNAME: z.string().min(1).optional(),
  STATSBOMB_PASSWORD: z.string().min(1).optional(),
  STATSBOMB_MATCHES: list,
  STATSPERFORM_OUTLET_KEY: z.string().min(1).optional(),
  STATSPERFORM_SECRET_KEY: z.string().min(1).optional(),
  STATSPERFORM_FIXTURES: list,
  SIMULATE: flag.optional(),
  REPLAY_FILE: z.string().min(1).optional(),
  REPLAY_PROVIDER: z.string().min(1).default('custom'),
  REPLAY_MATCH_ID: z.string().min(1).optional(),
  REPLAY_SPEED: z.coerce.number().min(0).max(10_000).default(10),
  SIMULATE_SPEED: z.coerce.number().positive().max(10_000).default(60),
  SIMULATE_SEED: int(0).default(42),
  MATCHFEED_MODE: z.enum(['server', 'worker']).default('server'),
  KINESIS_STREAM: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'must be a stream name: 1 to 128 letters, digits, _ . -')
    .optional(),
  KINESIS_REGION: z.string().min(1).optional(),
  KINESIS_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
})

/** Rules across variables, read on the raw environment so that they are reported with every other problem. */
function crossProblems(env: Record<string, string>): string[] {
  const problems: string[] = []
  if (env.DATABASE_URL && env.PGLITE_DATA_DIR)
    problems.push('PGLITE_DATA_DIR: give DATABASE_URL or PGLITE_DATA_DIR')
  if (env.WEBHOOK_SECRET_PREVIOUS && !env.WEBHOOK_SECRET)
    problems.push('WEBHOOK_SECRET: required with WEBHOOK_SECRET_PREVIOUS')
  if (Boolean(env.OPTA_PUSH_USERNAME) !== Boolean(env.OPTA_PUSH_PASSWORD))
    problems.push(
      `${env.OPTA_PUSH_USERNAME ? 'OPTA_PUSH_PASSWORD' : 'OPTA_PUSH_USERNAME'}: OPTA_PUSH_USERNAME and OPTA_PUSH_PASSWORD go together`,
    )
  const pairs: [string, string, string][] = [
    ['API_FOOTBALL_KEY', 'API_FOOTBALL_FIXTURES', 'the fixtures to follow'],
    ['STATSBOMB_USERNAME', 'STATSBOMB_MATCHES', 'the matches to follow'],
    ['STATSBOMB_USERNAME', 'STATSBOMB_PASSWORD', 'the password'],
    ['STATSPERFORM_OUTLET_KEY', 'STATSPERFORM_FIXTURES', 'the fixtures to follow'],
    ['KINESIS_ENDPOINT', 'KINESIS_STREAM', 'the stream'],
  ]
  for (const [credential, needed, what] of pairs)
    if (env[credential] && !env[needed]) problems.push(`${needed}: ${credential} is set; give ${what}`)
  if (
    env.FOOTBALL_DATA_TOKEN &&
    Boolean(env.FOOTBALL_DATA_MATCHES) === Boolean(env.FOOTBALL_DATA_COMPETITIONS)
  )
    problems.push(
      'FOOTBALL_DATA_MATCHES: FOOTBALL_DATA_TOKEN is set; give exactly one of it and FOOTBALL_DATA_COMPETITIONS',
    )
  problems.push(...kinesisProblems(env))
  return problems
}

/** Variables that start sources: the receivers' (MATCHFEED_MODE=server), never a worker's, which reads the stream. */
const SOURCE_VARIABLES = [
  'SIMULATE',
  'REPLAY_FILE',
  'API_FOOTBALL_KEY',
  'FOOTBALL_DATA_TOKEN',
  'STATSBOMB_USERNAME',
  'STATSPERFORM_OUTLET_KEY',
]

function kinesisProblems(env: Record<string, string>): string[] {
  const problems: string[] = []
  const worker = env.MATCHFEED_MODE === 'worker'
  if (worker && !env.KINESIS_STREAM)
    problems.push('KINESIS_STREAM: required with MATCHFEED_MODE=worker (the stream it consumes)')
  // Workers store into the database and receivers read what they stored there: both need it.
  if ((worker || env.KINESIS_STREAM) && !env.DATABASE_URL)
    problems.push(
      'DATABASE_URL: required with KINESIS_STREAM or MATCHFEED_MODE=worker (the workers store into it)',
    )
  if (!worker) return problems
  for (const name of SOURCE_VARIABLES)
    if (env[name] && !(name === 'SIMULATE' && env[name] === 'false'))
      problems.push(`${name}: a worker takes no sources; set it on the receivers (MATCHFEED_MODE=server)`)
  return problems
}

export type Env = z.output<typeof EnvSchema>

export interface Config extends Env {
  /** KINESIS_REGION, else AWS_REGION, else us-east-1. */
  KINESIS_REGION: string
  /** The simulated match runs (default: on the embedded database, off with DATABASE_URL or REPLAY_FILE). */
  simulate: boolean
  /** Current secret first; the previous one is still accepted during a rotation. */
  webhookSecrets: string[]
}

/** Every problem of the environment at once; the messages name variables, never their values. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Reads the configuration from `env`. Without WEBHOOK_SECRET, a simulated match signs with a random secret
 * made at start (never printed); a server without a secret and without the simulator is a mistake.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set": `FOO=` in a .env file should not fail a min-length rule.
  const present = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  )
  const parsed = EnvSchema.safeParse(present)
  const problems = [
    ...(parsed.error?.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`) ?? []),
    ...crossProblems(present),
  ]
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems)
  const config = parsed.data
  const simulate = config.SIMULATE ?? (config.DATABASE_URL === undefined && config.REPLAY_FILE === undefined)
  // The simulator and the file replay sign with a secret made at start; anyone else needs the configured one.
  // A worker has no webhook routes.
  if (!config.WEBHOOK_SECRET && !simulate && !config.REPLAY_FILE && config.MATCHFEED_MODE === 'server')
    throw new ConfigError([
      'WEBHOOK_SECRET: required unless SIMULATE=true or REPLAY_FILE is set (they sign with a secret of their own)',
    ])
  const current = config.WEBHOOK_SECRET ?? randomSecret()
  const webhookSecrets = config.WEBHOOK_SECRET_PREVIOUS
    ? [current, config.WEBHOOK_SECRET_PREVIOUS]
    : [current]
  const KINESIS_REGION = config.KINESIS_REGION ?? present.AWS_REGION ?? 'us-east-1'
  return { ...config, KINESIS_REGION, simulate, webhookSecrets }
}

function randomSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
}
