/** A 32-bit FNV-1a hash of `text`, varied by `seed`. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** `length` hex digits drawn from `text`: the same text always gives the same digits. */
function hexOf(text: string, length: number): string {
  let out = ''
  for (let seed = 1; out.length < length; seed++) out += fnv1a(text, seed).toString(16).padStart(8, '0')
  return out.slice(0, length)
}

/** A version-4-shaped uuid drawn from `text` (StatsBomb event ids). */
export function uuidOf(text: string): string {
  const h = hexOf(text, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** A 25-character lower-case alphanumeric id drawn from `text`, the shape of Stats Perform's ids. */
export function alphanumericOf(text: string): string {
  let out = ''
  for (let seed = 101; out.length < 25; seed++) out += fnv1a(text, seed).toString(36)
  return out.slice(0, 25)
}

/** A 32-bit number drawn from `text`. */
export function numericOf(text: string): number {
  return fnv1a(text, 7)
}
