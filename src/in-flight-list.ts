interface Node<T> {
  value: T | undefined
  previous: Node<T> | undefined
  next: Node<T> | undefined
}

/**
 * Things under way (writes, deadlines), each removed once, in any order: a doubly linked list whose nodes are
 * unlinked and emptied on removal. Not a Set: in a long-lived Set whose entries come and go, removed entries
 * were measured to survive the collector's young-generation passes until a full collection (as far as we can
 * tell, V8 keeps the tables a Set has outgrown, entries included, for iterators still on them, and an old one
 * holds young entries alive), and with them each write's closure and the batch it holds: about 1 KB promoted
 * to the old generation per webhook delivery in process (docs/benchmarks.md).
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
