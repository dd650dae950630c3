export {
  checkIdMapEntries,
  ID_KINDS,
  type IdKind,
  type IdMapEntry,
  type IdMapKey,
  IdMappingError,
  InvalidIdMapEntryError,
} from './entries.js'
export {
  type IdMapping,
  type IdMappingMetrics,
  type IdMappingOptions,
  idMapping,
  type UnmappedId,
} from './id-mapping.js'
export { registerIdMappingMetrics } from './metrics.js'
export {
  type IdMapFilter,
  type IdMapStore,
  memoryIdMapStore,
  type PostgresIdMapStoreOptions,
  postgresIdMapStore,
} from './store.js'
