// Writes dist/match-event.schema.json (the `matchfeed/match-event.schema.json` export) from the built schema.
import { writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { MatchEventSchema } from '../dist/index.js'

const schema = {
  $id: 'urn:matchfeed:match-event:v1',
  title: 'MatchEvent v1',
  ...z.toJSONSchema(MatchEventSchema, { io: 'output', unrepresentable: 'any' }),
}
await writeFile(
  new URL('../dist/match-event.schema.json', import.meta.url),
  `${JSON.stringify(schema, null, 2)}\n`,
)
