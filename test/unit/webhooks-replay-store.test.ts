import { describe, expect, it } from 'vitest'
import { createMemorySeenIdStore } from '../../src/webhooks/index.js'

describe('createMemorySeenIdStore', () => {
  it('remembers a key until its TTL has passed', () => {
    let now = 1_000
    const store = createMemorySeenIdStore({ now: () => now })
    store.add('a', 500)
    expect(store.has('a')).toBe(true)
    now = 1_499
    expect(store.has('a')).toBe(true)
    now = 1_500
    expect(store.has('a')).toBe(false)
    expect(store.has('never')).toBe(false)
  })

  it('always remembers the last maxEntries keys, and holds at most twice as many', () => {
    const maxEntries = 100
    const store = createMemorySeenIdStore({ maxEntries })
    for (let added = 1; added <= 1_000; added++) {
      store.add(`k${added}`, 60_000)
      // The newest maxEntries are all there, whatever the moment in the generations' turnover…
      for (let k = Math.max(1, added - maxEntries + 1); k <= added; k++) expect(store.has(`k${k}`)).toBe(true)
      // …and nothing older than twice that.
      if (added > 2 * maxEntries) expect(store.has(`k${added - 2 * maxEntries}`)).toBe(false)
    }
  })

  it('a key added again gets its new TTL', () => {
    let now = 0
    const store = createMemorySeenIdStore({ now: () => now })
    store.add('a', 100)
    store.add('a', 1_000)
    now = 500
    expect(store.has('a')).toBe(true)
  })

  it('a key added again counts as recent: it outlives keys added after its first add', () => {
    const store = createMemorySeenIdStore({ maxEntries: 2 })
    for (const key of ['a', 'b', 'c']) store.add(key, 60_000) // 'a' and 'b' are now the older generation
    store.add('a', 60_000) // 'a' again: into the newer one, with 'c'
    store.add('d', 60_000) // the older generation is dropped: 'b' with it, not 'a'
    expect(store.has('a')).toBe(true)
    expect(store.has('b')).toBe(false)
  })
})
