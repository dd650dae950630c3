import { invalidOption, MatchfeedError } from '../../errors.js'
import { eventsJson } from '../../event/json.js'
import { latestVersions } from '../../event/merge.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvents } from '../../event/validate.js'
import { InFlightList } from '../../in-flight-list.js'
import { importPeer } from '../../peer.js'
import type { Sink } from '../../pipeline/contracts.js'
import { postgresError, preparedStatement, type Queryable } from './db.js'
import { migrate, type TableOptions, tableNames } from './migrate.js'

export interface PostgresSinkOptions extends TableOptions {
  /** A pg Pool or Client, PGlite, or anything with pg's `query(text, values)`. Run `migrate(client)` first. */
  client?: Queryable
  /** Or a URL: the sink creates (and closes) its own pg Pool, and migrates. Needs `pg`. */
  connectionString?: string
  /** Or an embedded database (PGlite), in memory or in `dataDir`: the default for people without a server. */
  embedded?: { dataDir?: string }
  /** Writes arriving within `maxWaitMs` go to Postgres together, `maxRows` rows per statement at most. */
  batch?: { maxRows?: number; maxWaitMs?: number }
  /** Statements in flight at once (other matches' writes proceed while one commits). Default 4. */
  concurrency?: number
  /** Also write each stored version into the outbox, in the same statement (see createOutboxRelay). */
  outbox?: boolean
  name?: string
}

export interface PostgresSink extends Sink {
  /** The client the sink writes with (for readEvents, migrate, or your own queries). */
  client(): Promise<Queryable>
  /** Writes what is queued, then closes the client if the sink created it. */
  close(): Promise<void>
}

/** Each column and how it is read from the event's JSON (`e`), in SQL. */
const COLUMNS = [
  ['id', "e->>'id'"],
  ['provider', "e->>'provider'"],
  ['provider_event_id', "e->>'providerEventId'"],
  ['match_id', "e->>'matchId'"],
  ['seq', "(e->>'seq')::float8"],
  ['version', "(e->>'version')::int8"],
  ['deleted', "(e->>'deleted')::bool"],
  ['type', "e->>'type'"],
  ['result', "e->>'result'"],
  ['period', "(e->>'period')::int2"],
  ['period_time', "(e->>'periodTime')::float8"],
  ['minute', "(e->>'minute')::int4"],
  ['second', "(e->>'second')::int4"],
  ['added_time', "(e->>'addedTime')::int4"],
  ['team_id', "e#>>'{team,id}'"],
  ['player_id', "e#>>'{player,id}'"],
  ['x', "(e->>'x')::float8"],
  ['y', "(e->>'y')::float8"],
  ['end_x', "(e->>'endX')::float8"],
  ['end_y', "(e->>'endY')::float8"],
  ['provider_timestamp', "(e->>'timestamp')::timestamptz"],
  ['event', 'e'],
] as const

/**
 * `INSERT … SELECT … FROM jsonb_array_elements($1) ON CONFLICT (id) DO UPDATE … WHERE newer` (+ the outbox).
 * One parameter, the events as a JSON array: the columns are read from it in SQL, so each event crosses
 * as the one JSON text every sink shares, with no per-column arrays to build, escape and parse.
 */
export function upsertSql(options: TableOptions & { outbox?: boolean }): string {
  const t = tableNames(options, 'postgresSink')
  const names = COLUMNS.map(([name]) => name)
  const updates = names
    .filter((n) => n !== 'id')
    .map((n) => `${n} = EXCLUDED.${n}`)
    .join(', ')
  const insert = `INSERT INTO ${t.events} AS t (${names.join(', ')})
    SELECT ${COLUMNS.map(([, read]) => read).join(', ')} FROM jsonb_array_elements($1::jsonb) AS rows(e)
    ON CONFLICT (id) DO UPDATE SET ${updates}, updated_at = now()
    WHERE EXCLUDED.version > t.version`
  if (!options.outbox) return insert
  // Only what was really stored (new, or a higher version) goes to the outbox, in seq order per match.
  return `WITH stored AS (${insert} RETURNING id, version, match_id, seq, event)
    INSERT INTO ${t.outbox} (event_id, version, match_id, event)
    SELECT id, version, match_id, event FROM stored ORDER BY match_id, seq`
}

interface Pending {
  events: readonly MatchEvent[]
  resolve(): void
  reject(error: unknown): void
}

/**
 * Batched, idempotent upserts: a replay changes nothing, a correction (higher version) wins, and `write`
 * resolves after the commit. One statement per `maxRows` rows, with the events as one JSON array parameter,
 * so the protocol's 65,535-parameter limit never applies.
 */
