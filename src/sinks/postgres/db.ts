import { invalidOption } from '../../errors.js'
import { SinkError } from '../sink-error.js'

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
export function ident(name: string, owner = 'postgres', option = 'table'): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw invalidOption(owner, option, `"${name}" is not a plain SQL identifier (letters, digits, _)`)
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

/**
 * A Postgres failure: a SinkError with code `postgres_error`, the SQLSTATE as `backendCode`, retryable when
 * the connection or the server was the problem.
 */
export class PostgresError extends SinkError {
  /** The SQLSTATE, when the server answered (`23505`, `57P01`…). */
  get sqlState(): string | undefined {
    return this.backendCode
  }
}

/** Wraps what pg or PGlite threw; an error that is already a PostgresError is passed through. */
export function postgresError(what: string, error: unknown, sink = 'postgres'): PostgresError {
  if (PostgresError.isInstance(error)) return error
  const sqlState = (error as { code?: unknown } | undefined)?.code
  const detail = error instanceof Error ? error.message : String(error)
  return new PostgresError({
    sink,
    code: 'postgres_error',
    message: `postgres: ${what} failed${typeof sqlState === 'string' ? ` (${sqlState})` : ''}: ${detail}`,
    retryable: isConnectionError(error),
    backendCode: typeof sqlState === 'string' ? sqlState : undefined,
    cause: error,
  })
}
