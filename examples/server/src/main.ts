// `npm start`: read the environment, build the server, listen, start the simulated match if asked, and
// stop gracefully on SIGTERM / SIGINT with an exit code that says whether anything was left undelivered.
import { build } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { createLogger } from './logger.js'
import { startReplayFile } from './replay-file.js'
import { runSimulatedMatch } from './simulator.js'

const bootLog = createLogger({ LOG_LEVEL: 'info' })

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    bootLog.fatal(error.message)
    return 2
  }
  // MATCHFEED_MODE=worker: the Kinesis consumer, with only /livez, /readyz and /metrics (its shutdown is the same).
  const app =
    config.MATCHFEED_MODE === 'worker'
      ? await (await import('./worker.js')).buildWorker(config)
      : await build(config)
  const stopSimulator = new AbortController()
  let exitCode: number | undefined
  let replay: ReturnType<typeof startReplayFile> | undefined
  const shutDown = async (signal: string) => {
    if (exitCode !== undefined) {
      app.log.warn(`${signal} again: exiting now`)
      process.exit(1)
    }
    exitCode = 0
    app.log.info({ signal }, 'shutting down: no new connections, answering those in flight, draining')
    stopSimulator.abort()
    replay?.kill()
    // Whatever hangs past every deadline (a request, a connection, a client library), the process still ends.
    const watchdog = setTimeout(
      () => {
        app.log.error('shutdown overran its deadlines: exiting')
        process.exit(1)
      },
      config.SHUTDOWN_DEADLINE_MS + config.RESPOND_WITHIN_MS + 10_000,
    )
    watchdog.unref()
    // Keep-alive connections that were busy when the signal came are closed as soon as they fall idle:
    // server.close() only drops those idle at the moment it is called.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100)
    await app.close() // stops listening, waits for in-flight requests, then drains the pipeline (onClose)
    clearInterval(sweep)
    const undrained = Object.values(app.stopReport?.undrained ?? {}).reduce((a, b) => a + b, 0)
    if (undrained > 0) {
      app.log.error({ undrained: app.stopReport?.undrained }, 'events not written before the deadline')
      exitCode = 1
    }
    if (app.stopOverran) {
      // Nothing is lost: what was not checkpointed is read again.
      app.log.error(
        { stream: config.KINESIS_STREAM },
        "the worker's stop overran its deadline: its shards are read again from their checkpoints by their next owner",
      )
      exitCode = 1
    }
    process.exit(exitCode)
  }
  process.on('SIGTERM', () => void shutDown('SIGTERM'))
  process.on('SIGINT', () => void shutDown('SIGINT'))

  const address = await app.listen({ host: config.HOST, port: config.PORT })
  if (config.MATCHFEED_MODE === 'worker') {
    app.log.info(
      `matchfeed worker on ${address} (stream: ${config.KINESIS_STREAM}, fan-out: ${config.REDIS_URL ? 'redis' : 'none'})`,
    )
    return -1
  }
  app.log.info(
    `matchfeed server on ${address} (${config.KINESIS_STREAM ? `puts to kinesis: ${config.KINESIS_STREAM}, ` : ''}storage: ${app.runtime.storage.kind}, fan-out: ${config.REDIS_URL ? 'redis' : 'none'})`,
  )
  if (config.simulate) {
    void runSimulatedMatch({
      baseUrl: address,
      secret: config.webhookSecrets[0]!,
      speed: config.SIMULATE_SPEED,
      seed: config.SIMULATE_SEED,
      log: app.log.child({ component: 'simulator' }),
      signal: stopSimulator.signal,
    }).catch((error) => app.log.error({ err: error }, 'simulator stopped'))
  }
  if (config.REPLAY_FILE) {
    replay = startReplayFile({
      baseUrl: address,
      file: config.REPLAY_FILE,
      provider: config.REPLAY_PROVIDER,
      matchId: config.REPLAY_MATCH_ID,
      speed: config.REPLAY_SPEED,
      secret: config.webhookSecrets[0]!,
      log: app.log.child({ component: 'replay' }),
    })
  }
  return -1
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (error) => {
    bootLog.fatal({ err: error }, 'the server could not start')
    process.exit(1)
  },
)