export function postgresSink(options: PostgresSinkOptions): PostgresSink {
  const sinkName = options.name ?? 'postgres'
  const given = [options.client, options.connectionString, options.embedded].filter((v) => v !== undefined)
  if (given.length !== 1) {
    throw invalidOption('postgresSink', 'client', 'pass exactly one of client, connectionString or embedded')
  }
  const maxRows = options.batch?.maxRows ?? 1_000
  const maxWaitMs = options.batch?.maxWaitMs ?? 0
  const concurrency = options.concurrency ?? 4
  const statement = preparedStatement('matchfeed_upsert', upsertSql(options))
  let owned: { close(): Promise<void> } | undefined
  let ready: Promise<Queryable> | undefined
  const queue: Pending[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let turn: ReturnType<typeof setImmediate> | undefined
  const active = new InFlightList<Promise<void>>()

  function client(): Promise<Queryable> {
    ready ??= open().catch((error: unknown) => {
      ready = undefined // a failed connect is tried again on the next write
      throw error
    })
    return ready
  }

  async function open(): Promise<Queryable> {
    if (options.client) return options.client
    if (options.connectionString) {
      const pg = await importPeer<{
        default: {
          Pool: new (
            o: object,
          ) => Queryable & { end(): Promise<void>; on(e: string, f: (e: unknown) => void): void }
        }
      }>('pg', {
        purpose: 'postgresSink({ connectionString })',
        alternative: 'or pass a pg Pool as { client }',
      })
      const pool = new pg.default.Pool({ connectionString: options.connectionString, max: 4 })
      pool.on('error', () => {}) // an idle client dying (server restart) is replaced on the next query
      owned = { close: () => pool.end() }
      await migrateOrClose(pool)
      return pool
    }
    const { PGlite } = await importPeer<{
      PGlite: new (dataDir?: string) => Queryable & { close(): Promise<void> }
    }>('@electric-sql/pglite', {
      purpose: 'postgresSink({ embedded })',
      alternative: 'or pass { client } / { connectionString }',
    })
    const db = new PGlite(options.embedded?.dataDir)
    owned = { close: () => db.close() }
    await migrateOrClose(db)
    return db
  }

  /** A failed migration closes what was just opened: the next write opens (and migrates) anew. */
  async function migrateOrClose(db: Queryable): Promise<void> {
    try {
      await migrate(db, options)
    } catch (error) {
      await owned?.close().catch(() => {})
      owned = undefined
      throw error
    }
  }

  /**
   * Writes arriving in the same turn of the event loop (the requests of one socket read, the lanes of many
   * matches) go out together: one statement and one commit instead of one each, at no added wait.
   */
  function schedule(): void {
    if (queue.length === 0) return
    const rows = queue.reduce((n, p) => n + p.events.length, 0)
    if (rows >= maxRows) drain()
    else if (maxWaitMs === 0) turn ??= setImmediate(drain)
    else timer ??= setTimeout(drain, maxWaitMs)
  }

  /**
   * Starts statements while fewer than `concurrency` are running, each with up to `maxRows` rows. Under load
   * the writes waiting meanwhile share the next statement; the pipeline keeps each match's writes in order.
   */
  function drain(): void {
    clearTimeout(timer)
    clearImmediate(turn)
    timer = undefined
    turn = undefined
    while (queue.length > 0 && active.size < concurrency) {
      const taken: Pending[] = []
      let rows = 0
      while (queue.length > 0 && (taken.length === 0 || rows + queue[0]!.events.length <= maxRows)) {
        const next = queue.shift()!
        taken.push(next)
        rows += next.events.length
      }
      const run: Promise<void> = flush(taken).finally(() => {
        leave()
        schedule()
      })
      const leave = active.add(run)
    }
  }

  async function upsert(events: readonly MatchEvent[]): Promise<void> {
    const db = await client()
    // Within one statement an id may appear once: keep the highest version of each.
    const rows = latestVersions(events)
    for (let i = 0; i < rows.length; i += maxRows)
      await statement.run(db, [eventsJson(rows.slice(i, i + maxRows))])
  }

  async function flush(taken: Pending[]): Promise<void> {
    try {
      await upsert(taken.flatMap((p) => p.events))
      for (const p of taken) p.resolve()
    } catch (error) {
      const wrapped = MatchfeedError.isInstance(error) ? error : postgresError('write', error, sinkName)
      if (wrapped.retryable || taken.length === 1) {
        for (const p of taken) p.reject(wrapped)
      } else {
        // A data error in one write must not fail the others that shared its statement: each on its own.
        for (const p of taken) {
          await upsert(p.events).then(p.resolve, (e: unknown) =>
            p.reject(postgresError('write', e, sinkName)),
          )
        }
      }
    }
  }

  return {
    name: sinkName,
    client,
    async write(batch) {
      const events = validateMatchEvents(batch as MatchEvent[])
      if (events.length === 0) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject })
        schedule()
      })
    },
    async close() {
      // Flush on close: everything written before close() is in Postgres when it resolves.
      while (active.size > 0 || queue.length > 0) {
        drain()
        await Promise.all(active)
      }
      await owned?.close()
      owned = undefined
      ready = undefined
    },
  }
}
