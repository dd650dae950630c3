import type { MatchEvent } from '../../event/schema.js'
import { postgresError, type Queryable } from './db.js'
import { type TableOptions, tableNames } from './migrate.js'

/** A match's stored events after `afterSeq`, in `seq` order: for back-fills and gap-fills. */
export async function readEvents(
  client: Queryable,
  query: TableOptions & { matchId: string; afterSeq?: number; limit?: number },
): Promise<MatchEvent[]> {
  const t = tableNames(query)
  try {
    const { rows } = await client.query(
      `SELECT event FROM ${t.events} WHERE match_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [query.matchId, query.afterSeq ?? -1, query.limit ?? 10_000],
    )
    return rows.map((r) => (typeof r.event === 'string' ? JSON.parse(r.event) : r.event) as MatchEvent)
  } catch (error) {
    throw postgresError('readEvents', error)
  }
}
