import { invalidOption } from '../errors.js'
import type { MatchEvent, PlayerRef, TeamRef } from '../event/schema.js'
import type { Transform } from '../pipeline/contracts.js'
import { RecentMap } from '../recent-map.js'
import {
  checkIdMapEntries,
  checkIdMapKeys,
  ID_KINDS,
  type IdKind,
  type IdMapEntry,
  type IdMapKey,
  IdMappingError,
  InvalidIdMapEntryError,
  idProblem,
  isProviderName,
  keyOf,
} from './entries.js'
import { checkFilter, type IdMapFilter, type IdMapStore } from './store.js'

export interface IdMappingOptions {
  store: IdMapStore
  /**
   * Your own lookup, asked for an id the store does not have (concurrently for the ids of one batch): the
   * user's id, or undefined when there is none. Its answers are cached like the store's. When it throws, the
   * batch is given back to its source (IdMappingError).
   */
  lookup?: (
    provider: string,
    kind: IdKind,
    externalId: string,
  ) => string | undefined | Promise<string | undefined>
  /** How many ids the cache keeps (between half and all of them: RecentMap). Default 10,000. */
  cacheSize?: number
  /**
   * How long a cached answer — mapped or not — is trusted, in ms. Default 60,000: an entry set through another
   * process (or straight in the table) is seen within a minute; one set through this mapping's `set`, at once.
   */
  cacheTtlMs?: number
  /** Called once per batch for each id that had no mapping (an observer: what it throws is ignored). */
  onUnmapped?: (key: IdMapKey) => void
  now?: () => number
}

export interface UnmappedId extends IdMapKey {
  /** How many times events named it unmapped (since it entered the recent list). */
  count: number
  lastSeenAt: number
}

export interface IdMappingMetrics {
  /** Per provider and kind, the ids events named that were mapped and that passed through unmapped. */
  ids: { provider: string; kind: IdKind; mapped: number; unmapped: number }[]
  /** Batches given back because the store or the lookup failed. */
  failures: number
  /** Ids in the cache. */
  cached: number
}

/**
 * The id-mapping transform (for `createPipeline({ transforms })`), with the way to change the map (so this
 * process's cache follows at once) and what it counted.
 */
export interface IdMapping extends Transform {
  transform(batch: readonly MatchEvent[]): Promise<readonly MatchEvent[]>
  readonly store: IdMapStore
  /** Per provider and kind, how many ids went through unmapped; and the most recent unmapped ids (up to 1,000). */
  unmapped(): { counts: { provider: string; kind: IdKind; count: number }[]; recent: UnmappedId[] }
  metrics(): IdMappingMetrics
  /** Upserts entries in the store and in the cache. */
  set(entries: readonly IdMapEntry[]): Promise<void>
  delete(keys: readonly IdMapKey[]): Promise<void>
  list(filter?: IdMapFilter): Promise<IdMapEntry[]>
}

const RECENT_UNMAPPED = 1_000

interface Cached {
  id: string | undefined
  at: number
  /** When it was written, from `stamps`: a lookup begun earlier never overwrites it. */
  stamp: number
}
interface Counts {
  mapped: number
  unmapped: number
}
/** An id of the batch being mapped: its answer, and how many times the batch names it. */
interface Ref extends IdMapKey {
  id: string | undefined
  uses: number
  /** An id no event can hold (NUL, a lone surrogate, too long): never looked up, left for validation to refuse. */
  invalid?: true
}

/**
 * Maps the provider's match, team and player ids of every event to yours: `matchId` becomes your match id
 * (the provider's kept as `providerMatchId`), `team.id` / `player.id` / `relatedPlayer.id` yours (the
 * provider's kept as `providerId`). The event `id` is not touched: it is built from the provider's match id, so
 * the same provider event has the same id whether or not a mapping existed when it arrived. An id without a
 * mapping passes through unchanged and is counted. One store query per batch, for the ids not in the cache.
 */
