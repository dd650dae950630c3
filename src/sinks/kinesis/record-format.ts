import { MatchfeedError } from '../../errors.js'
import { eventJson } from '../../event/json.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvent, validateMatchEvents } from '../../event/validate.js'
import { KinesisError } from './kinesis-error.js'

/** Kinesis' record size limit (data + partition key), unless the stream was raised with UpdateMaxRecordSize. */
export const MAX_RECORD_BYTES = 1024 * 1024

/**
 * `match-batch` (default): one record per write of a match, `{ v: 1, matchId, events }`, split in chunks when
 * over the record size. `event`: one MatchEvent per record (JSON) — readable by any Kinesis tool, but a
 * match then moves one record per PutRecords round trip (docs/sinks/kinesis.md, "ordering").
 */
export type KinesisRecordFormat = 'match-batch' | 'event'

/** The record of the default format. */
export interface MatchBatchRecord {
  v: 1
  matchId: string
  events: MatchEvent[]
}

const utf8 = new TextEncoder()

/**
 * The records of one write of one match, in order, each within `maxBytes` with its partition key. An event
 * that alone exceeds it is a permanent KinesisError (`record_too_large`): no retry can make it fit.
 */
export function encodeRecords(
  matchId: string,
  events: readonly MatchEvent[],
  options: { format: KinesisRecordFormat; maxBytes: number; partitionKeyBytes: number; sink: string },
): Uint8Array[] {
  const budget = options.maxBytes - options.partitionKeyBytes
  const jsons = events.map(eventJson) // the text every sink shares
  const tooLarge = (json: string, bytes: number) =>
    new KinesisError({
      sink: options.sink,
      code: 'kinesis_error',
      message: `kinesis: event ${JSON.stringify(events[jsons.indexOf(json)]?.id)} is ${bytes} bytes as a record, over the ${options.maxBytes}-byte limit (option maxRecordBytes)`,
      retryable: false,
      backendCode: 'record_too_large',
    })
  if (options.format === 'event') {
    return jsons.map((json) => {
      const bytes = utf8.encode(json)
      if (bytes.byteLength > budget) throw tooLarge(json, bytes.byteLength)
      return bytes
    })
  }
  const head = `{"v":1,"matchId":${JSON.stringify(matchId)},"events":[`
  const overhead = Buffer.byteLength(head) + 2 // `]}`
  const records: Uint8Array[] = []
  let chunk: string[] = []
  let size = overhead
  for (const json of jsons) {
    const bytes = Buffer.byteLength(json)
    if (overhead + bytes > budget) throw tooLarge(json, overhead + bytes)
    const added = bytes + (chunk.length > 0 ? 1 : 0)
    if (size + added > budget) {
      records.push(utf8.encode(`${head}${chunk.join(',')}]}`))
      chunk = []
      size = overhead
    }
    size += bytes + (chunk.length > 0 ? 1 : 0)
    chunk.push(json)
  }
  if (chunk.length > 0) records.push(utf8.encode(`${head}${chunk.join(',')}]}`))
  return records
}

const utf8Decoder = new TextDecoder()

/**
 * The events of one record, in either format, validated. A record that is not one of ours throws a
 * MatchfeedError `invalid_record` (the consumer dead-letters it).
 */
export function decodeRecord(data: Uint8Array): MatchEvent[] {
  let value: unknown
  try {
    value = JSON.parse(utf8Decoder.decode(data))
  } catch (error) {
    throw new MatchfeedError(`kinesis record is not JSON: ${(error as Error).message}`, {
      code: 'invalid_record',
      cause: error,
    })
  }
  const batch = value as Partial<MatchBatchRecord> | null
  if (batch !== null && typeof batch === 'object' && 'events' in batch && 'v' in batch) {
    if (batch.v !== 1 || !Array.isArray(batch.events)) {
      throw new MatchfeedError(`kinesis record has an unknown format (v ${String(batch.v)})`, {
        code: 'invalid_record',
      })
    }
    return validateMatchEvents(batch.events)
  }
  return [validateMatchEvent(value)]
}
