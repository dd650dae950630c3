// Events/s into Postgres through the sink (one JSON array parameter), against UNNEST of 22 column arrays,
// multi-row VALUES and COPY in the same run, and p99 latency of a batch of 100; the same for PGlite. Needs the
// server of DATABASE_URL. Not a test.
import { Readable } from 'node:stream'
import { pipeline as streamPipeline } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { MatchEvent } from '../src/event/schema.js'
import { migrate, postgresSink, type Queryable } from '../src/sinks/postgres/index.js'
import { benchEvent } from './events.js'

const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `mf_bench_${process.pid}`
const COLUMN_NAMES =
  'id, provider, provider_event_id, match_id, seq, version, deleted, type, result, period, period_time, minute, second, added_time, team_id, player_id, x, y, end_x, end_y, provider_timestamp, event'

/** One array per column (the sink's earlier parameters, kept here for the comparison). */
function toColumns(events: readonly MatchEvent[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 22 }, () => [])
  for (const e of events) {
    const row = [
      e.id,
      e.provider,
      e.providerEventId,
      e.matchId,
      e.seq,
      e.version,
      e.deleted,
      e.type,
      e.result ?? null,
      e.period,
      e.periodTime,
      e.minute,
      e.second,
      e.addedTime ?? null,
      e.team?.id ?? null,
      e.player?.id ?? null,
      e.x ?? null,
      e.y ?? null,
      e.endX ?? null,
      e.endY ?? null,
      e.timestamp ?? null,
      JSON.stringify(e),
    ]
    for (let c = 0; c < row.length; c++) columns[c]!.push(row[c])
  }
  return columns
}

/** `count` events from number `offset`, spread over 20 matches. */
function events(count: number, offset: number): MatchEvent[] {
  return Array.from({ length: count }, (_, i) => benchEvent((offset + i) % 20, offset + i))
}

async function time(fn: () => Promise<void>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

/** `writers` loops writing concurrently, as a pipeline's match lanes do. */
async function throughput(
  label: string,
  total: number,
  batch: number,
  write: (b: MatchEvent[]) => Promise<void>,
  writers = 1,
) {
  let offset = 0
  const ms = await time(async () => {
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (offset < total) {
          const from = offset
          offset += batch
          await write(events(batch, from))
        }
      }),
    )
  })
  return { method: label, writers, events: total, batch, eventsPerSecond: Math.round(total / (ms / 1000)) }
}

async function latency(write: (b: MatchEvent[]) => Promise<void>, rounds: number) {
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) samples.push(await time(() => write(events(100, 10_000_000 + i * 100))))
  samples.sort((a, b) => a - b)
  return { p50ms: samples[Math.floor(rounds / 2)]!, p99ms: samples[Math.floor(rounds * 0.99)]! }
}

