/**
 * A map that keeps about its last `capacity` keys, in two generations: keys are set in the young one; when it
 * is full, the old one is dropped whole and the young one takes its place. Between `capacity / 2` and
 * `capacity` keys are held. Dropping oldest-first one key at a time (a Map's delete of its first key on every
 * insert) made the collector and the map's compaction a tenth of the pipeline's cost at one event per batch
 * (bench/e2e); here nothing is evicted key by key.
 */
export class RecentMap<K, V> {
  private young = new Map<K, V>()
  private old = new Map<K, V>()
  private readonly half: number

  constructor(capacity: number) {
    this.half = Math.max(1, Math.ceil(capacity / 2))
  }

  get(key: K): V | undefined {
    return this.young.get(key) ?? this.old.get(key)
  }

  /** Sets in the young generation (a key only in the old one moves up, so it stays). */
  set(key: K, value: V): void {
    if (this.young.size >= this.half && !this.young.has(key)) {
      this.old = this.young
      this.young = new Map()
    }
    this.young.set(key, value)
  }

  delete(key: K): void {
    this.young.delete(key)
    this.old.delete(key)
  }

  /** The keys held (one that moved up to the young generation may still be counted in the old one too). */
  get size(): number {
    return this.young.size + this.old.size
  }

  values(): IterableIterator<V> {
    return [...this.old.values(), ...this.young.values()][Symbol.iterator]()
  }
}
