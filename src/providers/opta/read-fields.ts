// Field readers shared by the F24, F7, MA3 and MA1 readers: XML attributes arrive as strings, MA3 JSON as
// numbers and strings; both are converted here, strictly (an empty or padded string is not a number).
import { unexpected } from '../payload.js'

/** Throws `<at>.<field>: expected <expected>, got <value>` as a feed's payload error. */
export type FieldFailure = (at: string, field: string, value: unknown, expected: string) => never

/**
 * A feed's thrower for an event field that does not hold what it should. Declare it with its type
 * (`const fail: FieldFailure = fieldFailure(PROVIDER)`) so that TypeScript knows a call never returns.
 */
export function fieldFailure(provider: string): FieldFailure {
  return (at, field, value, expected) => unexpected(provider, `${at}.${field}`, value, expected)
}

/** A whole number from a JSON number or a decimal string; NaN when it is neither. */
export function toInteger(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : Number.NaN
  if (typeof value !== 'string') return Number.NaN
  const n = value.length
  if (n === 0 || n > 15) return Number.NaN // 15 digits always fit a safe integer
  let i = 0
  let negative = false
  if (value.charCodeAt(0) === 45) {
    negative = true
    i = 1
    if (n === 1) return Number.NaN
  }
  let v = 0
  for (; i < n; i++) {
    const d = value.charCodeAt(i) - 48
    if (d < 0 || d > 9) return Number.NaN
    v = v * 10 + d
  }
  return negative ? -v : v
}

/** A finite number from a JSON number or a numeric string; NaN otherwise (and for '', ' ', 'Infinity'). */
export function toFinite(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN
  if (typeof value !== 'string' || value.length === 0) return Number.NaN
  const first = value.charCodeAt(0)
  const last = value.charCodeAt(value.length - 1)
  // Number() accepts surrounding blanks, '' and hex; an Opta coordinate is none of those.
  if (first <= 32 || last <= 32 || (first === 48 && (value.charCodeAt(1) | 0x20) === 0x78)) return Number.NaN
  const v = Number(value)
  return Number.isFinite(v) ? v : Number.NaN
}

/** An id: a non-empty string, or a whole number (MA3 JSON event ids), as a string; undefined otherwise. */
export function toId(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 && value.length <= 200 ? value : undefined
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined
  return undefined
}

/** The fields every Opta event carries, whatever the feed calls them (F24 `type_id`, MA3 `typeId`, …). */
export interface EventCore {
  typeId: number
  periodId: number
  min: number
  sec: number
  outcome: number
  x: number | undefined
  y: number | undefined
}

/**
 * Reads and checks the fields F24 and MA3 events share, in one place so the two feeds check them alike.
 * `fail` names the feed and the event.
 */
export function readEventCore(
  a: Record<string, unknown>,
  names: { typeId: string; periodId: string; min: string; sec: string },
  fail: (field: string, value: unknown, expected: string) => never,
): EventCore {
  const typeId = toInteger(a[names.typeId])
  if (!(typeId >= 0)) fail(names.typeId, a[names.typeId], 'a type id')
  const periodId = toInteger(a[names.periodId])
  if (!(periodId >= 0)) fail(names.periodId, a[names.periodId], 'a period id')
  const min = toInteger(a[names.min])
  if (!(min >= 0)) fail(names.min, a[names.min], 'a whole number of minutes')
  const sec = toInteger(a[names.sec])
  if (!(sec >= 0 && sec <= 59)) fail(names.sec, a[names.sec], '0 to 59')
  const outcome = toInteger(a.outcome)
  if (!(outcome >= 0)) fail('outcome', a.outcome, '0 or 1')
  let x: number | undefined
  let y: number | undefined
  if (a.x !== undefined || a.y !== undefined) {
    x = toFinite(a.x)
    y = toFinite(a.y)
    if (!(x >= -50 && x <= 150)) fail('x', a.x, 'a coordinate (-50 to 150)')
    if (!(y >= -50 && y <= 150)) fail('y', a.y, 'a coordinate (-50 to 150)')
  }
  return { typeId, periodId, min, sec, outcome, x, y }
}
