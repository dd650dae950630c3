import { invalidOption } from '../errors.js'
import { ident, postgresError, type Queryable } from '../sinks/postgres/db.js'
import { ID_MAP_TABLE } from '../sinks/postgres/migrate.js'
import {
  checkIdMapEntries,
  checkIdMapKey,
  checkIdMapKeys,
  checkKind,
  checkProvider,
  type IdKind,
  type IdMapEntry,
  type IdMapKey,
  keyOf,
} from './entries.js'

/**
 * Which entries `list` returns: one provider, one kind, those after a key (the last of the previous page), at
 * most `limit` (default 1,000), in key order (provider, kind, external id; by character code).
 */
export interface IdMapFilter {
  provider?: string
  kind?: IdKind
  /** Only the entries after this key in key order: the last entry of the previous page. */
  after?: IdMapKey
  limit?: number
}

/** Where the id map lives. Every method takes a whole batch: one round trip, not one per id. */
export interface IdMapStore {
  /** The entries of these keys that exist (the others are left out). */
  get(keys: readonly IdMapKey[]): Promise<IdMapEntry[]>
  /** Inserts or replaces (upsert on the key); entries are checked first (InvalidIdMapEntryError). */
  set(entries: readonly IdMapEntry[]): Promise<void>
  delete(keys: readonly IdMapKey[]): Promise<void>
  list(filter?: IdMapFilter): Promise<IdMapEntry[]>
}

const DEFAULT_LIST_LIMIT = 1_000

/** The filter, checked. */
export function checkFilter(filter: IdMapFilter = {}) {
  const limit = filter.limit ?? DEFAULT_LIST_LIMIT
  if (!Number.isInteger(limit) || limit < 1)
    throw invalidOption('list', 'limit', 'must be a positive integer')
  return {
    provider: filter.provider === undefined ? undefined : checkProvider(filter.provider),
    kind: filter.kind === undefined ? undefined : checkKind(filter.kind),
    after: filter.after === undefined ? undefined : checkIdMapKey(filter.after, 'after'),
    limit,
  }
}

/** The last entry of each key wins, as if set one after the other. */
function lastOfEachKey(entries: IdMapEntry[]): IdMapEntry[] {
  const byKey = new Map<string, IdMapEntry>()
  for (const e of entries) byKey.set(keyOf(e.provider, e.kind, e.externalId), e)
  return [...byKey.values()]
}

const byKey = (a: IdMapEntry, b: IdMapEntry) =>
  a.provider < b.provider
    ? -1
    : a.provider > b.provider
      ? 1
      : a.kind < b.kind
        ? -1
        : a.kind > b.kind
          ? 1
          : a.externalId < b.externalId
            ? -1
            : a.externalId > b.externalId
              ? 1
              : 0

/** The id map in this process's memory: for tests, and for a fixed list known at start. */
export function memoryIdMapStore(entries: readonly IdMapEntry[] = []): IdMapStore {
  const map = new Map<string, IdMapEntry>()
  const put = (list: readonly IdMapEntry[]) => {
    for (const e of checkIdMapEntries(list)) map.set(keyOf(e.provider, e.kind, e.externalId), e)
  }
  put(entries)
  return {
    async get(keys) {
      const found: IdMapEntry[] = []
      for (const k of keys) {
        const entry = map.get(keyOf(k.provider, k.kind, k.externalId))
        if (entry) found.push({ ...entry })
      }
      return found
    },
    async set(list) {
      put(list)
    },
    async delete(keys) {
      for (const k of checkIdMapKeys(keys)) map.delete(keyOf(k.provider, k.kind, k.externalId))
    },
    async list(filter) {
      const { provider, kind, after, limit } = checkFilter(filter)
      const start = after === undefined ? undefined : { ...after, internalId: '' }
      return [...map.values()]
        .filter(
          (e) =>
            (provider === undefined || e.provider === provider) &&
            (kind === undefined || e.kind === kind) &&
            (start === undefined || byKey(e, start) > 0),
        )
        .sort(byKey)
        .slice(0, limit)
        .map((e) => ({ ...e }))
    },
  }
}

