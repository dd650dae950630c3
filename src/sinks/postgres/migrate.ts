import { ident, postgresError, type Queryable, withTransaction } from './db.js'

export interface TableOptions {
  /** Default `public`. */
  schema?: string
  /** Default `match_events`; the outbox is `${table}_outbox`. */
  table?: string
}

export function tableNames(options: TableOptions = {}, owner = 'postgres') {
  const schema = ident(options.schema ?? 'public', owner, 'schema')
  const table = options.table ?? 'match_events'
  return {
    schema,
    events: `${schema}.${ident(table, owner, 'table')}`,
    outbox: `${schema}.${ident(`${table}_outbox`, owner, 'table')}`,
    migrations: `${schema}.${ident('matchfeed_migrations')}`,
    leases: `${schema}.${ident(LEASES_TABLE)}`,
    idMap: `${schema}.${ident(ID_MAP_TABLE)}`,
    table,
  }
}

/** The Kinesis consumer's lease table: one per schema, whatever the events table is called. */
const LEASES_TABLE = 'matchfeed_kinesis_leases'

/**
 * Versioned migrations of the lease table (sinks/kinesis/postgres-lease-store.ts), recorded under its own
 * target: one table per schema shared by every consumer group; `epoch` fences every write of an owner.
 */
function leaseMigrations(t: ReturnType<typeof tableNames>): string[] {
  return [
    // 1: the leases.
    `CREATE TABLE IF NOT EXISTS ${t.leases} (
      group_name text NOT NULL,
      lease_key text NOT NULL,
      owner text,
      epoch bigint NOT NULL DEFAULT 0,
      expires_at timestamptz,
      checkpoint text,
      handoff_to text,
      PRIMARY KEY (group_name, lease_key)
    )`,
  ]
}

/** The id mapping's table (matchfeed/id-mapping, postgresIdMapStore): one per schema, like the leases. */
export const ID_MAP_TABLE = 'matchfeed_id_map'

/** Versioned migrations of the id map, recorded under its own target. */
function idMapMigrations(t: ReturnType<typeof tableNames>): string[] {
  return [
    // 1: (provider, kind, the provider's id) → the user's id. The key in "C" (character code) order: `list`
    // pages by it in the order the memory store uses, read from the primary key's index whatever the locale.
    `CREATE TABLE IF NOT EXISTS ${t.idMap} (
      provider text COLLATE "C" NOT NULL,
      kind text COLLATE "C" NOT NULL CHECK (kind IN ('match', 'team', 'player')),
      external_id text COLLATE "C" NOT NULL,
      internal_id text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, kind, external_id)
    )`,
  ]
}

/** Versioned migrations: each runs once per (schema, table), in order, in one transaction with the bookkeeping. */
function migrations(t: ReturnType<typeof tableNames>): string[] {
  return [
    // 1: the events table — typed columns for what people query, the whole event as jsonb.
    `CREATE TABLE IF NOT EXISTS ${t.events} (
      id text PRIMARY KEY,
      provider text NOT NULL,
      provider_event_id text NOT NULL,
      match_id text NOT NULL,
      seq double precision NOT NULL,
      version bigint NOT NULL,
      deleted boolean NOT NULL,
      type text NOT NULL,
      result text,
      period smallint NOT NULL,
      period_time double precision NOT NULL,
      minute integer NOT NULL,
      second integer NOT NULL,
      added_time integer,
      team_id text,
      player_id text,
      x double precision,
      y double precision,
      end_x double precision,
      end_y double precision,
      provider_timestamp timestamptz,
      event jsonb NOT NULL,
      inserted_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS ${ident(`${t.table}_match_order`)} ON ${t.events} (match_id, period, period_time, seq);
    CREATE INDEX IF NOT EXISTS ${ident(`${t.table}_match_seq`)} ON ${t.events} (match_id, seq);`,
    // 2: the transactional outbox, relayed in id order per match.
    `CREATE TABLE IF NOT EXISTS ${t.outbox} (
      id bigserial PRIMARY KEY,
      event_id text NOT NULL,
      version bigint NOT NULL,
      match_id text NOT NULL,
      event jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz
    );
    CREATE INDEX IF NOT EXISTS ${ident(`${t.table}_outbox_pending`)} ON ${t.outbox} (id) WHERE done_at IS NULL;`,
    // 3: the relay prunes done rows by age.
    `CREATE INDEX IF NOT EXISTS ${ident(`${t.table}_outbox_done`)} ON ${t.outbox} (done_at) WHERE done_at IS NOT NULL;`,
  ]
}

/**
 * Creates (or brings up to date) what the Postgres sink needs, and the tables of the Kinesis lease store and
 * the id mapping (each its own migration target, shared by every events table of the schema). Idempotent: safe at every start, and safe
 * when several processes start at once (an advisory lock serialises them).
 */
export async function migrate(client: Queryable, options: TableOptions = {}): Promise<{ applied: number[] }> {
  const t = tableNames(options)
  const steps = migrations(t)
  try {
    return await withTransaction(client, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`matchfeed:migrate:${t.events}`])
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`)
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${t.migrations} (target text NOT NULL, version integer NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (target, version))`,
      )
      const applied = await applyMigrations(tx, t.migrations, t.table, steps)
      // Shared by every events table of the schema: its own lock, so two migrations of one schema wait.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`matchfeed:migrate:${t.leases}`])
      await applyMigrations(tx, t.migrations, LEASES_TABLE, leaseMigrations(t))
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`matchfeed:migrate:${t.idMap}`])
      await applyMigrations(tx, t.migrations, ID_MAP_TABLE, idMapMigrations(t))
      return { applied }
    })
  } catch (error) {
    throw postgresError('migrate', error)
  }
}

/** Runs the steps of `target` not yet recorded in the bookkeeping table, in order; returns their versions. */
async function applyMigrations(tx: Queryable, bookkeeping: string, target: string, steps: string[]) {
  const { rows } = await tx.query(`SELECT version FROM ${bookkeeping} WHERE target = $1`, [target])
  const done = new Set(rows.map((r) => Number(r.version)))
  const applied: number[] = []
  for (const [i, sql] of steps.entries()) {
    const version = i + 1
    if (done.has(version)) continue
    for (const statement of sql.split(/;\s*(?=CREATE|$)/).filter((s) => s.trim())) await tx.query(statement)
    await tx.query(`INSERT INTO ${bookkeeping} (target, version) VALUES ($1, $2)`, [target, version])
    applied.push(version)
  }
  return applied
}
