// Reading a provider's payload, the same way for every provider: bytes or text → text (UTF-8, no byte-order
// mark) → JSON, and the words of the errors that name what was wrong (ProviderPayloadError: provider, field,
// reason). Provider-specific hints ("not JSON but XML (an Opta feed?)") are passed in by the provider.
import type { z } from 'zod'
import { ProviderPayloadError } from '../errors.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Bytes or text → text: UTF-8 only, without a byte-order mark (TextDecoder drops it from bytes; a file
 * read as text keeps it). Bad bytes, or neither bytes nor text (`expected` names what was), are a typed
 * error naming `field`.
 */
export function decodeText(
  provider: string,
  input: unknown,
  field = '(body)',
  expected = 'text or bytes',
): string {
  let text: string
  if (typeof input === 'string') text = input
  else if (input instanceof Uint8Array) {
    try {
      text = decoder.decode(input)
    } catch {
      throw new ProviderPayloadError(provider, field, 'not valid UTF-8')
    }
  } else {
    throw new ProviderPayloadError(provider, field, `expected ${expected}, got ${describe(input)}`)
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Why a text is not JSON, for the error's reason: `not valid JSON (<the parser's message>)` by default. */
export type ExplainUnparsable = (text: string, error: unknown) => string

const notJson: ExplainUnparsable = (_text, error) => `not valid JSON (${(error as Error).message})`

/** Text → the JSON value; unparsable text is a typed error naming `field`, with `explain`'s reason. */
export function parseJsonText(
  provider: string,
  text: string,
  field = '(body)',
  explain: ExplainUnparsable = notJson,
): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ProviderPayloadError(provider, field, explain(text, error), { cause: error })
  }
}

/** Bytes or text → the parsed JSON value; anything else is taken as already parsed and passed through. */
export function decodeJson(
  provider: string,
  payload: unknown,
  field = '(body)',
  explain?: ExplainUnparsable,
): unknown {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) return payload
  return parseJsonText(provider, decodeText(provider, payload, field), field, explain)
}

/**
 * A schema issue's path in an error: `prefix` then `.key` / `[index]` (`response[0].events[3].detail`).
 * No leading dot; nothing at all reads `empty`.
 */
export function formatPath(prefix: string, path: readonly PropertyKey[], empty = '(body)'): string {
  let out = prefix
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`
  return out.replace(/^\./, '') || empty
}

/** A short, safe description of a bad value for an error message (never throws, never huge). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)'
  if (value === null) return 'null'
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`
  if (value instanceof Uint8Array) return `${value.length} bytes`
  const text = jsonText(value)
  if (text === undefined) return Array.isArray(value) ? 'an array' : `a ${typeof value}`
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

/** A provider's own text for a message (its error body): a string as is, anything else as short JSON. */
export function providerText(value: unknown): string {
  if (typeof value === 'string') return value
  const text = jsonText(value)
  if (text === undefined) return `(${typeof value})`
  return text.length > 200 ? `${text.slice(0, 197)}…` : text
}

/** Throws the error for a field that does not hold what it should: `expected <what>, got <the value>`. */
export function unexpected(provider: string, field: string, value: unknown, expected: string): never {
  throw new ProviderPayloadError(provider, field, `expected ${expected}, got ${describe(value)}`)
}

function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/**
 * A payload that does not have the shape a schema describes: the first problem, as ProviderPayloadError naming
 * `at` + the issue's path, with a reason that says what was expected and what came (zod's own words, such as
 * "Invalid input", say neither). `hint` may explain the whole input (e.g. "this looks like an events file").
 */
export function shapeError(
  provider: string,
  at: string,
  error: z.ZodError,
  input: unknown,
  hint?: (input: unknown) => string | undefined,
): ProviderPayloadError {
  const issue = error.issues[0]!
  const reason = issueReason(issue, valueAt(input, issue.path))
  const why = hint?.(input)
  return new ProviderPayloadError(provider, formatPath(at, issue.path), why ? `${reason}; ${why}` : reason)
}

/** What was expected and what came, for one zod issue; `got` is the value at the issue's path. */
export function issueReason(issue: z.core.$ZodIssue, got: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${kindName(issue.expected)}, got ${kindOf(got)}`
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.flatMap((branch) => branch.map(expectedOf)))]
      return expected.length > 0 && !expected.includes(undefined)
        ? `expected ${expected.join(' or ')}, got ${kindOf(got)}`
        : `${issue.message}, got ${kindOf(got)}`
    }
    case 'invalid_value':
      return `expected ${valuesOf(issue.values)}, got ${kindOf(got)}`
    default:
      return `${issue.message} (got ${kindOf(got)})`
  }
}

function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return kindName(issue.expected)
  if (issue.code === 'invalid_value') return valuesOf(issue.values)
  return undefined
}

function valuesOf(values: readonly unknown[]): string {
  const listed = values.map((v) => JSON.stringify(v))
  return listed.length === 1 ? listed[0]! : `one of ${listed.join(', ')}`
}

function kindName(expected: string): string {
  if (expected === 'int') return 'an integer'
  if (expected === 'array' || expected === 'object' || expected === 'integer') return `an ${expected}`
  return `a ${expected}`
}

/** The kind of a value and, for short scalars, the value: `a string ("1:2")`, `the number 12`, `nothing`. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing (missing)'
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'number') return `the number ${value}`
  if (typeof value === 'boolean') return `${value}`
  if (typeof value === 'string') return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`
  return `a ${typeof value}`
}

/** The value at a zod issue's path in what was parsed (undefined where the path leaves the input). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined
  }
  return value
}
