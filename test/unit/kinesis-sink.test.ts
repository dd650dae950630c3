import * as sdk from '@aws-sdk/client-kinesis'
import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { decodeRecord, KinesisError, kinesisSink } from '../../src/sinks/kinesis/index.js'
import { kinesisError } from '../../src/sinks/kinesis/kinesis-error.js'
import { makeEvent } from '../helpers/events.js'

interface Call {
  keys: string[]
  sizes: number[]
}

/** A client that answers PutRecords with `answer(call number, entries)`, recording every call. */
function fakeClient(answer: (n: number, keys: string[]) => unknown = () => undefined) {
  const calls: Call[] = []
  const inFlight = new Map<string, number>()
  let overlap = 0
  const client = {
    async send(command: { input: { Records: { PartitionKey: string; Data: Uint8Array }[] } }) {
      const keys = command.input.Records.map((r) => r.PartitionKey)
      calls.push({ keys, sizes: command.input.Records.map((r) => r.Data.byteLength) })
      for (const k of keys) {
        inFlight.set(k, (inFlight.get(k) ?? 0) + 1)
        if (inFlight.get(k)! > 1) overlap++
      }
      await new Promise((resolve) => setTimeout(resolve, 1))
      for (const k of keys) inFlight.set(k, inFlight.get(k)! - 1)
      const reply = answer(calls.length, keys)
      if (reply instanceof Error) throw reply
      return reply ?? { Records: keys.map(() => ({ SequenceNumber: '1', ShardId: 'shardId-0' })) }
    },
  }
  return {
    client,
    calls,
    get overlap() {
      return overlap
    },
  }
}

const ev = (matchId: string, n: number, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ matchId, providerEventId: `e${n}`, seq: n, ...extra })
const base = { streamName: 's', sdk, retry: { minDelayMs: 1, maxDelayMs: 2 } }
const awsError = (name: string, attempts = 1) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: 400, attempts } })

describe('kinesisSink options', () => {
  it.each([
    [{ client: {} as never }, /option streamName: pass either/],
    [{ streamName: 's' }, /option client: pass either `client` or `clientOptions`/],
    [{ streamName: 's', client: { send: async () => ({}) }, format: 'ndjson' as never }, /option format/],
    [{ streamName: 's', client: { send: async () => ({}) }, maxRecordBytes: 10 }, /option maxRecordBytes/],
    [
      { streamName: 's', client: { send: async () => ({}) }, retry: { attempts: 0 } },
      /option retry.attempts/,
    ],
  ])('refuses bad options by name (%#)', (options, message) => {
    expect(() => kinesisSink(options)).toThrow(message)
  })

  it('refuses a partition key over 256 characters', async () => {
    const sink = kinesisSink({ ...base, client: fakeClient().client, partitionKey: () => 'k'.repeat(257) })
    await expect(sink.write([ev('m', 1)])).rejects.toMatchObject({ code: 'invalid_option' })
  })
})

describe('kinesisSink batching and ordering', () => {
  it('puts different matches in one call and never two records of a match in flight', async () => {
    const fake = fakeClient()
    const sink = kinesisSink({ ...base, client: fake.client, maxRecordBytes: 2048 })
    const events = Array.from({ length: 60 }, (_, n) => ev(`m${n % 3}`, n))
    await Promise.all([sink.write(events.slice(0, 30)), sink.write(events.slice(30))])
    expect(fake.calls[0]!.keys.sort()).toEqual(['m0', 'm1', 'm2'])
    for (const call of fake.calls) expect(new Set(call.keys).size).toBe(call.keys.length)
    expect(fake.overlap).toBe(0)
    expect(sink.counters().recordsPut).toBeGreaterThan(6) // chunks: 2 KiB records
    for (const size of fake.calls.flatMap((c) => c.sizes)) expect(size).toBeLessThanOrEqual(2048)
  })

  it('retries only the failed entries', async () => {
    const fake = fakeClient((n, keys) =>
      n === 1
        ? {
            FailedRecordCount: 1,
            Records: keys.map((_, i) =>
              i === 1 ? { ErrorCode: 'ProvisionedThroughputExceededException' } : { SequenceNumber: '1' },
            ),
          }
        : undefined,
    )
    const sink = kinesisSink({ ...base, client: fake.client })
    await sink.write([ev('a', 1), ev('b', 1), ev('c', 1)])
    expect(fake.calls.map((c) => c.keys)).toEqual([['a', 'b', 'c'], ['b']])
    expect(sink.counters()).toEqual({ calls: 2, recordsPut: 3, retried: 1 })
  })

  it('writes one record per event with format "event", one at a time per match', async () => {
    const fake = fakeClient()
    const sink = kinesisSink({ ...base, client: fake.client, format: 'event' })
    await sink.write([ev('a', 1), ev('a', 2), ev('b', 1)])
    expect(fake.calls.map((c) => c.keys)).toEqual([['a', 'b'], ['a']])
  })
})

