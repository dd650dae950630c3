import { XMLParser } from 'fast-xml-parser'
import { ProviderPayloadError } from '../../errors.js'
import { decodeText } from '../payload.js'
import { checkXmlBounds, type DocumentBounds } from './document-bounds.js'

/** A parsed XML element: attributes under `$`, child elements by tag name, text under `#text`. */
export type XmlElement = { readonly $?: Readonly<Record<string, unknown>> } & Readonly<
  Record<string, unknown>
>

// Elements that repeat, across every Opta / Stats Perform XML feed matchfeed reads (F24, F7, MA3, MA1).
// fast-xml-parser turns a single child into an object and several into an array; naming them makes every
// repeating element an array, whatever its count.
const ARRAY_TAGS: ReadonlySet<string> = new Set([
  'Event',
  'Q',
  'Game',
  'Team',
  'TeamData',
  'Player',
  'SoccerDocument',
  'event',
  'qualifier',
  'contestant',
  'period',
  'lineUp',
  'player',
])

// One instance, configured once, for every parse (creating a parser per call costs more than the
// options object suggests). Attributes are kept as strings and converted by the readers (cheaper than
// fast-xml-parser's number sniffing, and exact about what is accepted). Only XML's five predefined
// entities and character references are decoded: documents with a DTD are refused before parsing
// (`refuseDtd`), so no user-defined entity ever reaches the parser.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '$',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name: string) => ARRAY_TAGS.has(name),
  jPath: false,
})

/** Bytes or text as text: UTF-8 only (as Opta sends it), without a byte-order mark. */
export function decodeXmlText(provider: string, input: unknown, field: string): string {
  return decodeText(provider, input, field, 'XML text or bytes')
}

/**
 * Refuses a document type declaration or an entity declaration anywhere in the text, before any parsing:
 * DTDs are how XML entity expansion attacks arrive, and no Opta feed uses one. One pass over `<!`.
 */
export function refuseDtd(provider: string, text: string, field: string): void {
  let at = text.indexOf('<!')
  while (at !== -1) {
    const c = text.charCodeAt(at + 2) | 0x20 // lower-cased
    if (c === 0x64 /* d */ || c === 0x65 /* e */) {
      const word = text.slice(at + 2, at + 9).toUpperCase()
      if (word.startsWith('DOCTYPE') || word.startsWith('ENTITY')) {
        throw new ProviderPayloadError(
          provider,
          field,
          `refused: the document contains <!${word.startsWith('DOCTYPE') ? 'DOCTYPE' : 'ENTITY'} (DTDs and entity declarations are not accepted)`,
        )
      }
    }
    at = text.indexOf('<!', at + 2)
  }
}

/**
 * Parses a whole XML document and returns its root element's name and content. fast-xml-parser is lenient
 * (it does not match closing tag names, and accepts a document cut short), so the readers also check that
 * the root element is closed (`assertComplete`) and that every element they read was counted
 * (`countElements`): a damaged file is an error, never a partial result. A text with more elements or
 * attributes than `bounds` is refused before the parser runs.
 */
export function parseXmlDocument(
  provider: string,
  text: string,
  field: string,
  bounds: DocumentBounds,
): [string, XmlElement] {
  checkXmlBounds(provider, text, field, bounds)
  refuseDtd(provider, text, field)
  let doc: unknown
  try {
    doc = parser.parse(text)
  } catch (error) {
    throw new ProviderPayloadError(
      provider,
      field,
      `not well-formed XML (${shorten((error as Error).message)})`,
      {
        cause: error,
      },
    )
  }
  let root: string | undefined
  if (typeof doc === 'object' && doc !== null) {
    for (const key of Object.keys(doc)) {
      if (key === '#text') continue
      if (root !== undefined)
        throw new ProviderPayloadError(provider, field, `more than one root element (<${root}>, <${key}>)`)
      root = key
    }
  }
  if (root === undefined) throw new ProviderPayloadError(provider, field, 'no XML element found')
  const content = (doc as Record<string, unknown>)[root]
  return [root, asElement(content)]
}

/** An element's content as an object (an element with neither attributes nor children parses as ''). */
export function asElement(value: unknown): XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlElement) : {}
}

/** An element's attributes. */
export function attrs(element: XmlElement): Readonly<Record<string, unknown>> {
  const $ = element.$
  return typeof $ === 'object' && $ !== null ? $ : EMPTY
}
const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({})

/** An element's text: its text node, or the element itself when it has nothing else. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const text = (value as Record<string, unknown>)['#text']
    return typeof text === 'string' ? text : undefined
  }
  return undefined
}

/** The document must end with the root's closing tag (or be one self-closing root): else it was cut short. */
export function assertComplete(provider: string, text: string, root: string, field: string): void {
  let end = text.length
  for (;;) {
    while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--
    // Trailing comments after the root are allowed.
    if (end >= 3 && text.endsWith('-->', end)) {
      const open = text.lastIndexOf('<!--', end - 3)
      if (open === -1) break
      end = open
      continue
    }
    break
  }
  const closing = `</${root}>`
  if (text.endsWith(closing, end)) return
  // A root with no content at all: `<Games/>`, the last tag of the document.
  const last = text.lastIndexOf('<', end - 1)
  if (text.endsWith('/>', end) && last !== -1 && text.startsWith(`<${root}`, last)) {
    const after = text.charCodeAt(last + root.length + 1)
    if (isSpace(after) || after === 47) return
  }
  throw new ProviderPayloadError(provider, field, `truncated: the document does not end with ${closing}`)
}

/**
 * How many `<tag` elements the text opens, comments and CDATA sections aside: compared with what the parse
 * produced, it catches a damaged document that fast-xml-parser silently re-nested.
 */
export function countElements(text: string, tag: string): number {
  const open = `<${tag}`
  let count = 0
  let at = 0
  let nextComment = text.indexOf('<!', 0)
  for (;;) {
    const hit = text.indexOf(open, at)
    if (hit === -1) return count
    if (nextComment !== -1 && nextComment < hit) {
      // Skip a comment or CDATA section that starts before the hit (it may contain the hit).
      const cdata = text.startsWith('<![CDATA[', nextComment)
      const close = cdata ? text.indexOf(']]>', nextComment) : text.indexOf('-->', nextComment)
      if (close === -1) return count
      at = close + 3
      nextComment = text.indexOf('<!', at)
      continue
    }
    const after = text.charCodeAt(hit + open.length)
    if (isSpace(after) || after === 62 /* > */ || after === 47 /* / */) count++
    at = hit + open.length
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9
}

function shorten(message: string): string {
  const line = message.split('\n')[0] ?? ''
  return line.length > 120 ? `${line.slice(0, 117)}…` : line
}
