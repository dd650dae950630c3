export * from './enums.js'
export { matchEventId } from './ids.js'
export * from './limits.js'
export { latestVersions, supersedes } from './merge.js'
export {
  type MatchEvent,
  MatchEventSchema,
  type PlayerRef,
  PlayerRefSchema,
  ProviderNameSchema,
  type Score,
  ScoreSchema,
  type TeamRef,
  TeamRefSchema,
} from './schema.js'
export { InvalidMatchEventError, isValidated, validateMatchEvent, validateMatchEvents } from './validate.js'
