export * from './enums.js'
export { matchEventId } from './ids.js'
export * from './limits.js'
export { latestVersions, supersedes } from './merge.js'
export {
  type AnyMatchEvent,
  type MatchEvent,
  type MatchEventOf,
  MatchEventSchema,
  type PlayerRef,
  PlayerRefSchema,
  ProviderNameSchema,
  type ResultOf,
  type Score,
  ScoreSchema,
  type TeamRef,
  TeamRefSchema,
} from './schema.js'
export { InvalidMatchEventError, isValidated, validateMatchEvent, validateMatchEvents } from './validate.js'
