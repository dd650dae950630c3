import { invalidOption, PayloadTooLargeError, ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { credentialsVerifier } from '../../webhooks/credentials.js'
import { createWebhookHandler, type WebhookContext, type WebhookHandler } from '../../webhooks/handler.js'
import { getHeader } from '../../webhooks/headers.js'
import type { IpAllowlist } from '../../webhooks/ip-allowlist.js'
import { checkedOptions } from '../options.js'
import { createSnapshotDiffer } from '../snapshot.js'
import { OptaDocumentBoundsSchema } from './opta-options.js'
import { type OptaF7, readOptaF7 } from './parse-f7.js'
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
  /**
   * Larger pushes get 413 before they are read. Default 8 MiB: a full real F24 is 876 kB, a full MA3 JSON
   * 2 MB.
   */
  maxBodyBytes?: number
  /** Games whose last snapshot, and last F7 (read), are remembered. Default 200. */
  maxGames?: number
  /**
   * A push (F24, F7, MA3) with more XML elements than this (MA3 JSON: objects and arrays) gets 413 before
   * it is parsed. Default 40,000 (a full real F24 has 9,480).
   */
  maxElements?: number
  /**
   * A push with more XML attributes than this (MA3 JSON: members and items) gets 413 before it is parsed.
   * Default 200,000 (a full real F24 has 45,256).
   */
  maxAttributes?: number
  /** Told about every push that failed on the server's side (5xx); the context's headers carry no credential. */
  onError?: (error: unknown, context: WebhookContext) => void
}

const decoder = new TextDecoder()
const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
/** What is kept of an F7, per game (a real F7: 38 names, ~700 characters of ids and names). */
const MAX_F7_NAMES = 500
const MAX_F7_CHARACTERS = 16 * 1024

/**
 * Receives Opta's HTTP pushes (F24 and F7 XML, MA3 JSON or XML; metadata in `x-meta-*` headers) through
 * matchfeed's webhook handler. Each push is a whole snapshot: the handler keeps the last version of each
 * event per game and hands on only the difference. The game's state moves on only after `onEvents`
 * resolved, so a push that failed is handled again when Opta re-sends it.
 */
export function createOptaPushHandler(options: OptaPushHandlerOptions): WebhookHandler {
  const { auth } = options
  if (!auth.allowIps && !auth.basic && !auth.header) {
    throw invalidOption(
      'createOptaPushHandler',
      'auth',
      'configure auth.allowIps, auth.basic and/or auth.header',
    )
  }
  const maxGames = options.maxGames ?? 200
  const differ = createSnapshotDiffer({ stampVersions: false, maxMatches: maxGames })
  const bounds = checkedOptions('opta', OptaDocumentBoundsSchema, {
    maxElements: options.maxElements,
    maxAttributes: options.maxAttributes,
  })
  // The F7 of each game, read when it arrived: one per game, at most maxGames, each of bounded size.
  const f7ByGame = new Map<string, OptaF7>()
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
      auth.basic || auth.header
        ? credentialsVerifier({ basic: auth.basic, header: auth.header }, 'createOptaPushHandler', 'auth.')
        : 'none',
    allowIps: auth.allowIps,
    trustedProxies: auth.trustedProxies,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onError: options.onError,
    parse(body, context) {
      const declared = getHeader(context.headers, 'x-meta-feed-type')?.toUpperCase()
      const gameHeader = getHeader(context.headers, 'x-meta-game-id')
      const feedType = declared ?? sniff(body)
      if (feedType === 'F7') {
        // Read and checked now: a damaged F7 gets its own 400 and replaces nothing.
        const f7 = readOptaF7(body, bounds)
        const gameId = gameHeader ?? f7.matchId
        if (!gameId) throw new ProviderPayloadError('opta', 'x-meta-game-id', 'an F7 push needs its game id')
        if (f7.matchId !== undefined && f7.matchId !== gameId.replace(/^f/, '')) {
          throw new ProviderPayloadError(
            'opta',
            'f7',
            `is for match ${f7.matchId}, x-meta-game-id says ${gameId}`,
          )
        }
        const [names, characters] = f7Size(f7)
        if (names > MAX_F7_NAMES || characters > MAX_F7_CHARACTERS) {
          throw new PayloadTooLargeError(
            'opta',
            'f7',
            `${names} names, ${characters} characters of ids and names: at most ${MAX_F7_NAMES} names and ${MAX_F7_CHARACTERS} characters are kept per game`,
          )
        }
        f7ByGame.delete(gameId)
        f7ByGame.set(gameId, f7)
        if (f7ByGame.size > maxGames) f7ByGame.delete(f7ByGame.keys().next().value as string)
        return []
      }
      let events: MatchEvent[]
      if (feedType === 'F24') {
        const head = decoder.decode(body.subarray(0, 4096))
        const gameInBody = /<Game\s[^>]*\bid="(\d+)"/.exec(head)?.[1]
        events = parseOptaF24(body, { ...bounds, f7: f7ByGame.get(gameHeader ?? gameInBody ?? '') })
      } else if (feedType === 'MA3') {
        events = parseStatsPerformMA3(body, bounds)
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

/** The names (teams and players) an F7 holds, and the characters of their ids and names. */
function f7Size(f7: OptaF7): [names: number, characters: number] {
  let characters = 0
  for (const names of [f7.teamNames, f7.playerNames]) {
    for (const [id, name] of names) characters += id.length + name.length
  }
  return [f7.teamNames.size + f7.playerNames.size, characters]
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
