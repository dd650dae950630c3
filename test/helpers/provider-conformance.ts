import { readFileSync } from 'node:fs'
import vm from 'node:vm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type MatchEvent,
  MatchEventSchema,
  matchEventId,
  ProviderPayloadError,
  validateMatchEvents,
} from '../../src/index.js'
import {
  applyEdit,
  everyStringField,
  fuzzJunk,
  itemReplacements,
  jsonHostile,
  jsonTokenEdits,
  keyEdits,
  overwrittenBytes,
  payloadGarbage,
  type Site,
  sitesOf,
  truncations,
  xmlHostile,
  xmlMutations,
} from './fuzz.js'
import { hasShared, readShared, SHARED_DIR } from './shared.js'

/** One call of a parser on one (damaged) input; fast-check prints it as its label and the input. */
export interface Attempt {
  readonly label: string
  readonly input: unknown
  readonly run: () => unknown
}

export function attempt(label: string, input: unknown, run: () => unknown): Attempt {
  return { label, input, run, [fc.toStringMethod]: () => `${label}: ${preview(input)}` } as Attempt
}

function preview(input: unknown): string {
  if (input instanceof Uint8Array) {
    return `bytes ${JSON.stringify(new TextDecoder().decode(input.subarray(0, 400)))}${input.length > 400 ? '…' : ''}`
  }
  const text = typeof input === 'string' ? JSON.stringify(input) : fc.stringify(input)
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text
}

/** A valid document of a provider, and the ways it reaches the parser. */
export interface ProviderDocument {
  /** The file (or variant) name, for the reports. */
  name: string
  /** The document as the provider sends it. */
  text: string
  format: 'json' | 'xml'
  /**
   * The ways it is parsed, by name: each takes the document (its text, its bytes, its parsed JSON or a damaged
   * copy of any) and calls the parser through the public API, alone or with its companions (an F7, a previous
   * snapshot, teams).
   */
  parse: Readonly<Record<string, (document: unknown) => unknown>>
  /** Keys to try that the document lacks (error envelopes, optional fields), for the field edits. */
  sites?: readonly Site[]
  /** Cases of each generic property for this document, where not the spec's. */
  runs?: Partial<Runs>
  /** The least share of a generic property's cases that must give events, and be refused: they reach the mapping. */
  mix?: Partial<Record<keyof Runs, Mix>>
}

/** The least share of cases that must give events, and that must be refused. */
export interface Mix {
  ok: number
  rejected: number
}

/** A document of test/fixtures (`path` below it), in the format its extension says. */
export function fixtureDocument(
  path: string,
  parse: ProviderDocument['parse'],
  more: Partial<ProviderDocument> = {},
): ProviderDocument {
  const text = readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')
  return { name: path.split('/').at(-1)!, text, format: formatOf(path), parse, ...more }
}

/** A real document of the shared folder (`path` below its fixtures/), in the format its extension says. */
export function sharedDocument(path: string, parse: ProviderDocument['parse']): ProviderDocument {
  return { name: path, text: readShared(`fixtures/${path}`), format: formatOf(path), parse }
}

const formatOf = (path: string) => (path.endsWith('.xml') ? 'xml' : 'json')

/** Cases per document of each generic property. */
export interface Runs {
  /** Any value, text, JSON text, bytes, XML-like text, hostile text as the whole payload. */
  garbage: number
  /** The text cut short. */
  truncated: number
  /** One to eight bytes of the text overwritten. */
  bytes: number
  /** JSON: a token replaced or removed. XML: attributes, tags and declarations damaged. */
  text: number
  /** JSON: one key of one object deleted, retyped, nudged or replaced, at any level. */
  fields: number
  /** JSON: an item of an array replaced by any value. */
  items: number
  /** NUL, lone surrogates, 10 KB names, prototype names as keys, attributes and elements. */
  hostile: number
  /** Damaged bytes parsed twice: the same ids, or the same error. */
  stable: number
}

/** A property of one provider: its cases, and what each must give besides valid events or a payload error. */
export interface OwnProperty {
  name: string
  runs: number
  /** null: a case that does not apply (skipped). */
  attempts: fc.Arbitrary<Attempt | null>
  /** Every case must be refused. */
  rejected?: boolean
  /** The least share of cases that must give events, and be refused: the cases reach the mapping. */
  mix?: Mix
}

