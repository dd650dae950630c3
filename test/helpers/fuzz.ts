// Damaged provider documents, as fast-check arbitraries: the inputs of the provider-conformance suite
// (provider-conformance.ts). Each starts from a valid document, so that most cases get past a parser's first
// checks and reach its mapping: a field deleted, retyped or replaced, an item replaced, a token or an
// attribute rewritten, the text cut short or its bytes overwritten, hostile text put in.
import fc from 'fast-check'

type Json = Record<string, unknown>
export type Path = readonly (string | number)[]

/** The paths to objects in `root` that match `pattern`; '*' stands for every index or key. */
function expand(root: unknown, pattern: Path): Path[] {
  if (root === null || typeof root !== 'object') return []
  if (pattern.length === 0) return [[]]
  const [head, ...rest] = pattern
  const heads = head !== '*' ? [head!] : Array.isArray(root) ? root.map((_, i) => i) : Object.keys(root)
  return heads.flatMap((h) => expand((root as Json)[h], rest).map((p) => [h, ...p]))
}

/** The object at `path` in `root`. */
const node = (root: unknown, path: Path) => path.reduce<unknown>((n, k) => (n as Json)[k], root) as Json

/** Every value in `root` with its path, depth first, `root` itself first. */
function entries(root: unknown, path: Path = []): [Path, unknown][] {
  const out: [Path, unknown][] = [[path, root]]
  if (root !== null && typeof root === 'object') {
    for (const [k, v] of Object.entries(root)) {
      out.push(...entries(v, [...path, Array.isArray(root) ? Number(k) : k]))
    }
  }
  return out
}

/** `value` set at `path` of `root` as an own property (a `__proto__` key too). */
function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = node(root, path.slice(0, -1))
  Object.defineProperty(parent, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true })
}

// Boundary values, drawn half of the time: empty ids, negative, fractional and huge numbers, wrong types.
const EDGES: unknown[] = [
  null,
  -1,
  0,
  1.5,
  1e308,
  2147483647,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '-1',
  true,
  [],
  {},
  { id: '' },
  { id: null, name: null },
  { id: -3, name: 'x' },
]

// Numbers, numeric text, pairs and references that a JSON feed's fields are often confused with.
const VALUES: unknown[] = [1, 121, 1e15, -1e308, '0', '1.5', [1, 2], { id: 1 }, { home: 1, away: null }]

// Text that number, date and XML readers trip on.
const ODD_TEXT = [
  'NaN',
  'Infinity',
  '1e999',
  '0x10',
  '99999999999999999999',
  '<',
  '&amp;',
  '"',
  '\u0000',
  '2021-13-40T99:99:99',
] as const

/**
 * Values to put in place of a field: boundary values, small JSON, text, the words the parser branches on
 * (`vocabulary`), common confusions (with the suite's own `values`), and id/name references.
 */
export function fuzzJunk(
  vocabulary: readonly string[],
  values: readonly unknown[] = [],
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...EDGES) },
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...vocabulary, ...ODD_TEXT),
    fc.constantFrom(...VALUES, ...values),
    fc.record(
      {
        id: fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null)),
        name: fc.option(fc.string({ maxLength: 6 })),
      },
      { requiredKeys: [] },
    ),
  )
}

/** `value` as another JSON type: numbers as text, numeric text as numbers, objects as arrays and back. */
function swapType(value: unknown): unknown {
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'string')
    return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : [value]
  if (Array.isArray(value)) return { ...value }
  if (value !== null && typeof value === 'object') return Object.values(value)
  return {}
}

/**
 * `value` a little off (the `step`th way): a number one more or less, negated, ten or a thousand times larger,
 * or half a unit off (a minute past the end of a period, a score, a coordinate off the pitch); text in upper
 * case, doubled, its first character dropped, padded. Anything else: swapType.
 */
