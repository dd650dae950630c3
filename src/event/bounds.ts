import { ProviderPayloadError } from '../errors.js'
import {
  EVENT_ID_MAX_LENGTH,
  INT4_MAX,
  MATCH_ID_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PROVIDER_EVENT_ID_MAX_LENGTH,
  PROVIDER_NAME_MAX_LENGTH,
  PROVIDER_TYPE_MAX_LENGTH,
  RAW_MAX_DEPTH,
  RAW_MAX_JSON_LENGTH,
  REF_ID_MAX_LENGTH,
  TIMESTAMP_MAX_LENGTH,
} from './limits.js'

/** What a provider name is made of: lower-case letters, digits, ".", "_", "-" (never ":", the id separator). */
export const PROVIDER_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/

export const NUL_REASON = 'contains a NUL character (\\u0000), which Postgres cannot store'
const LONE_SURROGATE_REASON =
  'contains a lone surrogate (not well-formed UTF-16, not Unicode text), which Postgres cannot store'
const YEAR_ZERO_REASON = 'is in year 0000: years run from 0001 to 9999 (Postgres has no year 0)'

/** A problem found: the path of the field (keys and indexes) and the reason. */
export interface StorableProblem {
  path: (string | number)[]
  message: string
}

export const tooLong = (max: number) => `is longer than ${max} characters`
export const tooLarge = (max: number) => `is larger than ${max}, the largest integer Postgres stores (int4)`

// ES2024 (Node 20+); the project's lib is ES2023.
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()

/**
 * Why a string cannot be stored (too long, a NUL, a lone surrogate), or undefined. Measured cheapest on short
 * strings: indexOf is a memchr, and isWellFormed answers a one-byte (Latin-1) string without reading it; one
 * regex for both scans three times slower.
 */
export function textProblem(text: string, max: number): string | undefined {
  if (text.length > max) return tooLong(max)
  if (text.indexOf('\0') !== -1) return NUL_REASON
  return isWellFormed(text) ? undefined : LONE_SURROGATE_REASON
}

/** Why a `timestamp` cannot be stored (year 0000, too long), or undefined; its format is the schema's. */
function timestampProblem(timestamp: string): string | undefined {
  if (timestamp.length > TIMESTAMP_MAX_LENGTH) return tooLong(TIMESTAMP_MAX_LENGTH)
  if (timestamp.startsWith('0000')) return YEAR_ZERO_REASON
  // A parser's toISOString() of a year past 9999 (or before 0) starts with + or -.
  const first = timestamp.charCodeAt(0)
  return first < 48 || first > 57 ? 'is not in years 0001 to 9999' : undefined
}

/** The fields of an event storableProblem reads: a MatchEvent, or what a parser built as one. */
export interface StorableEvent {
  id: string
  provider: string
  providerEventId: string
  matchId: string
  providerMatchId?: string | undefined
  providerType: string
  minute: number
  addedTime?: number | undefined
  timestamp?: string | undefined
  team?: StorableRef | undefined
  player?: StorableRef | undefined
  relatedPlayer?: StorableRef | undefined
  raw?: unknown
}

type StorableRef = { id: string; name?: string | undefined; providerId?: string | undefined }

// The last string found fine, per field: a batch is mostly one match and its teams, so many strings equal the
// previous event's and are not scanned again (strings are immutable: a string once fine stays fine).
const fine: string[] = new Array<string>(9).fill('')

/** Why `text` (the field in `slot`) cannot be stored, or undefined; remembers it when fine. */
function slotProblem(text: string, slot: number, max: number): string | undefined {
  if (text === fine[slot]) return undefined
  const problem = textProblem(text, max)
  if (problem === undefined) fine[slot] = text
  return problem
}