describe('kinesisSink errors', () => {
  it('does not retry a permanent error, and names the sink and the AWS code', async () => {
    const fake = fakeClient(() => awsError('ValidationException'))
    const sink = kinesisSink({ ...base, client: fake.client, name: 'k1' })
    await expect(sink.write([ev('a', 1)])).rejects.toMatchObject({
      sink: 'k1',
      code: 'kinesis_error',
      retryable: false,
      backendCode: 'ValidationException',
    })
    expect(fake.calls).toHaveLength(1)
  })

  it('gives up retryable after its attempts, counting the SDK’s own', async () => {
    const fake = fakeClient(() => awsError('ProvisionedThroughputExceededException', 3))
    const sink = kinesisSink({ ...base, client: fake.client, retry: { attempts: 5, minDelayMs: 1 } })
    const error = await sink.write([ev('a', 1)]).catch((e: unknown) => e)
    expect(KinesisError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, backendCode: 'ProvisionedThroughputExceededException' })
    expect(fake.calls).toHaveLength(2) // 3 + 3 SDK attempts ≥ 5
  })

  it('refuses an event too large for a record before sending anything', async () => {
    const fake = fakeClient()
    const sink = kinesisSink({ ...base, client: fake.client, maxRecordBytes: 1024 })
    const big = ev('a', 1, { raw: { blob: 'x'.repeat(2000) } })
    await expect(sink.write([ev('b', 1), big])).rejects.toMatchObject({
      retryable: false,
      backendCode: 'record_too_large',
    })
    expect(fake.calls).toHaveLength(0)
  })

  it('refuses writes after close()', async () => {
    const sink = kinesisSink({ ...base, client: fakeClient().client })
    await sink.close()
    await expect(sink.write([ev('a', 1)])).rejects.toMatchObject({ code: 'sink_closed' })
  })

  it.each([
    ['ProvisionedThroughputExceededException', true],
    ['InternalFailure', true],
    ['ServiceUnavailableException', true],
    ['TimeoutError', true],
    ['ValidationException', false],
    ['ResourceNotFoundException', false],
    ['AccessDeniedException', false],
    ['KMSAccessDeniedException', false],
  ])('classifies %s as retryable: %s', (name, retryable) => {
    expect(kinesisError('PutRecords', awsError(name))).toMatchObject({ retryable, backendCode: name })
  })

  it('classifies a reset socket as retryable by its code', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    expect(kinesisError('GetRecords', reset)).toMatchObject({ retryable: true, backendCode: 'ECONNRESET' })
  })
})

describe('decodeRecord', () => {
  const utf8 = new TextEncoder()
  it('reads both formats', () => {
    const a = ev('m', 1)
    const b = ev('m', 2)
    expect(decodeRecord(utf8.encode(JSON.stringify({ v: 1, matchId: 'm', events: [a, b] })))).toEqual([a, b])
    expect(decodeRecord(utf8.encode(JSON.stringify(a)))).toEqual([a])
  })
  it.each([
    ['not json', 'invalid_record'],
    ['{"v":2,"matchId":"m","events":[]}', 'invalid_record'],
    ['{"id":1}', 'invalid_event'],
  ])('refuses a record that is not ours: %s', (text, code) => {
    expect(() => decodeRecord(utf8.encode(text))).toThrow(expect.objectContaining({ code }))
  })
})