function nudge(value: unknown, step: number): unknown {
  if (typeof value === 'number')
    return [value + 1, value - 1, -value, value * 10, value * 1000, value + 0.5][step % 6]
  if (typeof value === 'string')
    return [value.toUpperCase(), value + value, value.slice(1), ` ${value}`][step % 4]
  return swapType(value)
}

/** A path pattern ('*' for every index or key) and the keys to try in the objects it reaches. */
export type Site = readonly [Path, readonly string[]]
/** One key of the object at `at` deleted, given another type, nudged (see nudge), or replaced. */
type KeyEdit = { at: Path; key: string; change: 'delete' | 'swap' | { nudge: number } | { set: unknown } }

/**
 * The sites of a JSON document: every path pattern to an object (array indices as '*'), with the keys its
 * objects have; and `extra` keys they lack (an error envelope's `errors`, fields the document leaves out).
 */
export function sitesOf(root: unknown, extra: readonly Site[] = []): Site[] {
  const sites = new Map<string, { pattern: Path; keys: Set<string> }>()
  const add = (pattern: Path, keys: Iterable<string>) => {
    const name = JSON.stringify(pattern)
    const site = sites.get(name) ?? { pattern, keys: new Set() }
    sites.set(name, site)
    for (const key of keys) site.keys.add(key)
  }
  for (const [path, value] of entries(root)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue
    add(
      path.map((k) => (typeof k === 'number' ? '*' : k)),
      Object.keys(value),
    )
  }
  for (const [pattern, keys] of extra) add(pattern, keys)
  return [...sites.values()].filter((s) => s.keys.size > 0).map((s) => [s.pattern, [...s.keys]])
}

/**
 * One key of one object of `root` (chosen by `sites`: a key of a pattern, each drawn as often, then one of the
 * objects the pattern reaches) deleted, given another type, nudged, or (four times as often as each) replaced by
 * `junk`.
 */
export function keyEdits(
  root: unknown,
  sites: readonly Site[],
  junk: fc.Arbitrary<unknown>,
): fc.Arbitrary<KeyEdit> {
  return fc.oneof(
    ...sites.flatMap(([pattern, keys]) => {
      const paths = expand(root, pattern)
      if (paths.length === 0) return []
      const edit = fc.record({
        at: fc.constantFrom(...paths),
        key: fc.constantFrom(...keys),
        change: fc.oneof(
          fc.constant('delete' as const),
          fc.constant('swap' as const),
          fc.nat({ max: 11 }).map((step) => ({ nudge: step })),
          { weight: 4, arbitrary: junk.map((value) => ({ set: value })) },
        ),
      })
      return { weight: keys.length, arbitrary: edit }
    }),
  )
}

/** `text` parsed, with `edit` made to it. */
export function applyEdit(text: string, { at, key, change }: KeyEdit): unknown {
  const body: unknown = JSON.parse(text)
  const target = node(body, at)
  if (change === 'delete') Reflect.deleteProperty(target, key)
  else if (change === 'swap') setAt(body, [...at, key], swapType(target[key]))
  else setAt(body, [...at, key], 'nudge' in change ? nudge(target[key], change.nudge) : change.set)
  return body
}

/** `text` parsed, with one of its array items that is an object or array replaced by any value at all. */
export function itemReplacements(text: string): fc.Arbitrary<unknown> | undefined {
  const items = entries(JSON.parse(text)).filter(
    ([path, value]) => typeof path.at(-1) === 'number' && value !== null && typeof value === 'object',
  )
  if (items.length === 0) return undefined
  return fc.tuple(fc.constantFrom(...items.map(([path]) => path)), fc.anything()).map(([at, value]) => {
    const body: unknown = JSON.parse(text)
    setAt(body, at, value)
    return body
  })
}

/** `text` cut short, at any point. */
export const truncations = (text: string): fc.Arbitrary<string> =>
  fc.nat({ max: text.length - 1 }).map((n) => text.slice(0, n))