export interface ProviderSpec {
  /** For the suite's name. */
  name: string
  /** The `provider` of every event, and of every ProviderPayloadError. */
  provider: string
  /** Small valid documents (test/fixtures), the first one first: fuzzed. */
  documents: readonly ProviderDocument[]
  /** Real documents of the shared folder, read when it is there: checked valid and stable, not fuzzed. */
  shared?: () => readonly ProviderDocument[]
  /**
   * Whether ids may repeat in one output: never (the default); `versioned`, a repeat is a revision at a higher
   * version (id and version unique); `as sent`, they are the payload's own, repeated where it repeats an event
   * (a re-delivery, an edit): unique in the small valid documents only.
   */
  repeatedIds?: 'versioned' | 'as sent'
  runs: Runs
  /** A fixed seed makes the run reproducible. */
  seed?: number
  /** Words the parser branches on (types, statuses, ids of the documents): replacements reach deeper paths. */
  vocabulary?: readonly string[]
  /** What replaces a field; by default fuzzJunk(vocabulary). */
  junk?: fc.Arbitrary<unknown>
  /** Whole payloads shaped like the provider's (envelopes, error bodies), besides the generic garbage. */
  garbage?: readonly fc.Arbitrary<unknown>[]
  /** The provider's own properties. */
  properties?: readonly OwnProperty[]
}

/** Cases of `inputs` parsed every way `document` is. */
export function attemptsOn(document: ProviderDocument, inputs: fc.Arbitrary<unknown>): fc.Arbitrary<Attempt> {
  return fc
    .tuple(fc.constantFrom(...Object.keys(document.parse)), inputs)
    .map(([way, input]) => attempt(`${document.name} (${way})`, input, () => document.parse[way]!(input)))
}

// A parse never legitimately takes this long (a whole fixture takes about a millisecond): past it, the
// case is reported as a hang instead of blocking the suite. The vm timeout interrupts synchronous code.
const HANG_MS = 250
const sandbox = vm.createContext({ run: (): unknown => undefined })
const runInSandbox = new vm.Script('run()')
const timedOut = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'

/** `run` under the hang guard; timed out once, run again (a busy machine can stall one run, not a hang). */
function guarded(run: () => unknown, timeout: number): unknown {
  sandbox.run = run
  try {
    return runInSandbox.runInContext(sandbox, { timeout })
  } catch (error) {
    if (!timedOut(error)) throw error
  }
  sandbox.run = run
  return runInSandbox.runInContext(sandbox, { timeout })
}

type Outcome =
  | { kind: 'ok'; ids: string[] }
  | { kind: 'rejected'; field: string; message: string }
  | { kind: 'failed'; why: string }

/**
 * Runs one case under the hang guard: 'ok' (valid events, well-formed ids), 'rejected' (a ProviderPayloadError of
 * the provider, naming a field), or what went wrong.
 */
function outcome(
  spec: ProviderSpec,
  { run }: Attempt,
  valid?: { timeout: number; uniqueIds: boolean },
): Outcome {
  let events: unknown
  try {
    events = guarded(run, valid?.timeout ?? HANG_MS)
  } catch (error) {
    if (error instanceof ProviderPayloadError) {
      if (error.provider !== spec.provider)
        return failed(`rejected as provider "${error.provider}": ${error.message}`)
      if (typeof error.field !== 'string' || error.field === '')
        return failed(`rejected naming no field: ${error.message}`)
      return { kind: 'rejected', field: error.field, message: error.message }
    }
    if (timedOut(error)) return failed(`hung: no answer within ${valid?.timeout ?? HANG_MS} ms, twice`)
    const where = String((error as Error).stack ?? '')
      .split('\n')
      .find((line) => line.includes('/src/'))
    return failed(`crashed: ${String(error)}${where ? ` ${where.trim()}` : ''}`)
  }
  if (!Array.isArray(events)) return failed(`not an array: ${String(events)}`)
  const problem = eventsProblem(spec, events, valid?.uniqueIds ?? spec.repeatedIds !== 'as sent')
  return problem ? failed(problem) : { kind: 'ok', ids: events.map((e: MatchEvent) => e.id) }
}

const failed = (why: string): Outcome => ({ kind: 'failed', why })

/** What is wrong with a parser's output: an invalid event, an id not made of its parts, a repeated id. */
function eventsProblem(spec: ProviderSpec, events: unknown[], uniqueIds: boolean): string | undefined {
  // Each event with safeParse, and a copy of the batch with validateMatchEvents: it trusts, by identity, the
  // very arrays the parsers return (they checked them already), so on those it would check nothing.
  for (const event of events) {
    const checked = MatchEventSchema.safeParse(event)
    if (!checked.success) {
      const issue = checked.error.issues[0]!
      return `invalid event (${issue.path.join('.')}: ${issue.message}): ${JSON.stringify(event)}`
    }
  }
  try {
    validateMatchEvents([...events])
  } catch (error) {
    return `refused by validateMatchEvents: ${String(error)}`
  }
  const seen = new Set<string>()
  for (const e of events as MatchEvent[]) {
    if (e.provider !== spec.provider) return `event of provider "${e.provider}": ${e.id}`
    if (e.id !== matchEventId(e.provider, e.matchId, e.providerEventId))
      return `id not provider:matchId:providerEventId: ${e.id}`
    if (!uniqueIds) continue
    const key = spec.repeatedIds === 'versioned' ? `${e.id} version ${e.version}` : e.id
    if (seen.has(key)) return `id repeated: ${key}`
    seen.add(key)
  }
  return undefined
}

