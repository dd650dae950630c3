interface Node<T> {
  value: T | undefined
  previous: Node<T> | undefined
  next: Node<T> | undefined
}

/**
 * Things under way (writes, deadlines), each removed once, in any order: a doubly linked list whose nodes are
 * unlinked and emptied on removal. Not a Set: in a long-lived Set or Map whose entries come and go, removed
 * entries still survived the collector's young-generation passes (V8 keeps the hash tables a Set has
 * outgrown, entries included, and an old one holds young entries alive until a full collection), so every
 * write's closure and the batch it holds were promoted to the old generation: about 1 KB a webhook delivery
 * in process, and the young-generation collector's time grew with it (docs/benchmarks.md).
 */
export class InFlightList<T> {
  private readonly head: Node<T> = { value: undefined, previous: undefined, next: undefined }
  private count = 0

  constructor() {
    this.head.previous = this.head
    this.head.next = this.head
  }

  get size(): number {
    return this.count
  }

  /** Adds `value` at the end; returns its removal, which does nothing after the first call. */
  add(value: T): () => void {
    const last = this.head.previous!
    const node: Node<T> = { value, previous: last, next: this.head }
    last.next = node
    this.head.previous = node
    this.count++
    return () => {
      if (node.next === undefined) return
      node.previous!.next = node.next
      node.next.previous = node.previous
      node.value = node.previous = node.next = undefined
      this.count--
    }
  }

  /** The oldest value held, if any. */
  first(): T | undefined {
    return this.head.next === this.head ? undefined : this.head.next!.value
  }

  /** The values held now, in order of addition; one removed before its turn is skipped. */
  *[Symbol.iterator](): IterableIterator<T> {
    const nodes: Node<T>[] = []
    for (let node = this.head.next!; node !== this.head; node = node.next!) nodes.push(node)
    for (const node of nodes) if (node.next !== undefined) yield node.value as T
  }
}
