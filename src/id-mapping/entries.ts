import { MatchfeedError } from '../errors.js'
import { PROVIDER_NAME_PATTERN, textProblem } from '../event/bounds.js'
import { MATCH_ID_MAX_LENGTH, PROVIDER_NAME_MAX_LENGTH, REF_ID_MAX_LENGTH } from '../event/limits.js'

/** What an id names: a match (`matchId`), a team (`team.id`) or a player (`player.id`, `relatedPlayer.id`). */
export const ID_KINDS = ['match', 'team', 'player'] as const
export type IdKind = (typeof ID_KINDS)[number]

/** A provider's id of a match, team or player. */
export interface IdMapKey {
  provider: string
  kind: IdKind
  externalId: string
}

/** A provider's id and the user's id it stands for. */
export interface IdMapEntry extends IdMapKey {
  internalId: string
}

/** An id map entry (or key) that cannot be stored: names the field (`[2].internalId`) and the reason. */
export class InvalidIdMapEntryError extends MatchfeedError {
  readonly field: string
  readonly reason: string

  constructor(field: string, reason: string) {
    super(`id map: ${field}: ${reason}`, { code: 'invalid_id_map_entry' })
    this.field = field
    this.reason = reason
  }
}

/**
 * Looking ids up failed (the store did not answer, the `lookup` hook threw): the batch is given back to its
 * source, never passed on half mapped. Retryable unless the cause says it is not (a matchfeed error that is
 * not retryable, such as a lookup answer that is not a valid id).
 */
export class IdMappingError extends MatchfeedError {
  constructor(message: string, cause: unknown) {
    super(message, {
      code: 'id_mapping_failed',
      retryable: MatchfeedError.isInstance(cause) ? cause.retryable : true,
      cause,
    })
  }
}

const KINDS = new Set<string>(ID_KINDS)
// Match ids go into event ids between `:`s; team and player ids do not, but share the bound of their columns.
const MAX_ID = { match: MATCH_ID_MAX_LENGTH, team: REF_ID_MAX_LENGTH, player: REF_ID_MAX_LENGTH }

/** Why `id` cannot be an id of `kind` (as a MatchEvent holds it), or undefined. */
export function idProblem(kind: IdKind, id: unknown): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return 'must be a non-empty string'
  if (kind === 'match' && id.includes(':')) return 'must not contain ":" (a match id is part of event ids)'
  return textProblem(id, MAX_ID[kind])
}

/** The keys, checked (a provider name, a kind, an id as events hold it); throws InvalidIdMapEntryError. */
export function checkIdMapKeys(keys: unknown): IdMapKey[] {
  if (!Array.isArray(keys)) throw new InvalidIdMapEntryError('(entries)', 'must be an array')
  return keys.map((key, i) => checkIdMapKey(key, `[${i}]`))
}

/** The entries, checked like keys, with an `internalId` an event can hold; throws InvalidIdMapEntryError. */
export function checkIdMapEntries(entries: unknown): IdMapEntry[] {
  if (!Array.isArray(entries)) throw new InvalidIdMapEntryError('(entries)', 'must be an array')
  return entries.map((entry, i) => {
    const key = checkIdMapKey(entry, `[${i}]`)
    const internalId = (entry as Record<string, unknown>).internalId
    const problem = idProblem(key.kind, internalId)
    if (problem !== undefined) throw new InvalidIdMapEntryError(`[${i}].internalId`, problem)
    return { ...key, internalId: internalId as string }
  })
}

/** Checks a `kind` given as a filter. */
export function checkKind(kind: unknown, field = 'kind'): IdKind {
  if (typeof kind !== 'string' || !KINDS.has(kind))
    throw new InvalidIdMapEntryError(field, `must be one of ${ID_KINDS.join(', ')}`)
  return kind as IdKind
}

/** Whether `provider` is a provider name as events carry it. */
export function isProviderName(provider: unknown): provider is string {
  return (
    typeof provider === 'string' &&
    provider.length <= PROVIDER_NAME_MAX_LENGTH &&
    PROVIDER_NAME_PATTERN.test(provider)
  )
}

/** Checks a provider name given as a filter. */
export function checkProvider(provider: unknown, field = 'provider'): string {
  if (!isProviderName(provider)) {
    throw new InvalidIdMapEntryError(
      field,
      `must be a provider name: lower-case letters, digits, ".", "_" or "-", at most ${PROVIDER_NAME_MAX_LENGTH} characters`,
    )
  }
  return provider
}

/** One key, checked; the error names its fields under `at` (`after.externalId`). */
export function checkIdMapKey(value: unknown, at: string): IdMapKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidIdMapEntryError(at, 'must be an object')
  const { provider, kind, externalId } = value as Record<string, unknown>
  checkProvider(provider, `${at}.provider`)
  checkKind(kind, `${at}.kind`)
  const problem = idProblem(kind as IdKind, externalId)
  if (problem !== undefined) throw new InvalidIdMapEntryError(`${at}.externalId`, problem)
  return { provider: provider as string, kind: kind as IdKind, externalId: externalId as string }
}

/** One string per key, for maps: the parts cannot hold NUL (checked above, or refused later by validation). */
export function keyOf(provider: string, kind: IdKind, externalId: string): string {
  return `${provider}\u0000${kind}\u0000${externalId}`
}
