export { createStatsBombClient, type StatsBombClient, type StatsBombClientOptions } from './client.js'
export {
  STATSBOMB_BODY_PARTS,
  STATSBOMB_CARDS,
  STATSBOMB_DRIBBLE_OUTCOMES,
  STATSBOMB_DUEL_OUTCOMES,
  STATSBOMB_EVENT_TYPES,
  STATSBOMB_FIFTY_FIFTY_OUTCOMES,
  STATSBOMB_GOALKEEPER_TYPES,
  STATSBOMB_INTERCEPTION_OUTCOMES,
  STATSBOMB_PASS_OUTCOMES,
  STATSBOMB_SET_PIECES,
  STATSBOMB_SHOT_OUTCOMES,
  type StatsBombTypeMapping,
} from './map-statsbomb.js'
export { parseStatsBombEvents } from './parse-events.js'
export { type StatsBombParseOptions, StatsBombParseOptionsSchema } from './statsbomb-options.js'
export { StatsBombLineupsSchema, type StatsBombLineupTeam } from './wire.js'