export function idMapping(options: IdMappingOptions): IdMapping {
  const owner = 'idMapping'
  const store = options?.store
  if (!store || typeof store.get !== 'function' || typeof store.set !== 'function')
    throw invalidOption(
      owner,
      'store',
      'must be an IdMapStore (memoryIdMapStore, postgresIdMapStore or yours)',
    )
  if (options.lookup !== undefined && typeof options.lookup !== 'function')
    throw invalidOption(owner, 'lookup', 'must be a function (provider, kind, externalId) => id | undefined')
  const cacheSize = options.cacheSize ?? 10_000
  if (!Number.isInteger(cacheSize) || cacheSize < 1)
    throw invalidOption(owner, 'cacheSize', 'must be a positive integer')
  const ttl = options.cacheTtlMs ?? 60_000
  if (!Number.isFinite(ttl) || ttl < 0) throw invalidOption(owner, 'cacheTtlMs', 'must be a number ≥ 0')
  const now = options.now ?? Date.now
  const lookup = options.lookup
  const cache = new RecentMap<string, Cached>(cacheSize)
  // Per provider, per kind: small and fixed (providers × 3).
  const counts = new Map<string, Record<IdKind, Counts>>()
  const recent = new Map<string, UnmappedId>()
  let failures = 0
  // Stamps of cache writes, increasing. A lookup takes one before asking the store, so an answer read before
  // a set() or delete() of this process cannot replace what that wrote (docs: `set` is seen at once).
  let stamps = 0
  // The stamp of the last set() or delete(): when its entry has since left the cache (a full cache drops a
  // generation), a lookup begun before it does not cache its answer either.
  let lastWrite = 0

  function countsOf(provider: string): Record<IdKind, Counts> {
    let c = counts.get(provider)
    if (!c) {
      c = {
        match: { mapped: 0, unmapped: 0 },
        team: { mapped: 0, unmapped: 0 },
        player: { mapped: 0, unmapped: 0 },
      }
      counts.set(provider, c)
    }
    return c
  }

  function noteUnmapped(key: IdMapKey, uses: number, at: number) {
    const k = keyOf(key.provider, key.kind, key.externalId)
    const seen = recent.get(k)
    if (seen) {
      seen.count += uses
      seen.lastSeenAt = at
      return
    }
    recent.set(k, { ...key, count: uses, lastSeenAt: at })
    // Oldest first out; a busy one dropped comes back on its next event.
    if (recent.size > RECENT_UNMAPPED) recent.delete(recent.keys().next().value as string)
  }

  /** Answers the ids the cache did not: the store first (one call), then the lookup hook; caches the answers. */
  async function resolveMissing(missing: Ref[], at: number) {
    const stamp = ++stamps
    let found: IdMapEntry[]
    try {
      found = await store.get(
        missing.map(({ provider, kind, externalId }) => ({ provider, kind, externalId })),
      )
    } catch (error) {
      failures++
      throw new IdMappingError(
        `id mapping: the store failed to look ${describe(missing)} up: ${message(error)}`,
        error,
      )
    }
    const answers = new Map(found.map((e) => [keyOf(e.provider, e.kind, e.externalId), e.internalId]))
    for (const ref of missing) ref.id = answers.get(keyOf(ref.provider, ref.kind, ref.externalId))
    const asked = lookup === undefined ? [] : missing.filter((ref) => ref.id === undefined)
    if (asked.length > 0) {
      try {
        const ids = await Promise.all(asked.map((k) => lookup!(k.provider, k.kind, k.externalId)))
        ids.forEach((id, i) => {
          const ref = asked[i]!
          if (id === undefined || id === null) return
          const problem = idProblem(ref.kind, id)
          if (problem !== undefined)
            throw new InvalidIdMapEntryError(
              `lookup(${ref.provider}, ${ref.kind}, ${JSON.stringify(ref.externalId)})`,
              problem,
            )
          ref.id = id
        })
      } catch (error) {
        failures++
        throw new IdMappingError(
          `id mapping: the lookup of ${describe(asked)} failed: ${message(error)}`,
          error,
        )
      }
    }
    for (const ref of missing) {
      const key = keyOf(ref.provider, ref.kind, ref.externalId)
      const newer = cache.get(key)
      if (newer !== undefined && newer.stamp > stamp) {
        // set() or delete() ran while the store was asked: theirs is the answer, for this batch too.
        ref.id = newer.id
        continue
      }
      if (newer === undefined && lastWrite > stamp) continue // its entry may have been dropped: ask again
      cache.set(key, { id: ref.id, at, stamp })
      if (ref.id !== undefined) recent.delete(key)
    }
  }

  async function transform(batch: readonly MatchEvent[]): Promise<readonly MatchEvent[]> {
    // Not yet validated: anything that is not an event's shape passes through, for validation to refuse.
    if (!Array.isArray(batch) || batch.length === 0) return batch
    const at = now()
    // This batch's ids, each once, by provider then kind then id: no key string is built per event.
    const refs = new Map<string, Record<IdKind, Map<string, Ref>>>()
    const missing: Ref[] = []
    const refOf = (provider: string, kind: IdKind, externalId: string): Ref => {
      let byKind = refs.get(provider)
      if (!byKind) {
        byKind = { match: new Map(), team: new Map(), player: new Map() }
        refs.set(provider, byKind)
      }
      let ref = byKind[kind].get(externalId)
      if (!ref) {
        ref = { provider, kind, externalId, id: undefined, uses: 0 }
        byKind[kind].set(externalId, ref)
        const cached = cache.get(keyOf(provider, kind, externalId))
        if (cached !== undefined && at - cached.at < ttl) ref.id = cached.id
        // Only on a miss (an id once cached was valid): an id Postgres cannot take (NUL, a lone surrogate)
        // would fail the whole store query, a retryable failure for ever, where validation names the field.
        else if (idProblem(kind, externalId) !== undefined) ref.invalid = true
        else missing.push(ref)
      }
      return ref
    }
    for (const event of batch) {
      const e = event as Partial<MatchEvent> | null
      if (typeof e !== 'object' || e === null || !isProviderName(e.provider)) continue
      // A field already carrying the provider's id was mapped before (a replay of stored events): left as it is.
      if (e.providerMatchId === undefined && typeof e.matchId === 'string')
        refOf(e.provider, 'match', e.matchId)
      if (isRef(e.team)) refOf(e.provider, 'team', e.team.id)
      if (isRef(e.player)) refOf(e.provider, 'player', e.player.id)
      if (isRef(e.relatedPlayer)) refOf(e.provider, 'player', e.relatedPlayer.id)
    }
    if (missing.length > 0) await resolveMissing(missing, at)

    const use = (byKind: Record<IdKind, Map<string, Ref>>, kind: IdKind, externalId: string) => {
      const ref = byKind[kind].get(externalId)!
      ref.uses++
      return ref.id
    }
    const mapRef = <R extends TeamRef | PlayerRef>(
      byKind: Record<IdKind, Map<string, Ref>>,
      kind: IdKind,
      ref: R | undefined,
    ): R | undefined => {
      if (!isRef(ref)) return ref
      const id = use(byKind, kind, ref.id)
      return id === undefined ? ref : { ...ref, id, providerId: ref.id }
    }
    let out: MatchEvent[] | undefined
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i]!
      let mapped = event
      const e = event as Partial<MatchEvent> | null
      const byKind = typeof e === 'object' && e !== null ? refs.get(e.provider as string) : undefined
      if (byKind !== undefined) {
        const matchId =
          e!.providerMatchId === undefined && typeof e!.matchId === 'string'
            ? use(byKind, 'match', e!.matchId)
            : undefined
        const team = mapRef(byKind, 'team', e!.team)
        const player = mapRef(byKind, 'player', e!.player)
        const relatedPlayer = mapRef(byKind, 'player', e!.relatedPlayer)
        if (
          matchId !== undefined ||
          team !== e!.team ||
          player !== e!.player ||
          relatedPlayer !== e!.relatedPlayer
        ) {
          const copy = { ...event } as MatchEvent
          if (matchId !== undefined) {
            copy.providerMatchId = event.matchId
            copy.matchId = matchId
          }
          if (team !== undefined) copy.team = team
          if (player !== undefined) copy.player = player
          if (relatedPlayer !== undefined) copy.relatedPlayer = relatedPlayer
          mapped = copy
        }
      }
      if (mapped !== event) out ??= batch.slice(0, i)
      out?.push(mapped)
    }

    // Counted once per id per batch.
    for (const [provider, byKind] of refs) {
      const c = countsOf(provider)
      for (const kind of ID_KINDS) {
        for (const ref of byKind[kind].values()) {
          if (ref.invalid) continue // validation refuses its event
          if (ref.id !== undefined) {
            c[kind].mapped += ref.uses
            continue
          }
          c[kind].unmapped += ref.uses
          noteUnmapped(ref, ref.uses, at)
          try {
            options.onUnmapped?.({ provider, kind, externalId: ref.externalId })
          } catch {
            // ignored on purpose: an observer
          }
        }
      }
    }
    // Nothing mapped: the very array goes on (a parser's batch stays marked as checked).
    return out ?? batch
  }

  /** Caches what set() or delete() wrote, stamped after the store took it (an older lookup cannot replace it). */
  function written(entries: readonly { provider: string; kind: IdKind; externalId: string; id?: string }[]) {
    const at = now()
    const stamp = ++stamps
    lastWrite = stamp
    for (const e of entries) {
      const key = keyOf(e.provider, e.kind, e.externalId)
      cache.set(key, { id: e.id, at, stamp })
      if (e.id !== undefined) recent.delete(key)
    }
  }

  return {
    name: 'id-mapping',
    store,
    transform,
    async set(list) {
      const entries = checkIdMapEntries(list)
      await store.set(entries)
      written(entries.map((e) => ({ ...e, id: e.internalId })))
    },
    async delete(list) {
      const keys = checkIdMapKeys(list)
      await store.delete(keys)
      // A "no mapping" entry, not a removed key: a lookup in flight must not bring the deleted id back.
      written(keys)
    },
    list(filter) {
      checkFilter(filter)
      return store.list(filter)
    },
    unmapped() {
      const byKind: { provider: string; kind: IdKind; count: number }[] = []
      for (const [provider, c] of counts)
        for (const kind of ['match', 'team', 'player'] as const)
          if (c[kind].unmapped > 0) byKind.push({ provider, kind, count: c[kind].unmapped })
      const list = [...recent.values()].map((u) => ({ ...u })).sort((a, b) => b.lastSeenAt - a.lastSeenAt)
      return { counts: byKind, recent: list }
    },
    metrics() {
      const ids: IdMappingMetrics['ids'] = []
      for (const [provider, c] of counts)
        for (const kind of ['match', 'team', 'player'] as const) ids.push({ provider, kind, ...c[kind] })
      return { ids, failures, cached: cache.size }
    },
  }
}

function isRef(ref: unknown): ref is { id: string; providerId?: string } {
  return (
    typeof ref === 'object' &&
    ref !== null &&
    typeof (ref as { id?: unknown }).id === 'string' &&
    (ref as { providerId?: unknown }).providerId === undefined
  )
}

function describe(keys: readonly IdMapKey[]): string {
  const first = keys[0]!
  const more = keys.length > 1 ? ` and ${keys.length - 1} more` : ''
  return `${first.provider} ${first.kind} ${JSON.stringify(first.externalId)}${more}`
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