export interface PostgresIdMapStoreOptions {
  /** A pg Pool or Client (or PGlite): the table (`matchfeed_id_map`) comes from the postgres sink's `migrate`. */
  client: Queryable
  /** The schema `migrate` ran in. Default `public`. */
  schema?: string
}

// Keys and entries travel as one JSON parameter read with jsonb_to_recordset (as the sink's upsert does):
// one statement per batch whatever its size, the same on pg and PGlite.
const KEYS = `jsonb_to_recordset($1::jsonb) AS k(provider text, kind text, external_id text)`
const ENTRIES = `jsonb_to_recordset($1::jsonb) AS k(provider text, kind text, external_id text, internal_id text)`
const COLUMNS = `provider, kind, external_id, internal_id`

/**
 * The id map in Postgres (`matchfeed_id_map`, created by `migrate` from `matchfeed/sinks/postgres`): one
 * statement per call. Failures are PostgresErrors (retryable when the connection was the problem).
 */
export function postgresIdMapStore(options: PostgresIdMapStoreOptions): IdMapStore {
  const owner = 'postgresIdMapStore'
  if (!options?.client || typeof options.client.query !== 'function') {
    throw invalidOption(owner, 'client', 'must be a pg Pool or Client, or PGlite')
  }
  const table = `${ident(options.schema ?? 'public', owner, 'schema')}.${ident(ID_MAP_TABLE)}`
  const db = options.client
  const query = async (what: string, sql: string, values: unknown[]) => {
    try {
      return (await db.query(sql, values)).rows
    } catch (error) {
      throw postgresError(`id map ${what}`, error, 'id-map')
    }
  }
  const keysJson = (keys: readonly IdMapKey[]) =>
    JSON.stringify(keys.map((k) => ({ provider: k.provider, kind: k.kind, external_id: k.externalId })))
  return {
    async get(keys) {
      if (keys.length === 0) return []
      const rows = await query(
        'get',
        `SELECT ${COLUMNS} FROM ${table} JOIN ${KEYS} USING (provider, kind, external_id)`,
        [keysJson(keys)],
      )
      return rows.map(toEntry)
    },
    async set(list) {
      const entries = lastOfEachKey(checkIdMapEntries(list))
      if (entries.length === 0) return
      const json = entries.map((e) => ({
        provider: e.provider,
        kind: e.kind,
        external_id: e.externalId,
        internal_id: e.internalId,
      }))
      await query(
        'set',
        `INSERT INTO ${table} (${COLUMNS}) SELECT ${COLUMNS} FROM ${ENTRIES}
         ON CONFLICT (provider, kind, external_id) DO UPDATE SET internal_id = excluded.internal_id, updated_at = now()`,
        [JSON.stringify(json)],
      )
    },
    async delete(list) {
      const keys = checkIdMapKeys(list)
      if (keys.length === 0) return
      await query(
        'delete',
        `DELETE FROM ${table} AS m USING ${KEYS}
         WHERE m.provider = k.provider AND m.kind = k.kind AND m.external_id = k.external_id`,
        [keysJson(keys)],
      )
    },
    async list(filter) {
      const { provider, kind, after, limit } = checkFilter(filter)
      // Only the conditions given, so the plan is the primary key's index scan (the columns are COLLATE "C").
      const values: unknown[] = [limit]
      const where: string[] = []
      if (provider !== undefined) where.push(`provider = $${values.push(provider)}`)
      if (kind !== undefined) where.push(`kind = $${values.push(kind)}`)
      if (after !== undefined)
        where.push(
          `(provider, kind, external_id) > ($${values.push(after.provider)}, $${values.push(after.kind)}, $${values.push(after.externalId)})`,
        )
      const rows = await query(
        'list',
        `SELECT ${COLUMNS} FROM ${table} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY provider, kind, external_id LIMIT $1`,
        values,
      )
      return rows.map(toEntry)
    },
  }
}

function toEntry(row: Record<string, unknown>): IdMapEntry {
  return {
    provider: String(row.provider),
    kind: String(row.kind) as IdKind,
    externalId: String(row.external_id),
    internalId: String(row.internal_id),
  }
}
