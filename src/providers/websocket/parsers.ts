import { ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { InvalidMatchEventError, validatedBatch } from '../../event/validate.js'
import type { CustomParseOptions } from '../custom/custom-options.js'
import { parseCustomEvents } from '../custom/parse-custom.js'

/** Frames in the integration guide's webhook format (one event or an array): the `custom` provider. */
export function customFrames(options?: CustomParseOptions): (frame: string) => MatchEvent[] {
  return (frame) => parseCustomEvents(frame, options)
}

/**
 * Frames that already carry MatchEvents, as a JSON array, one JSON object, or NDJSON (one per line) —
 * e.g. a matchfeed server fanning out to another. Validated; a bad frame throws (and is dead-lettered).
 */
export function matchEventFrames(frame: string): MatchEvent[] {
  const text = frame.trim()
  if (text === '') return []
  let values: unknown[]
  try {
    values = text.startsWith('[')
      ? (JSON.parse(text) as unknown[])
      : text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l))
  } catch (error) {
    throw new ProviderPayloadError(
      'websocket',
      '(frame)',
      `not JSON, a JSON array or NDJSON (${(error as Error).message})`,
    )
  }
  try {
    return validatedBatch(values)
  } catch (error) {
    if (!(error instanceof InvalidMatchEventError)) throw error
    throw new ProviderPayloadError('websocket', `[${error.index}].${error.field}`, error.reason, {
      cause: error,
    })
  }
}
