// The one logger both modes (and the boot log) write with: whatever carries a credential is never written out.
import pino from 'pino'
import type { Config } from './config.js'

const REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-signature"]']

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>) {
  return pino({ level: config.LOG_LEVEL, redact: REDACT })
}
