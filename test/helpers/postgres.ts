import pg from 'pg'

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A pool on the test server, or a failure that says where it looked and how to start it — never a skip. */
export async function connectTestDatabase(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 6 })
  pool.on('error', () => {}) // terminated idle clients (fault tests) are replaced
  try {
    await pool.query('SELECT 1')
  } catch (error) {
    await pool.end().catch(() => {})
    throw new Error(
      `PostgreSQL is not reachable at ${DATABASE_URL} (${(error as Error).message}). Start it — on these machines ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, elsewhere any PostgreSQL 13+ — ' +
        'or point DATABASE_URL at one.',
    )
  }
  return pool
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
}
