import { invalidOption } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import type { Sink } from '../../pipeline/contracts.js'
import { postgresError, type Queryable, withTransaction } from './db.js'
import { type TableOptions, tableNames } from './migrate.js'

export interface OutboxRelayOptions extends TableOptions {
  client: Queryable
  /** Where the outbox rows go (Redis Streams, Kinesis…). A row is done only once every sink accepted it. */
  sinks: Sink[]
  /** Rows per round. Default 500. */
  batchSize?: number
  /** Pause when the outbox is empty. Default 200 ms. */
  idleMs?: number
  /**
   * How long done rows stay (a window to look into what was relayed) before the running relay deletes them,
   * checked once a minute. Default one day; `Infinity` keeps them (prune them yourself then).
   */
  keepDoneMs?: number
  onError?: (error: unknown) => void
}

export interface OutboxRelay {
  /** One round: claims up to `batchSize` rows, delivers them, marks them done. Returns how many. */
  relayOnce(): Promise<number>
  /** Deletes the rows done more than `keepDoneMs` ago (at most 10,000 a statement). Returns how many. */
  pruneOnce(): Promise<number>
  start(): void
  stop(): Promise<void>
}

const DAY_MS = 24 * 60 * 60 * 1000
const PRUNE_EVERY_MS = 60_000
const PRUNE_SLICE = 10_000

/**
 * Forwards the transactional outbox to other sinks. A match's rows are claimed only by the relay holding that
 * match's advisory lock, oldest first, so several relays share the work and
 * each match stays in order. A row is marked done in the same transaction, after the sinks accepted it: a
 * relay that dies in between leaves the rows to be sent again, and the idempotent sinks absorb the repeat.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const t = tableNames(options, 'createOutboxRelay')
  const batchSize = options.batchSize ?? 500
  const idleMs = options.idleMs ?? 200
  const keepDoneMs = options.keepDoneMs ?? DAY_MS
  if (!(keepDoneMs >= 0))
    throw invalidOption('createOutboxRelay', 'keepDoneMs', `must be ≥ 0, got ${String(keepDoneMs)}`)
  let running: Promise<void> | undefined
  let stopping = false

  async function relayOnce(): Promise<number> {
    try {
      return await withTransaction(options.client, async (tx) => {
        // First the matches, then their rows, in two statements: the matches of the oldest pending rows that
        // no other relay holds, locked until this transaction ends; then, seen after the locks were taken,
        // the oldest pending rows of those matches only — for each, the rows from its first pending one on.
        // (Taking locks row by row within one scan let a relay skip a match's early rows while another relay
        // held it, then take its later rows once that relay had committed: out of order.)
        const { rows: held } = await tx.query(
          `SELECT match_id FROM (
             SELECT DISTINCT match_id FROM (
               SELECT match_id FROM ${t.outbox} WHERE done_at IS NULL ORDER BY id LIMIT $1
             ) oldest
           ) candidates
           WHERE pg_try_advisory_xact_lock(hashtext('matchfeed:outbox:' || match_id))`,
          [batchSize],
        )
        if (held.length === 0) return 0
        const { rows } = await tx.query(
          `SELECT id, match_id, event FROM ${t.outbox}
           WHERE done_at IS NULL AND match_id = ANY($2::text[])
           ORDER BY id LIMIT $1 FOR UPDATE`,
          [batchSize, held.map((r) => r.match_id)],
        )
        if (rows.length === 0) return 0
        const events = rows.map(
          (r) => (typeof r.event === 'string' ? JSON.parse(r.event) : r.event) as MatchEvent,
        )
        for (const sink of options.sinks) await sink.write(events)
        await tx.query(`UPDATE ${t.outbox} SET done_at = now() WHERE id = ANY($1::bigint[])`, [
          rows.map((r) => r.id),
        ])
        return rows.length
      })
    } catch (error) {
      throw postgresError('outbox relay', error)
    }
  }

  async function pruneOnce(): Promise<number> {
    if (keepDoneMs === Number.POSITIVE_INFINITY) return 0
    let pruned = 0
    try {
      for (;;) {
        // In slices, so that a large backlog never holds one long delete.
        const { rows } = await options.client.query(
          `WITH old AS (
             SELECT id FROM ${t.outbox}
             WHERE done_at IS NOT NULL AND done_at < now() - make_interval(secs => $1)
             LIMIT ${PRUNE_SLICE})
           DELETE FROM ${t.outbox} WHERE id IN (SELECT id FROM old) RETURNING 1`,
          [keepDoneMs / 1000],
        )
        pruned += rows.length
        if (rows.length < PRUNE_SLICE) return pruned
      }
    } catch (error) {
      throw postgresError('outbox prune', error)
    }
  }

  return {
    relayOnce,
    pruneOnce,
    start() {
      if (running) return
      stopping = false
      running = (async () => {
        let nextPrune = 0
        while (!stopping) {
          if (Date.now() >= nextPrune) {
            nextPrune = Date.now() + PRUNE_EVERY_MS
            await pruneOnce().catch((error) => options.onError?.(error))
          }
          let relayed = 0
          try {
            relayed = await relayOnce()
          } catch (error) {
            options.onError?.(error)
          }
          if (relayed === 0 && !stopping) await new Promise((r) => setTimeout(r, idleMs))
        }
      })()
    },
    async stop() {
      stopping = true
      await running
      running = undefined
    },
  }
}
