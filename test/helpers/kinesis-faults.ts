import {
  ExpiredIteratorException,
  type KinesisClient,
  ProvisionedThroughputExceededException,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis'

/**
 * Faults injected into one KinesisClient by an SDK middleware at the `initialize` step (before the SDK's
 * retries, so each call meets its fault once). kinesalite never fails part of a PutRecords nor throttles:
 * the failed entries are REMOVED from the forwarded call (so they really are not stored) and answered as
 * `ProvisionedThroughputExceededException` at their index, as Kinesis does.
 */
export interface KinesisFaults {
  /** Probability that one PutRecords entry fails. */
  failEntry: number
  /** Probability that a whole call (PutRecords or GetRecords) is throttled. */
  throttleCall: number
  /** Probability that a whole call dies with a connection reset (after the server stored nothing). */
  resetCall: number
  /** Probability that a GetRecords answers ExpiredIteratorException. */
  expireIterator: number
  /** Which commands the whole-call faults hit. Default both PutRecords and GetRecords. */
  commands: Set<string>
  readonly injected: { failedEntries: number; throttled: number; resets: number; expired: number }
}

export function injectKinesisFaults(client: KinesisClient, random: () => number): KinesisFaults {
  const faults: KinesisFaults = {
    failEntry: 0,
    throttleCall: 0,
    resetCall: 0,
    expireIterator: 0,
    commands: new Set(['PutRecordsCommand', 'GetRecordsCommand']),
    injected: { failedEntries: 0, throttled: 0, resets: 0, expired: 0 },
  }
  const meta = { $metadata: { httpStatusCode: 400, attempts: 1 } }
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? ''
      if (faults.commands.has(command)) {
        if (random() < faults.throttleCall) {
          faults.injected.throttled++
          throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded (injected)', ...meta })
        }
        if (random() < faults.resetCall) {
          faults.injected.resets++
          throw Object.assign(new Error('socket hang up (injected)'), { code: 'ECONNRESET' })
        }
      }
      if (command === 'GetRecordsCommand' && random() < faults.expireIterator) {
        faults.injected.expired++
        throw new ExpiredIteratorException({ message: 'Iterator expired (injected)', ...meta })
      }
      if (command !== 'PutRecordsCommand' || faults.failEntry === 0) return next(args)
      const input = args.input as { Records: PutRecordsRequestEntry[] }
      const failing = input.Records.map(() => random() < faults.failEntry)
      const kept = input.Records.filter((_, i) => !failing[i])
      faults.injected.failedEntries += input.Records.length - kept.length
      const forwarded =
        kept.length > 0
          ? ((await next({ ...args, input: { ...input, Records: kept } })) as {
              output: { Records?: PutRecordsResultEntry[]; FailedRecordCount?: number }
            })
          : { output: { Records: [] as PutRecordsResultEntry[], FailedRecordCount: 0, $metadata: {} } }
      const stored = [...(forwarded.output.Records ?? [])]
      const records: PutRecordsResultEntry[] = failing.map((failed) =>
        failed
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded (injected)' }
          : stored.shift()!,
      )
      const failed = records.filter((r) => r.ErrorCode).length
      // The middleware's output type is the union of every command's: this one is PutRecords'.
      return {
        ...forwarded,
        output: { ...forwarded.output, Records: records, FailedRecordCount: failed },
      } as unknown as Awaited<ReturnType<typeof next>>
    },
    { step: 'initialize', name: 'matchfeedTestFaults' },
  )
  return faults
}
