// Where events are stored: Postgres when DATABASE_URL is set, else an embedded PGlite (memory or a data dir).
import { PGlite } from '@electric-sql/pglite'
import { migrate, type Queryable } from 'matchfeed/sinks/postgres'
import pg from 'pg'
import type { Config } from './config.js'
import { withDeadline } from './deadline.js'
import { sharedAnswer } from './shared-answer.js'

export interface Storage {
  readonly kind: 'postgres' | 'pglite'
  readonly client: Queryable
  /** Whether migrations have run (the server retries them until the database answers). */
  readonly migrated: boolean
  /** Runs the migrations, retrying while the database is unreachable, until `signal` aborts. */
  migrate(signal: AbortSignal, onRetry: (error: unknown) => void): Promise<void>
  /**
   * Resolves when the database answers within PING_TIMEOUT_MS. One query at a time, and an answer is reused for
   * PING_REUSE_MS: every match page polls the health route every 3 s, and a thousand viewers must not make
   * Postgres answer hundreds of `SELECT 1` a second. A failure is not reused: the next call asks again.
   */
  ping(): Promise<void>
  close(): Promise<void>
}

const RETRY_MS = 1000
const PING_TIMEOUT_MS = 2000
const PING_REUSE_MS = 1000

export function openStorage(config: Config): Storage {
  const pool = config.DATABASE_URL
    ? new pg.Pool({ connectionString: config.DATABASE_URL, max: 10, connectionTimeoutMillis: 5000 })
    : undefined
  // Idle clients dying with a server restart are replaced on the next query; unheard, they crash the process.
  pool?.on('error', () => {})
  const client: Queryable & { close?(): Promise<void> } = pool ?? new PGlite(config.PGLITE_DATA_DIR)
  let migrated = false
  async function selectOne() {
    const answered = await withDeadline(
      client.query('SELECT 1').then(() => true),
      PING_TIMEOUT_MS,
      () => false,
    )
    if (!answered) throw new Error(`no answer within ${PING_TIMEOUT_MS} ms`)
  }
  return {
    kind: pool ? 'postgres' : 'pglite',
    client,
    get migrated() {
      return migrated
    },
    async migrate(signal, onRetry) {
      while (!migrated) {
        try {
          await migrate(client)
          migrated = true
        } catch (error) {
          if (signal.aborted) throw error
          onRetry(error)
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
        }
      }
    },
    ping: sharedAnswer(PING_REUSE_MS, selectOne),
    async close() {
      if (pool) await pool.end()
      else await (client as PGlite).close()
    },
  }
}
