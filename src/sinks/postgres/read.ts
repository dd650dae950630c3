import type { MatchEvent } from '../../event/schema.js'
import { postgresError, type Queryable } from './db.js'
import { type TableOptions, tableNames } from './migrate.js'

/**
 * A match's stored events (the latest version of each) in (`seq`, `id`) order: for back-fills and gap-fills.
 * Paged after the last one read: `afterSeq` alone skips every event at that seq; with `afterId`, only those
 * at `afterSeq` whose id is not after it — events may share a seq, and a page may end between them.
 */
export async function readEvents(
  client: Queryable,
  query: TableOptions & { matchId: string; afterSeq?: number; afterId?: string; limit?: number },
): Promise<MatchEvent[]> {
  const t = tableNames(query)
  try {
    // `seq >= $2` bounds the (match_id, seq) index scan; without an afterId, `id > NULL` admits no tie.
    const { rows } = await client.query(
      `SELECT event FROM ${t.events} WHERE match_id = $1 AND seq >= $2 AND (seq > $2 OR id > $3)
       ORDER BY seq, id LIMIT $4`,
      [query.matchId, query.afterSeq ?? -1, query.afterId ?? null, query.limit ?? 10_000],
    )
    return rows.map((r) => (typeof r.event === 'string' ? JSON.parse(r.event) : r.event) as MatchEvent)
  } catch (error) {
    throw postgresError('readEvents', error)
  }
}
