// Field readers shared by the F24, F7, MA3 and MA1 readers: XML attributes arrive as strings, MA3 JSON as
// numbers and strings; both are converted here, strictly (an empty or padded string is not a number).

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
