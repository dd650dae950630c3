import vm from 'node:vm'
import fc from 'fast-check'
import { expect } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { MatchEventSchema } from '../../src/event/schema.js'

// A parse never legitimately takes this long (a whole fixture takes about a millisecond): past it, the
// case is reported as a hang instead of blocking the suite. The vm timeout interrupts synchronous code.
const HANG_MS = 250
const sandbox = vm.createContext({ run: (): unknown => undefined })
const runInSandbox = new vm.Script('run()')

/**
 * Runs `parse` under the hang guard: 'ok' (every event valid), 'rejected' (a ProviderPayloadError), or what
 * went wrong, for the report.
 */
export function fuzzOutcome(parse: () => unknown): string {
  let events: unknown
  sandbox.run = parse
  try {
    events = runInSandbox.runInContext(sandbox, { timeout: HANG_MS })
  } catch (error) {
    if (error instanceof ProviderPayloadError) return 'rejected'
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return `hung: no answer within ${HANG_MS} ms`
    }
    const where = String((error as Error).stack ?? '')
      .split('\n')
      .find((line) => line.includes('/src/'))
    return `crashed: ${String(error)}${where ? ` ${where.trim()}` : ''}`
  }
  if (!Array.isArray(events)) return `not an array: ${String(events)}`
  // Each event on its own, with safeParse: validateMatchEvents trusts, by identity, the very arrays the
  // parsers return (they checked them already), so it would check nothing here.
  for (const event of events) {
    const checked = MatchEventSchema.safeParse(event)
    if (!checked.success) {
      const issue = checked.error.issues[0]!
      return `invalid event (${issue.path.join('.')}: ${issue.message}): ${JSON.stringify(event)}`
    }
  }
  return 'ok'
}

type Json = Record<string, unknown>
export type Path = readonly (string | number)[]

/** The paths to objects in `root` that match `pattern`; '*' stands for every index or key. */
export function expand(root: unknown, pattern: Path): Path[] {
  if (root === null || typeof root !== 'object') return []
  if (pattern.length === 0) return [[]]
  const [head, ...rest] = pattern
  const heads = head !== '*' ? [head!] : Array.isArray(root) ? root.map((_, i) => i) : Object.keys(root)
  return heads.flatMap((h) => expand((root as Json)[h], rest).map((p) => [h, ...p]))
}

/** The object at `path` in `root`. */
export const node = (root: unknown, path: Path) =>
  path.reduce<unknown>((n, k) => (n as Json)[k], root) as Json

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
    fc.constantFrom(...vocabulary),
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

/** A path pattern ('*' for every index or key) and the keys to try in the objects it reaches. */
export type Site = readonly [Path, readonly string[]]
/** One key of the object at `at` deleted or replaced. */
export type KeyEdit = { at: Path; key: string; change: 'delete' | { set: unknown } }

/** One of `keys` of one of the objects at `paths` deleted or (four times as often) replaced by `junk`. */
export function keyEdits(
  paths: readonly Path[],
  keys: readonly string[],
  junk: fc.Arbitrary<unknown>,
): fc.Arbitrary<KeyEdit> {
  return fc.record({
    at: fc.constantFrom(...paths),
    key: fc.constantFrom(...keys),
    change: fc.oneof(fc.constant('delete' as const), {
      weight: 4,
      arbitrary: junk.map((value) => ({ set: value })),
    }),
  })
}

/** `text` parsed, with `edit` made to it. */
export function applyEdit(text: string, { at, key, change }: KeyEdit): unknown {
  const body: unknown = JSON.parse(text)
  const target = node(body, at)
  if (change === 'delete') Reflect.deleteProperty(target, key)
  else target[key] = change.set
  return body
}

/** Token replacements: words the parser branches on, and junk values written as JSON text. */
interface Tokens {
  runs: { truncated: number; tokens: number; bytes: number }
  vocabulary: readonly string[]
  junk: fc.Arbitrary<unknown>
}

/** What `checkCorruptedJson` damages, and how many cases of each kind it runs. */
export type CorruptedJsonOptions<M> = {
  /** Other texts cut short too, drawn as often as `text` (the token and byte cases damage `text` only). */
  alsoTruncate?: readonly string[]
  /** Ways to parse truncated text and overwritten bytes, one drawn per case and passed to `parse`. */
  modes?: readonly M[]
} & (Tokens | { runs: { truncated: number; bytes: number } })

/**
 * Truncated or corrupted JSON text and bytes: `text` cut short, a token of it (string, number, literal)
 * replaced by junk (quoted or not) or removed, a few of its UTF-8 bytes overwritten. Every case must parse
 * to valid MatchEvents or be rejected with a ProviderPayloadError. Token cases run only with a vocabulary
 * and junk, and are parsed without a mode.
 */
export function checkCorruptedJson<M>(
  text: string,
  parse: (damaged: string | Uint8Array, mode?: M) => () => unknown,
  options: CorruptedJsonOptions<M>,
): void {
  const modes = options.modes ? fc.constantFrom(...options.modes) : fc.constant(undefined)
  const texts = [text, ...(options.alsoTruncate ?? [])]
  const cuts = fc.oneof(...texts.map((t, i) => fc.tuple(fc.constant(i), fc.nat({ max: t.length - 1 }))))
  fc.assert(
    fc.property(cuts, modes, ([i, cut], mode) => {
      expect(fuzzOutcome(parse(texts[i]!.slice(0, cut), mode))).toMatch(/^(ok|rejected)$/)
    }),
    { numRuns: options.runs.truncated },
  )
  if ('vocabulary' in options) {
    // A token (string or number) replaced by junk, quoted or not, or removed.
    const tokens = [...text.matchAll(/"[^"]*"|-?\d+(\.\d+)?|null|true|false/g)].map((m) => [
      m.index,
      m.index + m[0].length,
    ])
    fc.assert(
      fc.property(
        fc.constantFrom(...tokens),
        fc.oneof(
          fc.string({ maxLength: 6 }),
          fc.constantFrom(...options.vocabulary),
          options.junk.map((v) => JSON.stringify(v) ?? ''),
        ),
        fc.constantFrom('quoted', 'bare', 'removed'),
        ([a, b], value, how) => {
          const replacement = how === 'quoted' ? JSON.stringify(value) : how === 'bare' ? value : ''
          const damaged = text.slice(0, a) + replacement + text.slice(b)
          expect(fuzzOutcome(parse(damaged))).toMatch(/^(ok|rejected)$/)
        },
      ),
      { numRuns: options.runs.tokens },
    )
  }
  const bytes = new TextEncoder().encode(text)
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      modes,
      (changes, mode) => {
        const copy = bytes.slice()
        for (const [at, byte] of changes) copy[at] = byte
        expect(fuzzOutcome(parse(copy, mode))).toMatch(/^(ok|rejected)$/)
      },
    ),
    { numRuns: options.runs.bytes },
  )
}
