import type { AnyMatchEvent, MatchEvent } from '../../src/event/schema.js'

/** A valid MatchEvent with the given fields changed. */
export function makeEvent(overrides: Partial<AnyMatchEvent> = {}): MatchEvent {
  const provider = overrides.provider ?? 'custom'
  const matchId = overrides.matchId ?? 'm1'
  const providerEventId = overrides.providerEventId ?? 'e1'
  return {
    id: `${provider}:${matchId}:${providerEventId}`,
    provider,
    providerEventId,
    matchId,
    seq: 1,
    version: 0,
    deleted: false,
    type: 'pass',
    result: 'complete',
    period: 1,
    periodTime: 12.5,
    minute: 0,
    second: 12,
    providerType: 'pass',
    ...overrides,
  } as MatchEvent
}
