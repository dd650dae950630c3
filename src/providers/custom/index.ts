export {
  type CustomEventPayload,
  CustomEventPayloadSchema,
  type CustomParseOptions,
  CustomPayloadSchema,
} from './custom-options.js'
export { CUSTOM_EVENT_TYPES, type CustomEventType, type CustomTypeMapping } from './map-custom.js'
export { parseCustomEvents } from './parse-custom.js'
