import { MatchfeedError, ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { credentialsVerifier } from '../../webhooks/credentials.js'
import { createWebhookHandler, type WebhookContext, type WebhookHandler } from '../../webhooks/handler.js'
import { getHeader } from '../../webhooks/headers.js'
import type { IpAllowlist } from '../../webhooks/ip-allowlist.js'
import { createSnapshotDiffer } from '../snapshot.js'
import { parseOptaF24 } from './parse-f24.js'
import { parseStatsPerformMA3 } from './parse-ma3.js'

export interface OptaPushHandlerOptions {
  /**
   * Receives only what is new, changed or deleted since the game's previous snapshot, one push of a game at
   * a time. Resolve once durable.
   */
  onEvents(events: MatchEvent[], push: { feedType: string; gameId: string | undefined }): unknown
  /**
   * Opta's push carries no signature: allow its addresses, and/or require HTTP Basic credentials or a
   * shared-secret header (as configured with Opta). At least one is required.
   */
  auth: {
    allowIps?: readonly string[] | IpAllowlist
    trustedProxies?: readonly string[] | IpAllowlist
    basic?: { username: string; password: string }
    header?: { name: string; secret: string }
  }
  /** Whole-match snapshots are large. Default 32 MiB. */
  maxBodyBytes?: number
  /** Games whose last snapshot is remembered. Default 200. */
  maxGames?: number
  onError?: (error: unknown) => void
}

const decoder = new TextDecoder()

/**
 * Receives Opta's HTTP pushes (F24 and F7 XML, MA3 JSON or XML; metadata in `x-meta-*` headers) through
 * matchfeed's webhook handler. Each push is a whole snapshot: the handler keeps the last version of each
 * event per game and hands on only the difference. The game's state moves on only after `onEvents`
 * resolved, so a push that failed is handled again when Opta re-sends it.
 */
export function createOptaPushHandler(options: OptaPushHandlerOptions): WebhookHandler {
  const { auth } = options
  if (!auth.allowIps && !auth.basic && !auth.header) {
    throw new MatchfeedError(
      'createOptaPushHandler: configure auth.allowIps, auth.basic and/or auth.header',
      {
        code: 'invalid_option',
      },
    )
  }
  const maxGames = options.maxGames ?? 200
  const differ = createSnapshotDiffer({ stampVersions: false, maxMatches: maxGames })
  const f7ByGame = new Map<string, Uint8Array>()
  const pushes = new WeakMap<WebhookContext, { feedType: string; gameId: string | undefined }>()
  // One snapshot of a game at a time: diff, hand on, commit. Two in flight would diff against the same state.
  const gameQueues = new Map<string, Promise<unknown>>()
  function oneAtATime(gameId: string, work: () => Promise<void>): Promise<void> {
    const run = (gameQueues.get(gameId) ?? Promise.resolve()).then(work)
    const tail = run.catch(() => {})
    gameQueues.set(gameId, tail)
    void tail.then(() => {
      if (gameQueues.get(gameId) === tail) gameQueues.delete(gameId)
    })
    return run
  }

  return createWebhookHandler({
    verify:
      auth.basic || auth.header ? credentialsVerifier({ basic: auth.basic, header: auth.header }) : 'none',
    allowIps: auth.allowIps,
    trustedProxies: auth.trustedProxies,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    onError: options.onError,
    parse(body, context) {
      const declared = getHeader(context.headers, 'x-meta-feed-type')?.toUpperCase()
      const gameHeader = getHeader(context.headers, 'x-meta-game-id')
      const feedType = declared ?? sniff(body)
      const head = decoder.decode(body.subarray(0, 4096))
      if (feedType === 'F7') {
        const gameId = gameHeader ?? /<SoccerDocument[^>]*\suID="f?(\d+)"/.exec(head)?.[1]
        if (!gameId) throw new ProviderPayloadError('opta', 'x-meta-game-id', 'an F7 push needs its game id')
        f7ByGame.delete(gameId)
        f7ByGame.set(gameId, body)
        if (f7ByGame.size > maxGames) f7ByGame.delete(f7ByGame.keys().next().value as string)
        return []
      }
      let events: MatchEvent[]
      if (feedType === 'F24') {
        const gameInBody = /<Game\s[^>]*\bid="(\d+)"/.exec(head)?.[1]
        events = parseOptaF24(body, { f7: f7ByGame.get(gameHeader ?? gameInBody ?? '') })
      } else if (feedType === 'MA3') {
        events = parseStatsPerformMA3(body)
      } else {
        throw new ProviderPayloadError(
          'opta',
          'x-meta-feed-type',
          `"${feedType}" is not a feed matchfeed reads (F24, F7, MA3)`,
        )
      }
      pushes.set(context, { feedType, gameId: events[0]?.matchId ?? gameHeader })
      return events
    },
    async onEvents(snapshot, context) {
      const push = pushes.get(context)
      const gameId = push?.gameId
      if (!push || gameId === undefined || snapshot.length === 0) return
      await oneAtATime(gameId, async () => {
        // Opta versions are the time of an event's last change: a snapshot whose newest event is older than
        // what was already taken is a late re-send of an earlier push, and must not withdraw newer events.
        const newest = snapshot.reduce((n, e) => Math.max(n, e.version), 0)
        if (newest < differ.newestVersion(gameId)) return
        const diff = differ.diff(gameId, snapshot)
        if (diff.changes.length > 0) await options.onEvents(diff.changes, push)
        diff.commit()
      })
    },
  })
}

function sniff(body: Uint8Array): string {
  const head = decoder
    .decode(body.subarray(0, 2048))
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (head.startsWith('{')) return 'MA3'
  if (/<Games[\s>]/.test(head)) return 'F24'
  if (/<SoccerFeed[\s>]/.test(head)) return 'F7'
  if (/<(matchEvent|MatchEvent|liveData)[\s>]/i.test(head)) return 'MA3'
  return 'unknown'
}
