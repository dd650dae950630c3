import { compile, z } from 'zod'
import { MatchfeedError } from '../errors.js'
import { formatPath } from './bounds.js'
import { brokenEventRule, type MatchEvent, MatchEventShape } from './schema.js'

// Compiled once at module load: validating a whole batch is one generated function call. The shape alone:
// the rules across fields and the storage bounds the shape cannot say cheaply (the characters of every
// string, the year, raw) run after it in a plain loop (brokenEventRule), cheaper than a refinement.
const compiledBatch = compile(z.array(MatchEventShape))

// Batches matchfeed's own parsers built and checked, by identity: such a batch is checked once on its way
// to the sinks, not again at every stage. Arrays from elsewhere are checked every time (they may be refilled).
// The mark is a property under a symbol of this module: a WeakSet entry per batch cost the pipeline a fifth of
// its time at one event per batch (ephemerons for the collector to trace). A frozen array goes in the WeakSet.
const VALIDATED = Symbol('matchfeed.validated')
const validatedFrozen = new WeakSet<object>()

/** @internal For matchfeed's parsers: checks the batch they built and remembers it as checked. */
export function validatedBatch(events: unknown[]): MatchEvent[] {
  return markValidated(validateMatchEvents(events))
}

/** @internal For arrays matchfeed builds from events it already checked (the pipeline's per-match groups). */
export function markValidated<T extends object>(batch: T): T {
  if (Object.isExtensible(batch))
    Object.defineProperty(batch, VALIDATED, { value: true, enumerable: false, configurable: true })
  else validatedFrozen.add(batch)
  return batch
}

/** Whether this very array is a parser's output that was already checked. */
export function isValidated(events: unknown): boolean {
  if (typeof events !== 'object' || events === null) return false
  return (events as { [VALIDATED]?: boolean })[VALIDATED] === true || validatedFrozen.has(events)
}

/** A value that is not a valid MatchEvent v1: names the event's index, its provider, the field and why. */
export class InvalidMatchEventError extends MatchfeedError {
  readonly provider: string | undefined
  readonly index: number | undefined
  readonly field: string
  readonly reason: string

  constructor(args: {
    provider: string | undefined
    index: number | undefined
    field: string
    reason: string
  }) {
    const where = args.index === undefined ? '' : `events[${args.index}]`
    const field = [where, args.field].filter(Boolean).join('.')
    super(`${args.provider ?? 'matchfeed'}: invalid MatchEvent at ${field || '(event)'}: ${args.reason}`, {
      code: 'invalid_event',
    })
    this.provider = args.provider
    this.index = args.index
    this.field = args.field
    this.reason = args.reason
  }
}

/**
 * Checks a batch at a boundary (what a parser returns, what a sink receives) and returns it unchanged,
 * typed. Throws InvalidMatchEventError for the first problem found.
 */
export function validateMatchEvents(events: unknown): MatchEvent[] {
  if (isValidated(events)) return events as MatchEvent[]
  // The assert-only validator: checks without building an output copy (a third of the cost, and no garbage).
  if (z.validate(compiledBatch, events)) {
    const batch = events as MatchEvent[]
    for (let i = 0; i < batch.length; i++) {
      const broken = brokenEventRule(batch[i]!)
      if (broken) return throwInvalid(batch[i]!.provider, i, formatPath(broken.path), broken.message)
    }
    return batch
  }
  const result = compiledBatch.safeParse(events)
  if (result.success) return events as MatchEvent[] // unreachable unless the two disagree: trust the parse
  const issue = result.error.issues[0]!
  const [index, ...rest] = issue.path
  const indexed = typeof index === 'number'
  const event =
    indexed && Array.isArray(events) ? (events[index] as { provider?: unknown } | undefined) : undefined
  return throwInvalid(
    typeof event?.provider === 'string' ? event.provider : undefined,
    indexed ? index : undefined,
    (indexed ? rest : issue.path).map(String).join('.'),
    issue.message,
  )
}

/** Checks one event; see validateMatchEvents. */
export function validateMatchEvent(event: unknown): MatchEvent {
  return validateMatchEvents([event])[0]!
}

function throwInvalid(
  provider: string | undefined,
  index: number | undefined,
  field: string,
  reason: string,
): never {
  throw new InvalidMatchEventError({ provider, index, field, reason })
}