export async function run() {
  const pool = new pg.Pool({ connectionString: URL_, max: 4 })
  pool.on('error', () => {})
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    const table = (name: string) => ({ schema: SCHEMA, table: name })
    for (const name of ['sink', 'unnest', 'values', 'copy']) await migrate(pool, table(name))
    const sink = postgresSink({ client: pool, ...table('sink') })

    // UNNEST: one array parameter per column (the sink's statement before it took one JSON array).
    const types =
      'text text text text float8 int8 bool text text int2 float8 int4 int4 int4 text text float8 float8 float8 float8 timestamptz jsonb'
    const unnestSql = `INSERT INTO ${SCHEMA}.unnest AS t (${COLUMN_NAMES})
      SELECT * FROM unnest(${types
        .split(' ')
        .map((type, i) => `$${i + 1}::${type}[]`)
        .join(', ')})
      ON CONFLICT (id) DO UPDATE SET event = EXCLUDED.event, version = EXCLUDED.version WHERE EXCLUDED.version > t.version`
    const unnestWrite = async (batch: MatchEvent[]) => {
      await pool.query(unnestSql, toColumns(batch))
    }

    // Multi-row VALUES: 22 parameters a row, so at most 2,978 rows a statement.
    const columns = 22
    const valuesWrite = async (batch: MatchEvent[]) => {
      const cols = toColumns(batch)
      const rows = batch.map(
        (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`,
      )
      const params = batch.flatMap((_, r) => cols.map((col) => col[r]))
      await pool.query(
        `INSERT INTO ${SCHEMA}.values SELECT * FROM (VALUES ${rows.join(', ')}) v ON CONFLICT (id) DO NOTHING`
          .replace(
            'SELECT * FROM (VALUES',
            `(${COLUMN_NAMES}) SELECT id, provider, provider_event_id, match_id, seq::float8, version::int8, deleted::bool, type, result, period::int2, period_time::float8, minute::int4, second::int4, added_time::int4, team_id, player_id, x::float8, y::float8, end_x::float8, end_y::float8, provider_timestamp::timestamptz, event::jsonb FROM (VALUES`,
          )
          .replace(') v ON', `) v(${COLUMN_NAMES}) ON`),
        params,
      )
    }
    // COPY into a staging table, then one upsert: the bulk-load path.
    const copyWrite = async (batch: MatchEvent[]) => {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        await client.query(
          `CREATE TEMP TABLE IF NOT EXISTS staging (LIKE ${SCHEMA}.copy INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
        )
        const cols = toColumns(batch)
        const esc = (v: unknown) =>
          v === null || v === undefined
            ? '\\N'
            : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n')
        const lines = batch.map((_, r) => `${cols.map((col) => esc(col[r])).join('\t')}\n`)
        await streamPipeline(
          Readable.from(lines),
          client.query(copyFrom(`COPY staging (${COLUMN_NAMES}) FROM STDIN`)),
        )
        await client.query(`INSERT INTO ${SCHEMA}.copy SELECT * FROM staging ON CONFLICT (id) DO NOTHING`)
        await client.query('COMMIT')
      } finally {
        client.release()
      }
    }

    const total = Number(process.env.BENCH_PG_EVENTS ?? 200_000)
    await throughput('warm-up', 20_000, 1_000, (b) => sink.write(b))
    const results = [
      await throughput('JSON array (the sink)', total, 1_000, (b) => sink.write(b)),
      await throughput('JSON array (the sink)', total, 1_000, (b) => sink.write(b), 4),
      await throughput('UNNEST, 22 arrays', total, 1_000, unnestWrite),
      await throughput('UNNEST, 22 arrays', total, 1_000, unnestWrite, 4),
      await throughput('multi-row VALUES', total, 1_000, valuesWrite),
      await throughput('COPY + upsert', total, 1_000, copyWrite),
    ]
    const pgLatency = await latency((b) => sink.write(b), 300)

    const lite = new PGlite()
    await migrate(lite as unknown as Queryable)
    const liteSink = postgresSink({ client: lite as unknown as Queryable })
    const liteResult = await throughput(
      'PGlite, JSON array (the sink)',
      Math.min(total, 50_000),
      1_000,
      (b) => liteSink.write(b),
    )
    const liteLatency = await latency((b) => liteSink.write(b), 200)
    await lite.close()

    console.log(`Postgres (${URL_.replace(/\/\/[^@]*@/, '//')}), batches of 1,000:`)
    console.table([...results, liteResult])
    console.log(
      `batch of 100: server p50 ${pgLatency.p50ms.toFixed(2)} ms, p99 ${pgLatency.p99ms.toFixed(2)} ms; PGlite p50 ${liteLatency.p50ms.toFixed(2)} ms, p99 ${liteLatency.p99ms.toFixed(2)} ms`,
    )
    return { results: [...results, liteResult], latency: { server: pgLatency, pglite: liteLatency } }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => {})
    await pool.end()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  console.log(JSON.stringify({ bench: 'postgres', ...(await run()) }))
}
