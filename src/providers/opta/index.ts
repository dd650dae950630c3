export {
  createStatsPerformClient,
  type StatsPerformClient,
  type StatsPerformClientOptions,
} from './client.js'
export {
  OPTA_BODY_PARTS,
  OPTA_CARDS,
  OPTA_EVENT_TYPES,
  OPTA_GOAL_MOUTH_Z_TO_METRES,
  OPTA_PERIODS,
  OPTA_QUALIFIERS,
  OPTA_SET_PIECES,
  type OptaTypeMapping,
} from './map-opta.js'
export {
  type OptaDocumentBounds,
  OptaDocumentBoundsSchema,
  type OptaF24Options,
  OptaF24OptionsSchema,
  type StatsPerformMA3Options,
  StatsPerformMA3OptionsSchema,
} from './opta-options.js'
export { type OptaF7, readOptaF7 } from './parse-f7.js'
export { parseOptaF24 } from './parse-f24.js'
export { parseStatsPerformMA3 } from './parse-ma3.js'
export { createOptaPushHandler, type OptaPushHandlerOptions } from './push-handler.js'
