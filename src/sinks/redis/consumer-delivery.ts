import { MatchfeedError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvent } from '../../event/validate.js'
import type { ConsumerState } from './consumer-state.js'
import type { StreamEntry } from './stream-replies.js'

interface DecodedEntry {
  entry: StreamEntry
  event: MatchEvent
}

/**
 * Hands a stream's entries to the handler. First deliveries go together; redeliveries one at a time, so a
 * poison entry in a batch reaches `deadLetter` alone. `deliveries` is known for claimed entries only (read
 * from XPENDING); without it every entry is a first delivery.
 */
export async function deliver(
  c: ConsumerState,
  stream: string,
  entries: StreamEntry[],
  deliveries?: Map<string, number>,
): Promise<void> {
  const firsts: DecodedEntry[] = []
  for (const entry of entries) {
    const times = deliveries ? deliveries.get(entry.id) : 1
    if (times === undefined) continue // acknowledged or taken by another consumer since
    let event: MatchEvent
    try {
      event = eventOf(entry)
    } catch (error) {
      await giveUp(c, stream, entry, undefined, times, error) // never valid: no point retrying it
      continue
    }
    if (times > c.settings.maxDeliveries) {
      // Delivered that often without an acknowledgement: a consumer died on it each time.
      const error = new MatchfeedError(`delivered ${times} times without being acknowledged`, {
        code: 'max_deliveries',
      })
      await giveUp(c, stream, entry, event, times, error)
    } else if (deliveries) {
      await handle(c, stream, [{ entry, event }], times)
    } else {
      firsts.push({ entry, event })
    }
  }
  if (firsts.length > 0) await handle(c, stream, firsts, 1)
}

/** Hands entries to the handler; acknowledges them after it resolved. */
async function handle(c: ConsumerState, stream: string, entries: DecodedEntry[], deliveries: number) {
  const ids = entries.map((e) => e.entry.id)
  c.stats.delivered += entries.length
  try {
    await c.settings.options.handler(
      entries.map((e) => e.event),
      { stream, ids, deliveries },
    )
  } catch (error) {
    c.stats.handlerFailures++
    c.report(error)
    if (deliveries >= c.settings.maxDeliveries) {
      for (const { entry, event } of entries) await giveUp(c, stream, entry, event, deliveries, error)
    } else {
      c.held.add(stream) // retried after claimIdleMs, through XAUTOCLAIM; nothing newer meanwhile
    }
    return
  }
  try {
    await ack(c, stream, ids)
  } catch (error) {
    c.held.add(stream) // handled, not acknowledged: they come back after claimIdleMs, before anything newer
    throw error
  }
}

/** To `deadLetter`, then acknowledged; without the hook (or when it throws) the entry stays pending. */
async function giveUp(
  c: ConsumerState,
  stream: string,
  entry: StreamEntry,
  event: MatchEvent | undefined,
  deliveries: number,
  error: unknown,
) {
  const { deadLetter } = c.settings.options
  if (!deadLetter) {
    c.held.add(stream)
    c.report(
      new MatchfeedError(
        `redis consumer: entry ${entry.id} of ${stream} left pending (no deadLetter hook): ${String(error)}`,
        { code: 'dead_letter_unhandled', cause: error },
      ),
    )
    return
  }
  try {
    await deadLetter({ stream, id: entry.id, fields: entry.fields, event, deliveries, error })
  } catch (hookError) {
    c.held.add(stream)
    c.report(hookError)
    return
  }
  await ack(c, stream, [entry.id])
  c.stats.deadLettered++
}

async function ack(c: ConsumerState, stream: string, ids: string[]): Promise<void> {
  await c.send(['XACK', stream, c.settings.group, ...ids], 'XACK')
  c.stats.acknowledged += ids.length
}

/** The event an entry holds (its `event` field, as the streams sink writes it), validated. */
function eventOf(entry: StreamEntry): MatchEvent {
  const json = entry.fields.event
  if (json === undefined)
    throw new MatchfeedError('the entry has no "event" field', { code: 'invalid_entry' })
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw new MatchfeedError(`the "event" field is not JSON: ${(error as Error).message}`, {
      code: 'invalid_entry',
      cause: error,
    })
  }
  return validateMatchEvent(value)
}
