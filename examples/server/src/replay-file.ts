// REPLAY_FILE: a provider file played into this server's own webhook route instead of the simulated match,
// by the package's own `matchfeed replay` command (its public bin), as signed requests.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyBaseLogger as Logger } from 'fastify'
import { MATCH_EVENTS_PATH } from './routes/webhooks.js'

export interface ReplayFileOptions {
  baseUrl: string
  file: string
  provider: string
  matchId: string | undefined
  speed: number
  secret: string
  log: Logger
}

function matchfeedBin(): string {
  const manifest = createRequire(import.meta.url).resolve('matchfeed/package.json')
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { matchfeed: string } }
  return join(dirname(manifest), bin.matchfeed)
}

/** Starts the replay; the returned process is killed on shutdown. Its outcome is logged. */
export function startReplayFile(options: ReplayFileOptions): ChildProcess {
  const args = [
    matchfeedBin(),
    'replay',
    '--provider',
    options.provider,
    options.file,
    '--to',
    options.baseUrl + MATCH_EVENTS_PATH,
    '--secret-env',
    'MATCHFEED_REPLAY_SECRET', // not on the command line, where `ps` shows it
    '--speed',
    String(options.speed),
    ...(options.matchId ? ['--match-id', options.matchId] : []),
  ]
  const child = spawn(process.execPath, args, {
    env: { ...process.env, MATCHFEED_REPLAY_SECRET: options.secret },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk) => (stderr += chunk))
  options.log.info(
    { file: options.file, provider: options.provider, speed: options.speed },
    'replaying a file',
  )
  child.on('exit', (code, signal) => {
    if (code === 0) options.log.info(stderr.trim())
    else if (signal === null) options.log.error({ code }, `replay failed: ${stderr.trim()}`)
  })
  return child
}
