import type { MatchEvent } from './schema.js'

// One JSON text per event object, shared by every sink that writes it (the Postgres row, the stream entry, the
// Pub/Sub message, the Kinesis record): an event fanned out to three sinks is serialised once, not three times.
// Events are not changed once emitted (docs/pipeline.md), so a text stays true to its object; keyed weakly, it
// goes when the event does.
const texts = new WeakMap<MatchEvent, string>()

/** @internal `JSON.stringify(event)`, computed once per event object. */
export function eventJson(event: MatchEvent): string {
  let text = texts.get(event)
  if (text === undefined) {
    text = JSON.stringify(event)
    texts.set(event, text)
  }
  return text
}

/** @internal The events as one JSON array text, built from the shared texts. */
export function eventsJson(events: readonly MatchEvent[]): string {
  let text = '['
  for (let i = 0; i < events.length; i++) text += (i === 0 ? '' : ',') + eventJson(events[i]!)
  return `${text}]`
}

/**
 * @internal An event read back from a text matchfeed wrote with `eventJson` (a stream entry): parsed, and the
 * text kept as its JSON, so passing it on (to a WebSocket client, another sink) does not serialise it again.
 */
export function eventFromJson<T extends MatchEvent = MatchEvent>(text: string): T {
  const event = JSON.parse(text) as T
  texts.set(event, text)
  return event
}