/** Fails, saying in full what went wrong, unless `o` is one of `allowed`. */
function expectOutcome(o: Outcome, allowed: readonly Outcome['kind'][], label: string): void {
  if (allowed.includes(o.kind)) return
  const what = o.kind === 'failed' ? o.why : o.kind === 'rejected' ? `rejected: ${o.message}` : 'gave events'
  expect.fail(`${label}: ${what}`)
}

interface CheckOptions {
  runs: number
  seed: number | undefined
  /** Every case must be refused. */
  rejected?: boolean | undefined
  /** At least this share of the cases must give events, and be refused. */
  mix?: Mix | undefined
  /** Each case is run twice, and must give the same ids or the same error. */
  twice?: boolean | undefined
}

/**
 * Runs every case of `attempts` (fast-check's `seed` when given): each must give valid events or a payload
 * error, as `options` say.
 */
function check(spec: ProviderSpec, attempts: fc.Arbitrary<Attempt | null>, options: CheckOptions): void {
  if (options.runs === 0) return
  const seen = { ok: 0, rejected: 0 }
  fc.assert(
    fc.property(attempts, (a) => {
      if (a === null) return
      const o = outcome(spec, a)
      expectOutcome(o, options.rejected ? ['rejected'] : ['ok', 'rejected'], a.label)
      if (options.twice) expect(outcome(spec, a), 'the same bytes again').toEqual(o)
      seen[o.kind as 'ok' | 'rejected']++
    }),
    { numRuns: options.runs, seed: options.seed, includeErrorInReport: true },
  )
  if (options.mix) {
    expect(seen.ok, 'cases that gave events').toBeGreaterThan(options.mix.ok * options.runs)
    expect(seen.rejected, 'cases refused').toBeGreaterThan(options.mix.rejected * options.runs)
  }
}

/** The text of a damaged document as bytes (a parsed value as its JSON). */
const asBytes = (input: unknown) =>
  input instanceof Uint8Array
    ? input
    : new TextEncoder().encode(typeof input === 'string' ? input : JSON.stringify(input))

/** A seed of its own for each property of a seeded spec, whatever runs before it. */
function seedOf(spec: ProviderSpec, name: string): number | undefined {
  if (spec.seed === undefined) return undefined
  let hash = 0
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0
  return spec.seed + (hash >>> 8)
}

/**
 * ONE suite for every provider parser (custom, StatsBomb, Opta F24, Stats Perform MA3, API-Football,
 * Football-Data): the valid documents give valid MatchEvents whose ids are stable (the same from text, bytes
 * and parsed JSON, twice), made of their parts, and unique (see `repeatedIds`); damaged documents and garbage
 * give the same, or a ProviderPayloadError of the provider naming a field: never another error, a hang, or an
 * invalid event. Then the provider's own `properties`.
 */