/** The UTF-8 bytes of `text` with one to eight of them overwritten. */
export function overwrittenBytes(text: string): fc.Arbitrary<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  return fc
    .array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    })
    .map((changes) => {
      const copy = bytes.slice()
      for (const [at, byte] of changes) copy[at] = byte
      return copy
    })
}

/** The positions of every match of `pattern` in `text`. */
function positions(text: string, pattern: RegExp): [number, number][] {
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length])
}

const at = (list: [number, number][]) => fc.constantFrom(...list)

/** A token of JSON text (string, number, literal) replaced by junk, quoted or bare, or removed. */
export function jsonTokenEdits(
  text: string,
  vocabulary: readonly string[],
  junk: fc.Arbitrary<unknown>,
): fc.Arbitrary<string> {
  const tokens = positions(text, /"[^"]*"|-?\d+(\.\d+)?|null|true|false/g)
  return fc
    .tuple(
      at(tokens),
      fc.oneof(
        fc.string({ maxLength: 6 }),
        fc.constantFrom(...vocabulary, ...ODD_TEXT),
        junk.map((v) => JSON.stringify(v) ?? ''),
      ),
      fc.constantFrom('quoted', 'bare', 'removed'),
    )
    .map(([[a, b], value, how]) => {
      const replacement = how === 'quoted' ? JSON.stringify(value) : how === 'bare' ? value : ''
      return text.slice(0, a) + replacement + text.slice(b)
    })
}

/** Text a field of a feed should not hold: short strings, odd numbers, ODD_TEXT. */
export const oddText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', '-1', ...ODD_TEXT),
  fc.double().map(String),
  fc.integer().map(String),
)

/** The element names of an XML document. */
const xmlTags = (text: string) => [
  ...new Set([...text.matchAll(/<([A-Za-z_][\w.-]*)[\s/>]/g)].map((m) => m[1]!)),
]

/**
 * Text mutations of an XML document: truncation, a deleted or garbled attribute, a renamed or dropped tag, text
 * inserted, a declaration (DOCTYPE, ENTITY, CDATA) inserted.
 */
export function xmlMutations(text: string): fc.Arbitrary<string> {
  const tags = xmlTags(text).join('|')
  const openTags = positions(text, new RegExp(`<(${tags})[\\s/>]`, 'g'))
  const closeTags = positions(text, new RegExp(`</(${tags})>`, 'g'))
  const values = positions(text, /="[^"]*"/g)
  const names = fc.constantFrom(...xmlTags(text), 'X')
  const anywhere = fc.integer({ min: 0, max: text.length })
  return fc.oneof(
    anywhere.map((n) => text.slice(0, n)),
    at(positions(text, /\s[A-Za-z_]+="[^"]*"/g)).map(([a, b]) => text.slice(0, a) + text.slice(b)),
    fc
      .tuple(at(values), oddText)
      .map(([[a, b], v]) => `${text.slice(0, a)}="${v.replaceAll('"', '&quot;')}"${text.slice(b)}`),
    fc.tuple(at(values), oddText).map(([[a, b], v]) => `${text.slice(0, a)}="${v}"${text.slice(b)}`),
    fc.tuple(at(openTags), names).map(([[a, b], tag]) => `${text.slice(0, a)}<${tag}${text.slice(b - 1)}`),
    fc.tuple(at(closeTags), names).map(([[a, b], tag]) => `${text.slice(0, a)}</${tag}>${text.slice(b)}`),
    at(closeTags).map(([a, b]) => text.slice(0, a) + text.slice(b)),
    fc.tuple(anywhere, fc.string({ maxLength: 6 })).map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
    fc
      .tuple(anywhere, fc.constantFrom('<!DOCTYPE x>', '<!ENTITY a "b">', '<!-- c -->', ']]>', '<![CDATA['))
      .map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
  )
}

/** The open tags of `tags` in an XML document each renamed to another element name (or null, when it is the same). */
export function xmlRenamedElements(text: string, tags: readonly string[], to: readonly string[]) {
  const opens = positions(text, new RegExp(`<(${tags.join('|')})[\\s/>]`, 'g'))
  return fc.tuple(at(opens), fc.constantFrom(...to)).map(([[a, b], tag]) => {
    const from = text.slice(a + 1, b - 1)
    return tag === from ? null : `${text.slice(0, a)}<${tag}${text.slice(b - 1)}`
  })
}

// Names an object lookup must not resolve through the prototype.
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const

/**
 * Text no store can hold or a reader may choke on: NUL, lone surrogates, a 10 KB (and a 70 KB) name, prototype
 * names, bidi controls, a BOM; alone or in short strings.
 */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\udc00\ud800',
    '\u202e\u200f',
    '\ufeff',
    '😀',
    ...PROTO_KEYS,
  ),
  fc.constantFrom(10_240, 70_000).map((n) => 'N'.repeat(n)),
  fc.string({
    unit: fc.constantFrom('\u0000', '\ud800', '\udfff', 'a', '😀', '"', '\\', '<', '&'),
    maxLength: 8,
  }),
)

