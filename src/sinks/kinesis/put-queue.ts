import { MatchfeedError } from '../../errors.js'
import { awsErrorName, isRetryableAwsError, KinesisError, kinesisError } from './kinesis-error.js'

/** PutRecords limits: records and bytes (data + partition keys) per call. */
export const MAX_RECORDS_PER_CALL = 500
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024

interface PutEntry {
  Data: Uint8Array
  PartitionKey: string
}
interface PutResultEntry {
  SequenceNumber?: string
  ShardId?: string
  ErrorCode?: string
  ErrorMessage?: string
}
/** One PutRecords call: the entries in, the result entries out (in the same order), or a thrown error. */
export type PutRecords = (entries: PutEntry[]) => Promise<{ Records?: PutResultEntry[] }>

export interface PutRetry {
  /** Attempts per record, the SDK's own included. Default 5. */
  attempts: number
  minDelayMs: number
  maxDelayMs: number
}

interface Write {
  remaining: number
  settled: boolean
  resolve(): void
  reject(error: unknown): void
}

interface QueuedRecord {
  entry: PutEntry
  bytes: number
  attempts: number
  write: Write
}

export interface PutQueueCounters {
  calls: number
  recordsPut: number
  /** Record attempts that failed (a failed entry, or every entry of a failed call) and were tried again. */
  retried: number
}

/**
 * Sends records with PutRecords so that a partition key never has two records in flight: a key's records
 * wait in its lane, and only the head of each lane goes into a call — so a failed entry, retried alone,
 * still lands before the next record of its key. Heads of different keys share calls (≤ 500 records,
 * ≤ 5 MiB), up to `maxCalls` calls at once. Only failed entries are retried, with jittered backoff; a record
 * out of attempts (or failing permanently) rejects its write and drops the write's remaining records.
 */
export class PutQueue {
  readonly counters: PutQueueCounters = { calls: 0, recordsPut: 0, retried: 0 }
  private readonly lanes = new Map<string, QueuedRecord[]>()
  /** Keys whose head may be sent now (not in flight, not waiting for a retry), in arrival order. */
  private readonly ready = new Set<string>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private calls = 0
  private scheduled = false

  constructor(
    private readonly put: PutRecords,
    private readonly options: { sink: string; retry: PutRetry; maxCalls: number },
  ) {}

  /** Queues the records of one write (all of one key, in order); resolves when every one is stored. */
  add(partitionKey: string, records: Uint8Array[]): Promise<void> {
    if (records.length === 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const write: Write = { remaining: records.length, settled: false, resolve, reject }
      const keyBytes = Buffer.byteLength(partitionKey)
      let lane = this.lanes.get(partitionKey)
      const idle = lane === undefined
      if (!lane) {
        lane = []
        this.lanes.set(partitionKey, lane)
      }
      for (const data of records) {
        lane.push({
          entry: { Data: data, PartitionKey: partitionKey },
          bytes: data.byteLength + keyBytes,
          attempts: 0,
          write,
        })
      }
      if (idle) this.markReady(partitionKey)
    })
  }

  private markReady(key: string): void {
    this.ready.add(key)
    // Sent on the next turn of the event loop: writes of other matches made meanwhile share the call.
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => {
        this.scheduled = false
        this.pump()
      })
    }
  }

  private pump(): void {
    while (this.calls < this.options.maxCalls && this.ready.size > 0) {
      const taken: QueuedRecord[] = []
      let bytes = 0
      for (const key of this.ready) {
        const head = this.lanes.get(key)?.[0]
        if (!head) {
          this.ready.delete(key)
          continue
        }
        if (taken.length === MAX_RECORDS_PER_CALL || bytes + head.bytes > MAX_BYTES_PER_CALL) break
        this.ready.delete(key)
        taken.push(head)
        bytes += head.bytes
      }
      if (taken.length === 0) return
      this.calls++
      this.counters.calls++
      void this.send(taken).finally(() => {
        this.calls--
        this.pump()
      })
    }
  }

  private async send(records: QueuedRecord[]): Promise<void> {
    let results: PutResultEntry[] | undefined
    let failure: unknown
    try {
      results = (await this.put(records.map((r) => r.entry))).Records
    } catch (error) {
      failure = error
    }
    for (const [i, record] of records.entries()) {
      const result = results?.[i]
      if (failure === undefined && result !== undefined && !result.ErrorCode) this.stored(record)
      else this.failed(record, failure ?? result)
    }
  }

  private stored(record: QueuedRecord): void {
    this.counters.recordsPut++
    const key = record.entry.PartitionKey
    this.lanes.get(key)?.shift()
    record.write.remaining--
    if (record.write.remaining === 0 && !record.write.settled) {
      record.write.settled = true
      record.write.resolve()
    }
    this.next(key)
  }

  /** A failed call (`cause` an Error) or a failed entry (`cause` its result entry, or undefined if missing). */
  private failed(record: QueuedRecord, cause: unknown): void {
    const isEntry = !(cause instanceof Error)
    const entry = cause as PutResultEntry | undefined
    const name = isEntry ? (entry?.ErrorCode ?? 'InternalFailure') : awsErrorName(cause)
    // The SDK's own attempts count too (a client with retries on retries throttling itself).
    const sdkAttempts = isEntry
      ? 1
      : ((cause as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1)
    record.attempts += Math.max(1, sdkAttempts)
    const { retry, sink } = this.options
    const retryable = MatchfeedError.isInstance(cause) ? cause.retryable : isRetryableAwsError(name, cause)
    if (retryable && record.attempts < retry.attempts) {
      this.counters.retried++
      const ceiling = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** (record.attempts - 1))
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        this.markReady(record.entry.PartitionKey)
      }, Math.random() * ceiling)
      this.timers.add(timer)
      return
    }
    const error = isEntry
      ? new KinesisError({
          sink,
          code: 'kinesis_error',
          message: `kinesis: PutRecords entry failed after ${record.attempts} attempts (${name}): ${entry?.ErrorMessage ?? 'no result entry'}`,
          retryable,
          backendCode: name,
        })
      : kinesisError(`PutRecords (after ${record.attempts} attempts)`, cause, sink)
    this.drop(record, error)
  }

  /** Rejects a record's write and removes the write's records still queued (they are at the lane's head). */
  private drop(record: QueuedRecord, error: unknown): void {
    const key = record.entry.PartitionKey
    const lane = this.lanes.get(key) ?? []
    while (lane[0]?.write === record.write) lane.shift()
    if (!record.write.settled) {
      record.write.settled = true
      record.write.reject(
        MatchfeedError.isInstance(error) ? error : kinesisError('PutRecords', error, this.options.sink),
      )
    }
    this.next(key)
  }

  private next(key: string): void {
    const lane = this.lanes.get(key)
    if (lane && lane.length > 0) this.markReady(key)
    else this.lanes.delete(key)
  }

  /** Stops the retry timers (after close, once nothing is left to wait for). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }
}