/** The strings of a team or player ref, in slots `slot` (id) and `slot + 1` (name). */
function refProblem(ref: StorableRef, field: string, slot: number): StorableProblem | undefined {
  const id = slotProblem(ref.id, slot, REF_ID_MAX_LENGTH)
  if (id !== undefined) return { path: [field, 'id'], message: id }
  const name = ref.name === undefined ? undefined : slotProblem(ref.name, slot + 1, NAME_MAX_LENGTH)
  if (name !== undefined) return { path: [field, 'name'], message: name }
  // Only on mapped events (an id mapping sets it): not worth a slot.
  const providerId = ref.providerId === undefined ? undefined : textProblem(ref.providerId, REF_ID_MAX_LENGTH)
  return providerId === undefined ? undefined : { path: [field, 'providerId'], message: providerId }
}

/**
 * The first bound an event breaks, or undefined: every string (NUL, lone surrogates, length), the int4 clock
 * fields, the timestamp's year, and `raw` (JSON values only, depth, size). The characters of `id` are those
 * of its parts (the schema checks that it is composed of them); its length is checked here.
 */
export function storableProblem(event: StorableEvent): StorableProblem | undefined {
  let problem = slotProblem(event.provider, 0, PROVIDER_NAME_MAX_LENGTH)
  if (problem !== undefined) return { path: ['provider'], message: problem }
  problem = slotProblem(event.matchId, 1, MATCH_ID_MAX_LENGTH)
  if (problem !== undefined) return { path: ['matchId'], message: problem }
  if (event.providerMatchId !== undefined) {
    problem = textProblem(event.providerMatchId, MATCH_ID_MAX_LENGTH)
    if (problem !== undefined) return { path: ['providerMatchId'], message: problem }
  }
  problem = textProblem(event.providerEventId, PROVIDER_EVENT_ID_MAX_LENGTH)
  if (problem !== undefined) return { path: ['providerEventId'], message: problem }
  if (event.id.length > EVENT_ID_MAX_LENGTH) return { path: ['id'], message: tooLong(EVENT_ID_MAX_LENGTH) }
  problem = slotProblem(event.providerType, 2, PROVIDER_TYPE_MAX_LENGTH)
  if (problem !== undefined) return { path: ['providerType'], message: problem }
  // `second` is 0–59 by the schema; `period` 1–5.
  if (event.minute > INT4_MAX) return { path: ['minute'], message: tooLarge(INT4_MAX) }
  if (event.addedTime !== undefined && event.addedTime > INT4_MAX) {
    return { path: ['addedTime'], message: tooLarge(INT4_MAX) }
  }
  if (event.timestamp !== undefined) {
    problem = timestampProblem(event.timestamp)
    if (problem !== undefined) return { path: ['timestamp'], message: problem }
  }
  const { team, player, relatedPlayer } = event
  const ref =
    (team === undefined ? undefined : refProblem(team, 'team', 3)) ??
    (player === undefined ? undefined : refProblem(player, 'player', 5)) ??
    (relatedPlayer === undefined ? undefined : refProblem(relatedPlayer, 'relatedPlayer', 7))
  if (ref !== undefined) return ref
  return event.raw === undefined ? undefined : rawProblem(event.raw, ['raw'])
}

/**
 * Why `raw` would not survive JSON and the sinks, or undefined. `raw` holds JSON values only — null, booleans,
 * finite numbers, strings, arrays and plain objects (a property set to undefined counts as absent, as in
 * JSON; -0 reads back as 0) — nested at most RAW_MAX_DEPTH deep, and at most RAW_MAX_JSON_LENGTH long as
 * JSON. The walk is bounded by the depth (a cycle is too deep), and stops at the first problem.
 */
export function rawProblem(raw: unknown, path: (string | number)[] = []): StorableProblem | undefined {
  const size = { low: 0, high: 0 }
  const found = walk(raw, 0, size)
  if (found?.message === rawTooLarge) return { path, message: rawTooLarge } // about raw as a whole
  if (found !== undefined) return { path: [...path, ...found.path], message: found.message }
  // The exact length is needed only between the two bounds: rarely, and then the depth is known to be safe.
  if (size.high > RAW_MAX_JSON_LENGTH && JSON.stringify(raw).length > RAW_MAX_JSON_LENGTH) {
    return { path, message: rawTooLarge }
  }
  return undefined
}