/** The hostile values every string field of a document is given in turn (see everyStringField). */
const HOSTILE_VALUES = ['a\u0000b', 'x\ud800', 'N'.repeat(10_240), '__proto__', 'constructor'] as const

/** The pattern of a path (indices as '*'), as a name. */
const patternOf = (path: Path) => path.map((k) => (typeof k === 'number' ? '*' : k)).join('.')

/**
 * Every string field of a document given each of HOSTILE_VALUES in turn: one field (all its occurrences: every
 * event's `type`, every `name` attribute) at a time. JSON: the string values by path pattern; XML: the values of
 * each attribute name, and the text of each element name.
 */
export function everyStringField(document: {
  text: string
  format: 'json' | 'xml'
}): { field: string; value: string; input: unknown }[] {
  const out: { field: string; value: string; input: unknown }[] = []
  if (document.format === 'json') {
    const fields = new Map<string, Path[]>()
    for (const [path, value] of entries(JSON.parse(document.text))) {
      if (typeof value === 'string')
        fields.set(patternOf(path), [...(fields.get(patternOf(path)) ?? []), path])
    }
    for (const [field, paths] of fields) {
      for (const value of HOSTILE_VALUES) {
        const body: unknown = JSON.parse(document.text)
        for (const path of paths) setAt(body, path, value)
        out.push({ field, value, input: body })
      }
    }
    return out
  }
  const text = document.text
  const attributes = new Set([...text.matchAll(/\s([A-Za-z_][\w.:-]*)="[^"]*"/g)].map((m) => m[1]!))
  const elements = new Set([...text.matchAll(/<([A-Za-z_][\w.-]*)[^>]*>[^<]*\S[^<]*<\//g)].map((m) => m[1]!))
  for (const value of HOSTILE_VALUES) {
    for (const name of attributes) {
      const pattern = new RegExp(`(\\s${name})="[^"]*"`, 'g')
      const input = text.replace(pattern, (_, head) => `${head}="${xmlAttribute(value, false)}"`)
      out.push({ field: `@${name}`, value, input })
    }
    for (const name of elements) {
      const pattern = new RegExp(`(<${name}(?:\\s[^>]*)?>)[^<]*(</${name}>)`, 'g')
      const input = text.replace(pattern, (_, open, close) => `${open}${xmlAttribute(value, false)}${close}`)
      out.push({ field: `<${name}>`, value, input })
    }
  }
  return out
}

/** A value with prototype names as own keys. */
const hostileObject = fc.dictionary(
  fc.constantFrom(...PROTO_KEYS, 'id', 'name'),
  fc.anything({ maxDepth: 1 }),
  {
    minKeys: 1,
  },
)

/**
 * A JSON document with hostile text in one of its strings, one of its keys renamed to a prototype name, or a
 * prototype name added to one of its objects; as the parsed value or its text.
 */
export function jsonHostile(text: string): fc.Arbitrary<unknown> {
  const all = entries(JSON.parse(text))
  const strings = all.filter(([, v]) => typeof v === 'string').map(([path]) => path)
  const keyed = all.filter(([path]) => typeof path.at(-1) === 'string').map(([path]) => path)
  const objects = all
    .filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v))
    .map(([path]) => path)
  const edit = (change: (body: unknown) => void) => {
    const body: unknown = JSON.parse(text)
    change(body)
    return body
  }
  const edits = fc.oneof(
    ...(strings.length > 0
      ? [
          fc
            .tuple(fc.constantFrom(...strings), hostileText)
            .map(([path, s]) => edit((b) => setAt(b, path, s))),
        ]
      : []),
    fc.tuple(fc.constantFrom(...keyed), fc.constantFrom(...PROTO_KEYS)).map(([path, key]) =>
      edit((b) => {
        const parent = node(b, path.slice(0, -1))
        const value = parent[path.at(-1)!]
        Reflect.deleteProperty(parent, path.at(-1)!)
        setAt(b, [...path.slice(0, -1), key], value)
      }),
    ),
    fc
      .tuple(
        fc.constantFrom(...objects),
        fc.constantFrom(...PROTO_KEYS),
        fc.oneof(hostileText, hostileObject),
      )
      .map(([path, key, value]) => edit((b) => setAt(b, [...path, key], value))),
  )
  return fc.tuple(edits, fc.boolean()).map(([body, asText]) => (asText ? JSON.stringify(body) : body))
}

/** XML text escaped for an attribute value; NUL and lone surrogates stay raw, or become character references. */
const xmlAttribute = (s: string, references: boolean) => {
  const escaped = s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;')
  if (!references) return escaped
  const unstorable = (code: number) => code === 0 || (code >= 0xd800 && code <= 0xdfff)
  return [...escaped] // by code point: a lone surrogate stays a string of its own
    .map((c) => (c.length === 1 && unstorable(c.charCodeAt(0)) ? `&#x${c.charCodeAt(0).toString(16)};` : c))
    .join('')
}

/**
 * An XML document with hostile text in an attribute value (raw or as character references), a prototype name as
 * an attribute, or an element named after one.
 */
export function xmlHostile(text: string): fc.Arbitrary<string> {
  const values = positions(text, /="[^"]*"/g)
  const openTags = positions(text, new RegExp(`<(${xmlTags(text).join('|')})(?=[\\s/>])`, 'g'))
  const ends = positions(text, />/g)
  return fc.oneof(
    fc
      .tuple(at(values), hostileText, fc.boolean())
      .map(([[a, b], s, refs]) => `${text.slice(0, a)}="${xmlAttribute(s, refs)}"${text.slice(b)}`),
    fc
      .tuple(at(openTags), fc.constantFrom(...PROTO_KEYS), fc.constantFrom('1', '', 'x'))
      .map(([[, b], name, value]) => `${text.slice(0, b)} ${name}="${value}"${text.slice(b)}`),
    fc
      .tuple(at(ends), fc.constantFrom(...PROTO_KEYS))
      .map(([[, b], name]) => `${text.slice(0, b)}<${name} id="1"/>${text.slice(b)}`),
  )
}

/**
 * A whole payload of garbage: any value, text, JSON text, bytes, XML-like text, hostile text or keys, and the
 * `extra` shapes a provider's responses have.
 */
export function payloadGarbage(extra: readonly fc.Arbitrary<unknown>[] = []): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.anything(),
    fc.string(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.uint8Array({ maxLength: 200 }),
    fc
      .array(
        fc.constantFrom('<', '>', '</', '/>', '=', '"', ' ', 'a', 'Event', 'Q', '?xml', '<!', '&', ';'),
        {
          maxLength: 30,
        },
      )
      .map((parts) => parts.join('')),
    hostileText,
    hostileObject,
    ...extra,
  )
}
