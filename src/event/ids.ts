/**
 * The stable id of a MatchEvent: `${provider}:${matchId}:${providerEventId}`, `matchId` being the provider's
 * own (an id mapping keeps it as `providerMatchId`). Stable across re-deliveries, so every sink can upsert on
 * it. `provider` and `matchId` never contain `:`, which keeps the id unambiguous even when a provider's own
 * event id does.
 */
export function matchEventId(provider: string, matchId: string, providerEventId: string): string {
  return `${matchEventIdPrefix(provider, matchId)}${providerEventId}`
}

/** The part of every id of one match before the provider's event id: parsers build it once per match. */
export function matchEventIdPrefix(provider: string, matchId: string): string {
  return `${provider}:${matchId}:`
}