const rawTooLarge = `is larger than ${RAW_MAX_JSON_LENGTH} characters as JSON`
// The longest JSON text of a finite double: -2.2250738585072014e-308.
const NUMBER_MAX_JSON_LENGTH = 24

/**
 * One value at `depth`: a problem with its path relative to the value, or undefined. `size` gathers a lower
 * and an upper bound of the value's JSON length (a character is 1 to 6 as JSON: `\u001f`).
 */
function walk(
  value: unknown,
  depth: number,
  size: { low: number; high: number },
): StorableProblem | undefined {
  switch (typeof value) {
    case 'string': {
      const problem = textProblem(value, Number.POSITIVE_INFINITY)
      if (problem !== undefined) return { path: [], message: problem }
      size.low += value.length + 2
      size.high += value.length * 6 + 2
      break
    }
    case 'number':
      if (!Number.isFinite(value)) return { path: [], message: `is ${value}: JSON has no NaN or Infinity` }
      size.low += 1
      size.high += NUMBER_MAX_JSON_LENGTH
      break
    case 'boolean':
      size.low += 4
      size.high += 5
      break
    case 'object': {
      if (value === null) {
        size.low += 4
        size.high += 4
        break
      }
      if (depth >= RAW_MAX_DEPTH)
        return { path: [], message: `is nested deeper than ${RAW_MAX_DEPTH} levels` }
      if (Array.isArray(value)) {
        size.low += value.length + 1 // brackets and commas: n + 1 for n ≥ 1
        size.high += value.length + 2
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i]
          if (item === undefined) return { path: [i], message: 'is undefined: not a JSON value' }
          const found = walk(item, depth + 1, size)
          if (found !== undefined) return { path: [i, ...found.path], message: found.message }
          if (size.low > RAW_MAX_JSON_LENGTH) return { path: [], message: rawTooLarge }
        }
        break
      }
      const proto: unknown = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return { path: [], message: notJson(value) }
      size.low += 1 // braces and commas: 1 + one per key (counted with the key)
      size.high += 2
      for (const key in value) {
        const item: unknown = (value as Record<string, unknown>)[key]
        if (item === undefined) continue // left out by JSON, like an absent key
        const keyProblem = textProblem(key, Number.POSITIVE_INFINITY)
        if (keyProblem !== undefined) return { path: [key], message: `its key ${keyProblem}` }
        size.low += key.length + 4 // "key": and a comma
        size.high += key.length * 6 + 4
        const found = walk(item, depth + 1, size)
        if (found !== undefined) return { path: [key, ...found.path], message: found.message }
        if (size.low > RAW_MAX_JSON_LENGTH) return { path: [], message: rawTooLarge }
      }
      break
    }
    default:
      return { path: [], message: notJson(value) }
  }
  return undefined
}

function notJson(value: unknown): string {
  const kind =
    typeof value === 'object'
      ? `a ${(value as object).constructor?.name ?? 'non-plain object'}`
      : `a ${typeof value}`
  return `is ${kind}, not a JSON value (raw holds null, booleans, finite numbers, strings, arrays, plain objects)`
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** `team.id`, `raw.qualifiers[3].value`, `raw["a b"]`: a path as it reads in an error (keys escaped, cut to 64). */
export function formatPath(path: readonly (string | number)[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`
    else out += `[${JSON.stringify(part.length > 64 ? `${part.slice(0, 64)}…` : part)}]`
  }
  return out
}

/**
 * For matchfeed's parsers, whose output is valid by construction but carries the provider's strings: throws
 * ProviderPayloadError naming `events[i].<field>` and the reason for the first event outside the bounds;
 * returns the batch unchanged.
 */
export function assertStorable<T extends StorableEvent>(provider: string, events: T[]): T[] {
  for (let i = 0; i < events.length; i++) {
    const problem = storableProblem(events[i]!)
    if (problem !== undefined) {
      throw new ProviderPayloadError(provider, `events[${i}].${formatPath(problem.path)}`, problem.message)
    }
  }
  return events
}
