import { MatchfeedError } from '../../errors.js'

/** pg's `query(text, values)` shape: a pg Pool or Client, PGlite, or anything alike. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
}

/** A pg Pool: transactions need one of its clients. */
interface PoolLike extends Queryable {
  connect(): Promise<Queryable & { release(error?: unknown): void }>
}

/** PGlite has its own transaction API. */
interface TransactionalLike extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
}

/** Runs `fn` in one transaction on whatever client was given. */
export async function withTransaction<T>(db: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  if (typeof (db as TransactionalLike).transaction === 'function')
    return (db as TransactionalLike).transaction(fn)
  const pooled = typeof (db as Partial<PoolLike>).connect === 'function' && 'totalCount' in (db as object)
  const client = pooled ? await (db as PoolLike).connect() : db
  let failed: unknown
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    failed = error
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    // A broken connection goes back to the pool as broken, so the pool replaces it.
    if (pooled)
      (client as Queryable & { release(error?: unknown): void }).release(
        isConnectionError(failed) ? failed : undefined,
      )
  }
}

/** A quoted identifier, for the schema and table names the user chooses. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new MatchfeedError(`"${name}" is not a plain SQL identifier (letters, digits, _)`, {
      code: 'invalid_option',
    })
  }
  return `"${name}"`
}

// SQLSTATE classes that a retry can fix: connection exceptions, the server shutting down or terminating
// the backend, resource limits, serialization failures and deadlocks.
const RETRYABLE_STATES = /^(08|53|57P0|40001|40P01|55P03)/
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
])

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || RETRYABLE_STATES.test(code))) return true
  const message = error instanceof Error ? error.message : ''
  return /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error/i.test(
    message,
  )
}

/** A Postgres failure as a MatchfeedError: retryable when the connection or the server was the problem. */
export function postgresError(what: string, error: unknown): MatchfeedError {
  const sqlState = (error as { code?: unknown } | undefined)?.code
  const detail = error instanceof Error ? error.message : String(error)
  return new MatchfeedError(
    `postgres: ${what} failed${typeof sqlState === 'string' ? ` (${sqlState})` : ''}: ${detail}`,
    {
      code: 'postgres_error',
      retryable: isConnectionError(error),
      cause: error,
    },
  )
}

/** Imports an optional peer dependency, saying what to install when it is missing. */
export async function importPeer<T>(name: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T
  } catch (error) {
    throw new MatchfeedError(`${purpose} needs the optional dependency ${name}: npm install ${name}`, {
      code: 'missing_peer_dependency',
      cause: error,
    })
  }
}
