// The environment schema: defaults, every problem at once, and no secret in any message.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('loadConfig accepted the environment')
}

describe('loadConfig', () => {
  it('starts the embedded default with nothing set: PGlite, the simulator, a secret of its own', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, simulate: true, RATE_LIMIT_MAX: 1000 })
    expect(config.DATABASE_URL).toBeUndefined()
    expect(config.webhookSecrets).toHaveLength(1)
    expect(config.webhookSecrets[0]!.length).toBeGreaterThanOrEqual(32)
  })

  it('lists every problem at once, naming variables and never echoing a secret', () => {
    const env = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db',
      WEBHOOK_SECRET: 'short-secret',
      MANUAL_API_KEYS: 'tiny-key,also-tiny',
      WEBHOOK_ALLOW_IPS: '10.0.0.0/33',
      OPTA_PUSH_USERNAME: 'opta',
      API_FOOTBALL_KEY: 'api-football-key-value',
    }
    const problems = problemsOf(env)
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'PORT',
        'DATABASE_URL',
        'WEBHOOK_SECRET',
        'MANUAL_API_KEYS.0',
        'MANUAL_API_KEYS.1',
        'WEBHOOK_ALLOW_IPS',
        'OPTA_PUSH_PASSWORD',
        'API_FOOTBALL_FIXTURES',
      ]),
    )
    const text = problems.join('\n')
    for (const secret of ['short-secret', 'tiny-key', 'also-tiny', 'api-football-key-value'])
      expect(text).not.toContain(secret)
  })

  it('requires WEBHOOK_SECRET on a real database unless the simulator is asked for', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://db/x' })).toEqual([
      'WEBHOOK_SECRET: required unless SIMULATE=true or REPLAY_FILE is set (they sign with a secret of their own)',
    ])
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x', SIMULATE: 'true' }).simulate).toBe(true)
  })

  it('Kinesis: MATCHFEED_MODE=worker needs the stream and the database, takes no sources, needs no webhook secret', () => {
    expect(
      problemsOf({
        MATCHFEED_MODE: 'worker',
        SIMULATE: 'true',
        API_FOOTBALL_KEY: 'k',
        API_FOOTBALL_FIXTURES: '1',
      }),
    ).toEqual([
      'KINESIS_STREAM: required with MATCHFEED_MODE=worker (the stream it consumes)',
      'DATABASE_URL: required with KINESIS_STREAM or MATCHFEED_MODE=worker (the workers store into it)',
      'SIMULATE: a worker takes no sources; set it on the receivers (MATCHFEED_MODE=server)',
      'API_FOOTBALL_KEY: a worker takes no sources; set it on the receivers (MATCHFEED_MODE=server)',
    ])
    const worker = loadConfig({
      MATCHFEED_MODE: 'worker',
      KINESIS_STREAM: 'events',
      DATABASE_URL: 'postgres://db/x',
    })
    expect(worker).toMatchObject({ MATCHFEED_MODE: 'worker', KINESIS_STREAM: 'events', simulate: false })
    expect(problemsOf({ MATCHFEED_MODE: 'both' }).map((p) => p.split(':')[0])).toContain('MATCHFEED_MODE')
  })

  it('Kinesis: receivers need the database; the endpoint needs the stream; the region defaults from AWS_REGION', () => {
    expect(problemsOf({ KINESIS_STREAM: 'events', KINESIS_ENDPOINT: 'ftp://kinesis' })).toEqual([
      expect.stringMatching(/^KINESIS_ENDPOINT: /),
      'DATABASE_URL: required with KINESIS_STREAM or MATCHFEED_MODE=worker (the workers store into it)',
    ])
    expect(problemsOf({ KINESIS_ENDPOINT: 'http://127.0.0.1:4567' })).toEqual([
      'KINESIS_STREAM: KINESIS_ENDPOINT is set; give the stream',
    ])
    const base = { KINESIS_STREAM: 'events', DATABASE_URL: 'postgres://db/x', SIMULATE: 'true' }
    expect(problemsOf({ ...base, KINESIS_STREAM: 'match events' })).toEqual([
      'KINESIS_STREAM: must be a stream name: 1 to 128 letters, digits, _ . -',
    ])
    expect(loadConfig(base)).toMatchObject({ MATCHFEED_MODE: 'server', KINESIS_REGION: 'us-east-1' })
    expect(loadConfig({ ...base, AWS_REGION: 'eu-west-1' }).KINESIS_REGION).toBe('eu-west-1')
    expect(
      loadConfig({ ...base, AWS_REGION: 'eu-west-1', KINESIS_REGION: 'ap-south-1' }).KINESIS_REGION,
    ).toBe('ap-south-1')
  })

  it('keeps the previous secret during a rotation, current one first', () => {
    const config = loadConfig({
      WEBHOOK_SECRET: 'new-secret-0123456789',
      WEBHOOK_SECRET_PREVIOUS: 'old-secret-0123456789',
    })
    expect(config.webhookSecrets).toEqual(['new-secret-0123456789', 'old-secret-0123456789'])
  })
})
