export type { CustomParseOptions } from './custom-options.js'
export { CUSTOM_EVENT_TYPES, type CustomEventType, type CustomTypeMapping } from './map-custom.js'
export { parseCustomEvents } from './parse-custom.js'
export { type CustomEventPayload, CustomEventPayloadSchema, CustomPayloadSchema } from './wire.js'
