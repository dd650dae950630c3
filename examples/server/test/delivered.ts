// What the process-level tests (faults, Kinesis) check, in one place: a database of each test's own, the end
// state a run of deliveries must leave, and whether Postgres and the Redis streams hold exactly that.
import { setTimeout as sleep } from 'node:timers/promises'
import { isDeepStrictEqual } from 'node:util'
import pg from 'pg'
import { createClient } from 'redis'
import { expect } from 'vitest'
import { connectTestDatabase, DATABASE_URL } from '../../../test/helpers/postgres.js'
import { guideEvent } from './helpers.js'

/** Databases of a test file's own (the server uses the default table names), dropped by `dropAll`. */
export function testDatabases(prefix: string) {
  const run = `${process.pid}x${Math.random().toString(36).slice(2, 7)}`
  const names: string[] = []
  let admin: pg.Pool | undefined
  return {
    async create(): Promise<string> {
      admin ??= await connectTestDatabase()
      const name = `${prefix}_${run}_${names.length}`
      await admin.query(`CREATE DATABASE ${name}`)
      names.push(name)
      const url = new URL(DATABASE_URL)
      url.pathname = `/${name}`
      return url.toString()
    },
    async dropAll() {
      for (const name of names)
        await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
      await admin?.end()
    },
  }
}

/**
 * Per match: `count` events, every tenth corrected once (version 1), the matches interleaved as live feeds
 * are; and the highest version of each event id.
 */
export function deliveries(matchIds: string[], count: number) {
  const list: Record<string, unknown>[] = []
  for (let i = 0; i < count; i++)
    for (const matchId of matchIds) {
      list.push(guideEvent({ match_id: matchId, event_id: `e${i}`, seq: i, minute: i % 90, version: 0 }))
      if (i % 10 === 9)
        list.push(guideEvent({ match_id: matchId, event_id: `e${i - 9}`, seq: i - 9, minute: 1, version: 1 }))
    }
  const highest = new Map<string, number>()
  for (const d of list) highest.set(`custom:${d.match_id}:${d.event_id}`, d.version as number)
  return { list, highest }
}

/** One query on a test database, on a connection of its own (the server's pool is another process's). */
export async function queryOnce(url: string, text: string, values: unknown[] = []) {
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  try {
    return (await db.query(text, values)).rows
  } finally {
    await db.end()
  }
}

/** The stored events of these matches: id → version (one row per id: the primary key). */
export async function storedVersions(url: string, matchIds: string[]): Promise<Map<string, number>> {
  const rows = await queryOnce(url, 'SELECT id, version FROM match_events WHERE match_id = ANY($1)', [
    matchIds,
  ])
  return new Map(rows.map((r) => [r.id as string, Number(r.version)]))
}

export async function pendingOutboxRows(url: string): Promise<number> {
  const rows = await queryOnce(
    url,
    'SELECT count(*)::int AS n FROM match_events_outbox WHERE done_at IS NULL',
  )
  return rows[0].n as number
}

/** A match's Redis stream: the highest version of each id, and whether any id's version ever went down. */
export async function streamVersions(redisUrl: string, matchId: string) {
  const redis = createClient({ url: redisUrl })
  await redis.connect()
  try {
    const entries = await redis.xRange(`matchfeed:events:${matchId}`, '-', '+')
    const versions = new Map<string, number>()
    let wentDown = false
    for (const { message } of entries ?? []) {
      const version = Number(message.version)
      if ((versions.get(message.id!) ?? -1) > version) wentDown = true
      versions.set(message.id!, Math.max(versions.get(message.id!) ?? -1, version))
    }
    return { versions, wentDown }
  } finally {
    await redis.destroy()
  }
}

export async function deleteMatchKeys(redisUrl: string, matchIds: string[]) {
  const redis = createClient({ url: redisUrl })
  await redis.connect()
  for (const matchId of matchIds)
    for await (const keys of redis.scanIterator({ MATCH: `matchfeed:*${matchId}*` }))
      if (keys.length > 0) await redis.del(keys)
  await redis.destroy()
}

/**
 * Every acknowledged event in Postgres once at its highest version, and in its match's Redis stream, never
 * going down a version there: waits (60 s at most) until the outbox is drained and Postgres holds `highest`.
 */
export async function expectDeliveredOnce(
  url: string,
  redisUrl: string,
  matchIds: string[],
  highest: Map<string, number>,
) {
  const deadline = Date.now() + 60_000
  let stored = new Map<string, number>()
  for (;;) {
    stored = await storedVersions(url, matchIds)
    if ((await pendingOutboxRows(url)) === 0 && isDeepStrictEqual(stored, highest)) break
    if (Date.now() > deadline) {
      expect(stored).toEqual(highest) // fails with the difference
      throw new Error('the outbox was not drained within 60 s')
    }
    await sleep(200)
  }
  for (const matchId of matchIds) {
    const { versions, wentDown } = await streamVersions(redisUrl, matchId)
    expect(versions).toEqual(new Map([...highest].filter(([id]) => id.startsWith(`custom:${matchId}:`))))
    expect(wentDown).toBe(false)
  }
}
