import { iso } from './poll-clock.js'

/** What a poller reports per match for health: its status and when it polls next. */
export interface NextPoll {
  matchId: string
  /** The status seen last. */
  status?: string
  /** When the next poll of this match is due (ISO); absent once done. */
  dueAt?: string
  lastPolledAt?: string
  /** `final`: finished, one last poll to come; `done`: no more polls. */
  phase: 'active' | 'final' | 'done'
}

/** A followed match, as both headline pollers track it (each adds its own fields). */
export interface TrackedMatch {
  id: string
  status?: string
  kickOff?: number
  due: number
  lastPolledAt?: number
  phase: NextPoll['phase']
}

/** A tracked match as `nextPolls()` reports it. */
export function nextPollOf(
  t: { id: string; status?: string; phase: NextPoll['phase']; due: number; lastPolledAt?: number },
  now: number,
): NextPoll {
  const next: NextPoll = { matchId: t.id, phase: t.phase }
  if (t.status) next.status = t.status
  if (t.phase !== 'done') next.dueAt = iso(Math.max(t.due, now))
  if (t.lastPolledAt !== undefined) next.lastPolledAt = iso(t.lastPolledAt)
  return next
}

/** Each poll re-reads the whole match: a warning is passed on once (per match, field and message). */
export function warnOnce<W extends { matchId: string; field: string; message: string }>(
  onWarning: ((warning: W) => void) | undefined,
): (warning: W) => void {
  const warned = new Set<string>()
  return (warning) => {
    const key = `${warning.matchId}|${warning.field}|${warning.message}`
    if (warned.has(key)) return
    warned.add(key)
    onWarning?.(warning)
  }
}
