import { invalidOption } from '../../errors.js'
import { ident, postgresError, type Queryable } from '../postgres/db.js'
import type { Lease, LeaseStore } from './lease-store.js'

export interface PostgresLeaseStoreOptions {
  /** A pg Pool or Client (or PGlite): the table comes from the postgres sink's `migrate`. */
  client: Queryable
  /** The schema `migrate` ran in. Default `public`. */
  schema?: string
  /** The consumer group (application) the leases belong to: one group's workers share its leases. Default `matchfeed`. */
  group?: string
}

const COLUMNS = `lease_key, owner, epoch, checkpoint, handoff_to, (owner IS NULL OR expires_at <= now()) AS expired`

/**
 * Leases in Postgres (`matchfeed_kinesis_leases`, created by `migrate`): each operation one conditional
 * statement, expiry on the server's `now()`. Failures are PostgresErrors (retryable when the connection was
 * the problem).
 */
export function postgresLeaseStore(options: PostgresLeaseStoreOptions): LeaseStore {
  const owner = 'postgresLeaseStore'
  if (!options.client || typeof options.client.query !== 'function') {
    throw invalidOption(owner, 'client', 'must be a pg Pool or Client, or PGlite')
  }
  const table = `${ident(options.schema ?? 'public', owner, 'schema')}.${ident('matchfeed_kinesis_leases')}`
  const group = options.group ?? 'matchfeed'
  const db = options.client
  const query = async (what: string, sql: string, values: unknown[]) => {
    try {
      return (await db.query(sql, values)).rows
    } catch (error) {
      throw postgresError(`lease ${what}`, error, 'kinesis-leases')
    }
  }
  const lease = (row: Record<string, unknown> | undefined): Lease | undefined =>
    row === undefined ? undefined : toLease(row)
  const duration = `now() + $5 * interval '1 millisecond'`
  return {
    async create(keys) {
      if (keys.length === 0) return
      await query(
        'create',
        `INSERT INTO ${table} (group_name, lease_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [group, keys],
      )
    },
    async list(prefix) {
      const rows = await query(
        'list',
        `SELECT ${COLUMNS} FROM ${table} WHERE group_name = $1 AND starts_with(lease_key, $2) ORDER BY lease_key`,
        [group, prefix],
      )
      return rows.map(toLease)
    },
    async acquire(key, worker, epoch, durationMs, { force = false } = {}) {
      const rows = await query(
        'acquire',
        `UPDATE ${table} SET owner = $3, epoch = epoch + 1, expires_at = ${duration}, handoff_to = NULL
         WHERE group_name = $1 AND lease_key = $2 AND epoch = $4
           AND ($6 OR owner IS NULL OR expires_at <= now())
         RETURNING ${COLUMNS}`,
        [group, key, worker, epoch, durationMs, force],
      )
      return lease(rows[0])
    },
    async renew(key, worker, epoch, durationMs) {
      const rows = await query(
        'renew',
        `UPDATE ${table} SET expires_at = ${duration}
         WHERE group_name = $1 AND lease_key = $2 AND owner = $3 AND epoch = $4 RETURNING ${COLUMNS}`,
        [group, key, worker, epoch, durationMs],
      )
      return lease(rows[0])
    },
    async checkpoint(key, worker, epoch, checkpoint) {
      const rows = await query(
        'checkpoint',
        `UPDATE ${table} SET checkpoint = $5
         WHERE group_name = $1 AND lease_key = $2 AND owner = $3 AND epoch = $4 RETURNING epoch`,
        [group, key, worker, epoch, checkpoint],
      )
      return rows.length === 1
    },
    async release(key, worker, epoch, to) {
      const rows = await query(
        'release',
        `UPDATE ${table} SET owner = $5, epoch = epoch + 1, handoff_to = NULL,
           expires_at = CASE WHEN $5::text IS NULL THEN NULL ELSE now() + $6 * interval '1 millisecond' END
         WHERE group_name = $1 AND lease_key = $2 AND owner = $3 AND epoch = $4 RETURNING epoch`,
        [group, key, worker, epoch, to?.owner ?? null, to?.durationMs ?? 0],
      )
      return rows.length === 1
    },
    async requestHandoff(key, epoch, requester) {
      const rows = await query(
        'hand-off request',
        `UPDATE ${table} SET handoff_to = $4
         WHERE group_name = $1 AND lease_key = $2 AND epoch = $3 AND owner IS NOT NULL RETURNING epoch`,
        [group, key, epoch, requester],
      )
      return rows.length === 1
    },
  }
}

function toLease(row: Record<string, unknown>): Lease {
  return {
    key: String(row.lease_key),
    owner: (row.owner as string | null) ?? null,
    epoch: Number(row.epoch),
    checkpoint: (row.checkpoint as string | null) ?? null,
    expired: row.expired === true,
    handoffTo: (row.handoff_to as string | null) ?? null,
  }
}
