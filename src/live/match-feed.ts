import type { LiveEntry, LiveStore } from './store.js'

/** What a match feed needs of its hub. */
export interface FeedHost {
  readonly store: LiveStore
  readonly pageSize: number
  readonly batchMs: number
  readonly pollMs: number
  /** Called with each page read: the entries are applied, `frame` is to go to every live subscriber. */
  broadcast(feed: MatchFeed, entries: LiveEntry[]): void
  onError(error: unknown): void
}

/**
 * One match as a hub holds it while it has subscribers: the latest entry of every event id (the snapshot)
 * and the head, the position of the last entry read. Reads are one at a time, from the head on; a wake-up
 * during a read asks for one more after it, `batchMs` later, so the events of a few ms leave as one frame.
 * Head, state and broadcast change together, synchronously, after each page: a subscriber that joins at the
 * head between two pages gets each entry exactly once.
 */
export class MatchFeed {
  readonly state = new Map<string, LiveEntry>()
  head: string
  loaded = false
  disposed = false
  /** Subscriptions, live or catching up: the feed lingers a while after the last one leaves. */
  holders = 0
  readonly watching: Promise<void>
  private unwatch: (() => void) | undefined
  private readonly poll: ReturnType<typeof setInterval>
  private next: { promise: Promise<number>; resolve(n: number): void; reject(e: unknown): void } | undefined
  private reading = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private wakeRetries = 0

  constructor(
    readonly matchId: string,
    private readonly host: FeedHost,
  ) {
    this.head = host.store.start
    this.poll = setInterval(() => this.read().catch(() => {}), host.pollMs)
    this.poll.unref?.()
    this.watching = (async () => {
      try {
        const stop = await host.store.watch?.(matchId, () => this.wake())
        if (this.disposed) stop?.()
        else this.unwatch = stop
      } catch (error) {
        host.onError(error) // polling still delivers, later
      }
    })()
  }

  /** Resolves once a read that started after this call is done, with the number of entries it found. */
  read(delayMs = this.host.batchMs): Promise<number> {
    if (this.disposed) return Promise.resolve(0)
    if (!this.next) {
      let resolve!: (n: number) => void
      let reject!: (e: unknown) => void
      const promise = new Promise<number>((res, rej) => {
        resolve = res
        reject = rej
      })
      promise.catch(() => {})
      this.next = { promise, resolve, reject }
      if (!this.reading) this.schedule(delayMs)
    }
    return this.next.promise
  }

  dispose(): void {
    this.disposed = true
    clearInterval(this.poll)
    clearTimeout(this.timer)
    this.unwatch?.()
    this.next?.resolve(0)
    this.next = undefined
  }

  /**
   * A Pub/Sub wake-up may come before the stream has the entry (the sinks write in parallel, and on a busy box
   * one may lag the other by much more than a few ms): look again, doubling the wait, until the poll would —
   * unless the head moved meanwhile (another read took the entry this wake-up was for).
   */
  private wake(): void {
    const head = this.head
    this.read().then(
      (found) => {
        const wait = 10 * 2 ** this.wakeRetries
        if (found > 0 || this.head !== head || this.disposed || wait >= this.host.pollMs) this.wakeRetries = 0
        else {
          this.wakeRetries++
          setTimeout(() => this.wake(), wait).unref?.()
        }
      },
      () => {},
    )
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.run(), delayMs)
    this.timer.unref?.()
  }

  private async run(): Promise<void> {
    const waiting = this.next
    this.next = undefined
    this.reading = true
    try {
      const found = await this.readToEnd()
      waiting?.resolve(found)
    } catch (error) {
      this.host.onError(error)
      waiting?.reject(error)
    } finally {
      this.reading = false
      if (this.next && !this.disposed) this.schedule(this.host.batchMs)
    }
  }

  private async readToEnd(): Promise<number> {
    const { store, pageSize } = this.host
    let found = 0
    for (;;) {
      const entries = await store.read(this.matchId, this.head, pageSize)
      if (this.disposed) return found
      const fresh = entries.filter((e) => store.compare(e.position, this.head) > 0)
      if (fresh.length > 0) {
        for (const entry of fresh) this.state.set(entry.event.id, entry)
        this.head = fresh[fresh.length - 1]!.position
        found += fresh.length
        this.host.broadcast(this, fresh)
      }
      if (entries.length < pageSize) break
    }
    this.loaded = true
    return found
  }
}
