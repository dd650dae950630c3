import type { MatchEvent } from '../event/schema.js'
import { validateMatchEvents } from '../event/validate.js'
import type { Sink } from '../pipeline/contracts.js'

/** One stored event at its position in its match's order. */
export interface LiveEntry {
  position: string
  event: MatchEvent
}

/**
 * Where the hub reads a match's events from: an append-only, ordered log per match in which every stored
 * (id, version) has its own position, a correction or a deletion a later one. The hub builds snapshots and
 * fills every gap from it, so its order is the order every client sees.
 */
export interface LiveStore {
  readonly name: string
  /** The position before every entry of a match ("0", "0-0"). */
  readonly start: string
  /** A match's entries after `after` (exclusive), in order, at most `limit`. */
  read(matchId: string, after: string, limit: number): Promise<LiveEntry[]>
  /** Orders two positions of one match: negative when `a` comes first, 0 when equal, positive after. */
  compare(a: string, b: string): number
  /** Whether a client's position is one of this store's; one that is not gets a snapshot. */
  isPosition(position: string): boolean
  /**
   * Calls `changed` when the match may have new entries (best effort: the hub also polls) and resolves
   * once watching; the returned function stops it.
   */
  watch?(matchId: string, changed: () => void): Promise<() => void>
  close?(): Promise<void>
}

export interface MemoryLiveStore extends LiveStore, Sink {
  /** Stores events: each (id, version) newer than the stored one gets the match's next position. */
  append(events: readonly MatchEvent[]): void
}

export interface MemoryLiveStoreOptions {
  name?: string
  /**
   * Seeds a match from durable storage on its first read, so a restarted process still has its snapshot:
   * `(matchId) => readEvents(pool, { matchId })` (the latest version of each event). Entered before the
   * events appended meanwhile that are newer.
   */
  load?: (matchId: string) => Promise<readonly MatchEvent[]>
}

/**
 * A store in this process: a sink (put it in a pipeline) and a LiveStore, positions being a counter per
 * match behind this store's own random epoch (`k3x9q1:17`), so a position from before a restart is never
 * taken for one of now (the client gets a snapshot). For one hub instance, tests and the embedded default;
 * several instances need a shared store (Redis Streams).
 */
export function memoryLiveStore(options: MemoryLiveStoreOptions = {}): MemoryLiveStore {
  const logs = new Map<string, { entries: LiveEntry[]; versions: Map<string, number> }>()
  const watchers = new Map<string, Set<() => void>>()
  const loads = new Map<string, Promise<void>>()
  const epoch = Math.random().toString(36).slice(2, 8).padEnd(6, '0')
  const positionForm = new RegExp(`^${epoch}:(0|[1-9]\\d{0,14})$`)
  const counter = (position: string) => Number(position.slice(epoch.length + 1))

  /** The first read of a match waits for its seed; appends in the meantime go after it when newer. */
  function loaded(matchId: string): Promise<void> | undefined {
    if (!options.load) return undefined
    let load = loads.get(matchId)
    if (!load) {
      load = options.load(matchId).then(
        (events) => {
          const waiting = logs.get(matchId)
          logs.delete(matchId)
          append(events)
          if (waiting) append(waiting.entries.map((e) => e.event))
        },
        (error: unknown) => {
          loads.delete(matchId) // the next read tries again
          throw error
        },
      )
      loads.set(matchId, load)
    }
    return load
  }

  function append(events: readonly MatchEvent[]): void {
    const changed = new Set<string>()
    for (const event of events) {
      let log = logs.get(event.matchId)
      if (!log) {
        log = { entries: [], versions: new Map() }
        logs.set(event.matchId, log)
      }
      const known = log.versions.get(event.id)
      if (known !== undefined && known >= event.version) continue
      log.versions.set(event.id, event.version)
      log.entries.push({ position: `${epoch}:${log.entries.length + 1}`, event })
      changed.add(event.matchId)
    }
    for (const matchId of changed) for (const notify of watchers.get(matchId) ?? []) notify()
  }

  return {
    name: options.name ?? 'live-memory',
    start: `${epoch}:0`,
    append,
    async write(batch) {
      append(validateMatchEvents(batch))
    },
    async read(matchId, after, limit) {
      await loaded(matchId)
      const entries = logs.get(matchId)?.entries ?? []
      const from = counter(after) // position n is entries[n - 1]
      return entries.slice(from, from + limit)
    },
    compare: (a, b) => counter(a) - counter(b),
    isPosition: (position) => positionForm.test(position),
    async watch(matchId, changed) {
      let set = watchers.get(matchId)
      if (!set) {
        set = new Set()
        watchers.set(matchId, set)
      }
      set.add(changed)
      return () => {
        set.delete(changed)
        if (set.size === 0) watchers.delete(matchId)
      }
    },
  }
}
