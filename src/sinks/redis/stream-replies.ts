/** A stream entry as read: its id and its fields (docs/sinks/redis.md). */
export interface StreamEntry {
  id: string
  fields: Record<string, string>
}

/**
 * [key, value] pairs from whatever shape the client gives a map reply (XREADGROUP's streams): a RESP2 array
 * of pairs, a RESP3 map as a Map or an object (node-redis), or flattened as [k1, v1, k2, v2] (ioredis 6 over
 * RESP3, through `call`).
 */
export function toPairs(reply: unknown): [unknown, unknown][] {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) {
    if (reply.length === 0 || Array.isArray(reply[0])) {
      return reply.map((pair) => [(pair as unknown[])[0], (pair as unknown[])[1]])
    }
    const pairs: [unknown, unknown][] = []
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([reply[i], reply[i + 1]])
    return pairs
  }
  if (reply instanceof Map) return [...reply.entries()]
  if (typeof reply === 'object') return Object.entries(reply)
  return []
}

/** Stream entries from `[[id, [field, value, …]], …]` (fields as a flat array, a Map or an object). */
export function toEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return []
  const entries: StreamEntry[] = []
  for (const item of reply) {
    const [id, raw] = item as [unknown, unknown]
    const fields: Record<string, string> = {}
    if (Array.isArray(raw)) {
      for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1])
    } else {
      for (const [k, v] of toPairs(raw)) fields[String(k)] = String(v)
    }
    entries.push({ id: String(id), fields })
  }
  return entries
}

/** XAUTOCLAIM's reply: `[next cursor, claimed entries, ids deleted from the stream meanwhile]` (Redis 7+). */
export function autoclaimReply(reply: unknown): { cursor: string; entries: StreamEntry[]; trimmed: number } {
  const [cursor, entries, deleted] = reply as [unknown, unknown, unknown[] | undefined]
  return { cursor: String(cursor), entries: toEntries(entries), trimmed: deleted?.length ?? 0 }
}

/** The delivery count of each entry in XPENDING's extended replies (`[[id, consumer, idle ms, count], …]`). */
export function deliveryCounts(replies: readonly unknown[]): Map<string, number> {
  const deliveries = new Map<string, number>()
  for (const rows of replies as unknown[][][])
    for (const row of rows) deliveries.set(String(row[0]), Number(row[3]))
  return deliveries
}
