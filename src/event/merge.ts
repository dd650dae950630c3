import type { MatchEvent } from './schema.js'

type Versioned = Pick<MatchEvent, 'id' | 'version'>

/**
 * The merge rule: `a` replaces `b` when both are the same event (`id`) and `a` has the higher
 * `version`. A deletion is a version like any other, so a later correction can undo it. Equal
 * versions never supersede: re-delivering an event changes nothing.
 */
export function supersedes(a: Versioned, b: Versioned): boolean {
  return a.id === b.id && a.version > b.version
}

/** Keeps the latest version of each event id, in first-seen order. */
export function latestVersions<E extends Versioned>(events: Iterable<E>): E[] {
  const byId = new Map<string, E>()
  for (const event of events) {
    const current = byId.get(event.id)
    if (current === undefined || supersedes(event, current)) byId.set(event.id, event)
  }
  return [...byId.values()]
}
