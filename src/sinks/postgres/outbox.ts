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
  onError?: (error: unknown) => void
}

export interface OutboxRelay {
  /** One round: claims up to `batchSize` rows, delivers them, marks them done. Returns how many. */
  relayOnce(): Promise<number>
  start(): void
  stop(): Promise<void>
}

/**
 * Forwards the transactional outbox to other sinks. Rows are claimed with `FOR UPDATE SKIP LOCKED`, and a
 * match's rows only by the relay holding that match's advisory lock, so several relays share the work and
 * each match stays in order. A row is marked done in the same transaction, after the sinks accepted it: a
 * relay that dies in between leaves the rows to be sent again, and the idempotent sinks absorb the repeat.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const t = tableNames(options)
  const batchSize = options.batchSize ?? 500
  const idleMs = options.idleMs ?? 200
  let running: Promise<void> | undefined
  let stopping = false

  async function relayOnce(): Promise<number> {
    try {
      return await withTransaction(options.client, async (tx) => {
        const { rows } = await tx.query(
          `SELECT id, match_id, event FROM ${t.outbox}
           WHERE done_at IS NULL AND pg_try_advisory_xact_lock(hashtext('matchfeed:outbox:' || match_id))
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize],
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
      throw (error as { code?: unknown }).code === 'postgres_error'
        ? error
        : postgresError('outbox relay', error)
    }
  }

  return {
    relayOnce,
    start() {
      if (running) return
      stopping = false
      running = (async () => {
        while (!stopping) {
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