export function describeProviderConformance(spec: ProviderSpec): void {
  const junk = spec.junk ?? fuzzJunk(spec.vocabulary ?? [])
  const runsOf = (document: ProviderDocument, property: keyof Runs) =>
    document.runs?.[property] ?? spec.runs[property]

  /**
   * A generic property: for each document (the JSON ones with `jsonOnly`), its `inputs` (none: skipped)
   * parsed all its ways, as many cases as its runs say. The test's name counts them.
   */
  const property = (
    name: string,
    runs: keyof Runs,
    inputs: (document: ProviderDocument) => fc.Arbitrary<unknown> | undefined,
    options: { jsonOnly?: boolean; twice?: boolean } = {},
  ) => {
    const documents = spec.documents.filter((d) => !options.jsonOnly || d.format === 'json')
    const total = documents.reduce((n, d) => n + runsOf(d, runs), 0)
    if (total === 0) return
    it(`${name} (${total} cases)`, () => {
      for (const document of documents) {
        const arbitrary = inputs(document)
        if (!arbitrary) continue
        check(spec, attemptsOn(document, arbitrary), {
          runs: runsOf(document, runs),
          seed: seedOf(spec, `${runs} ${document.name}`),
          mix: document.mix?.[runs],
          twice: options.twice,
        })
      }
    })
  }

  const textDamage = (d: ProviderDocument) =>
    d.format === 'json' ? jsonTokenEdits(d.text, spec.vocabulary ?? [], junk) : xmlMutations(d.text)
  const fieldEdits = (d: ProviderDocument) => {
    const root: unknown = JSON.parse(d.text)
    return keyEdits(root, sitesOf(root, d.sites), junk).map((edit) => applyEdit(d.text, edit))
  }

  // A real document (a whole match) may take longer than the hang guard allows a small one, and may repeat an
  // id where ids are the provider's own.
  const validDocuments = (documents: readonly ProviderDocument[], real = false) => {
    const valid = { timeout: real ? 10_000 : HANG_MS, uniqueIds: !real || spec.repeatedIds !== 'as sent' }
    for (const document of documents) {
      let events = 0
      for (const [way, parse] of Object.entries(document.parse)) {
        const bytes = new TextEncoder().encode(document.text)
        const parsed: unknown = document.format === 'json' ? JSON.parse(document.text) : undefined
        // The same text twice (a whole match: text and its bytes are the twice), its bytes, its parsed JSON.
        const forms: [string, () => unknown][] = [['text', () => parse(document.text)]]
        if (!real) forms.push(['text again', () => parse(document.text)])
        forms.push(['bytes', () => parse(bytes)])
        if (parsed !== undefined) forms.push(['parsed JSON', () => parse(parsed)])
        let first: string[] | undefined
        for (const [form, run] of forms) {
          const label = `${document.name} (${way}), from ${form}`
          const o = outcome(spec, attempt(label, undefined, run), valid)
          expectOutcome(o, ['ok'], label)
          const ids = (o as { ids: string[] }).ids
          first ??= ids
          expect(ids, `${label}: the same ids as from text`).toEqual(first)
          events += ids.length
        }
        if (parsed !== undefined) {
          expect(parsed, `${document.name} (${way}): its input left as it was`).toEqual(
            JSON.parse(document.text),
          )
        }
      }
      expect(events, `${document.name}: events`).toBeGreaterThan(0)
    }
  }

  describe(`${spec.name}: provider conformance`, () => {
    it('valid documents: valid MatchEvents, ids made of their parts, unique, the same from text, bytes, JSON, twice', () => {
      validDocuments(spec.documents)
    })

    if (spec.shared) {
      const name = 'real documents (shared folder): the same, on whole matches'
      if (hasShared) it(name, () => validDocuments(spec.shared!(), true), 60_000)
      else it.skip(`${name} (skipped: no shared data at ${SHARED_DIR}; set MATCHFEED_SHARED_DIR)`, () => {})
    }

    const garbage = payloadGarbage(spec.garbage)
    property('garbage as the whole payload: any value, text, bytes, hostile keys', 'garbage', () => garbage)
    property('truncated text', 'truncated', (d) => truncations(d.text))
    property('overwritten bytes', 'bytes', (d) => overwrittenBytes(d.text))
    property('damaged text: a JSON token; XML attributes, tags, declarations', 'text', textDamage)
    property(
      'one key of one object deleted, retyped, nudged or replaced, at any level',
      'fields',
      fieldEdits,
      {
        jsonOnly: true,
      },
    )
    property('garbage in place of a whole item', 'items', (d) => itemReplacements(d.text), { jsonOnly: true })
    property('hostile text: NUL, lone surrogates, 10 KB names, __proto__ keys', 'hostile', (d) =>
      d.format === 'json' ? jsonHostile(d.text) : xmlHostile(d.text),
    )

    it('hostile text in every string field, one field at a time: NUL, lone surrogates, 10 KB, __proto__', () => {
      // Each field once for the documents parsed the same ways (variants of one document).
      const done = new Set<string>()
      for (const document of spec.documents) {
        const [way, parse] = Object.entries(document.parse)[0]!
        for (const { field, value, input } of everyStringField(document)) {
          const key = JSON.stringify([Object.keys(document.parse), field, value])
          if (done.has(key)) continue
          done.add(key)
          const a = attempt(`${document.name} (${way}), ${field}`, input, () => parse(input))
          expectOutcome(outcome(spec, a), ['ok', 'rejected'], `${a.label}: ${preview(input)}`)
        }
      }
    })

    property(
      'the same damaged bytes twice: the same ids, or the same error',
      'stable',
      (d) => (d.format === 'json' ? fc.oneof(fieldEdits(d), textDamage(d)) : textDamage(d)).map(asBytes),
      { twice: true },
    )

    for (const p of spec.properties ?? []) {
      it(`${p.name} (${p.runs} cases)`, () => {
        check(spec, p.attempts, {
          runs: p.runs,
          seed: seedOf(spec, p.name),
          rejected: p.rejected,
          mix: p.mix,
        })
      })
    }
  })
}
