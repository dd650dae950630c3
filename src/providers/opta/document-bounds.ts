import { PayloadTooLargeError } from '../../errors.js'

/**
 * How much of one document (a feed or its companion) the Opta / Stats Perform readers take on, counted on
 * the text in one pass before any parser runs: a hostile document is refused for its size, not after
 * fast-xml-parser or JSON.parse built it. The counts are upper bounds (a `=` or a `,` inside a value counts
 * too), and never reject a real feed: a full F24 (876 kB) has 9,480 elements and 45,256 `=`, a full MA3
 * XML (1.1 MB) 10,895 and 48,989, a full MA3 JSON (2 MB) 13,974 objects and arrays and 56,281 `,`.
 */
export interface DocumentBounds {
  /** XML elements (start tags, `<` not followed by `/`, `!` or `?`); JSON objects and arrays (`{`, `[`). */
  maxElements: number
  /** XML attributes (`=`); JSON members and array items (`,`). */
  maxAttributes: number
}

/** About four times a full real match, whatever the feed: parsing that much takes ~0.2 s and ~60 MB. */
export const DEFAULT_MAX_ELEMENTS = 40_000
export const DEFAULT_MAX_ATTRIBUTES = 200_000
export const DEFAULT_DOCUMENT_BOUNDS: Readonly<DocumentBounds> = Object.freeze({
  maxElements: DEFAULT_MAX_ELEMENTS,
  maxAttributes: DEFAULT_MAX_ATTRIBUTES,
})
/**
 * Attributes (`=`) one XML element may carry: real feeds have at most 18. Not an option: fast-xml-parser's
 * time grows faster than linearly with the attributes of one element.
 */
export const MAX_ATTRIBUTES_PER_ELEMENT = 256

/**
 * Refuses an XML text with more elements or attributes than `bounds` allow (PayloadTooLargeError). Walks
 * the `<` and the `=` with indexOf (native, ~1 ms for a full F24), stopping at the first bound exceeded.
 */
export function checkXmlBounds(provider: string, text: string, field: string, bounds: DocumentBounds): void {
  const { maxElements, maxAttributes } = bounds
  let elements = 0
  let attributes = 0
  let inElement = 0 // `=` since the last `<`
  let lt = text.indexOf('<')
  let eq = text.indexOf('=')
  while (lt !== -1 || eq !== -1) {
    if (eq === -1 || (lt !== -1 && lt < eq)) {
      inElement = 0
      const next = text.charCodeAt(lt + 1)
      if (next !== 47 /* / */ && next !== 33 /* ! */ && next !== 63 /* ? */ && ++elements > maxElements) {
        throw tooMany(provider, field, `${maxElements} XML elements`, 'maxElements')
      }
      lt = text.indexOf('<', lt + 1)
    } else {
      if (++attributes > maxAttributes) {
        throw tooMany(provider, field, `${maxAttributes} XML attributes`, 'maxAttributes')
      }
      if (++inElement > MAX_ATTRIBUTES_PER_ELEMENT) {
        throw new PayloadTooLargeError(
          provider,
          field,
          `an element with more than ${MAX_ATTRIBUTES_PER_ELEMENT} attributes (real feeds have at most 18)`,
        )
      }
      eq = text.indexOf('=', eq + 1)
    }
  }
}

/** Refuses a JSON text with more objects and arrays, or members and items, than `bounds` allow. */
export function checkJsonBounds(provider: string, text: string, field: string, bounds: DocumentBounds): void {
  const { maxElements, maxAttributes } = bounds
  if (occurrences(text, '{', maxElements) + occurrences(text, '[', maxElements) > maxElements) {
    throw tooMany(provider, field, `${maxElements} JSON objects and arrays`, 'maxElements')
  }
  if (occurrences(text, ',', maxAttributes) > maxAttributes) {
    throw tooMany(provider, field, `${maxAttributes} JSON members and items`, 'maxAttributes')
  }
}

/** How often `char` occurs in `text`, counted up to `max + 1`. */
function occurrences(text: string, char: string, max: number): number {
  let n = 0
  for (let at = text.indexOf(char); at !== -1 && n <= max; at = text.indexOf(char, at + 1)) n++
  return n
}

function tooMany(provider: string, field: string, what: string, option: string): PayloadTooLargeError {
  return new PayloadTooLargeError(provider, field, `more than ${what} (the bound set by option ${option})`)
}
