// `npm run bench`: every benchmark, one after the other, figures printed as tables and one JSON line at the end.
import { run as handler } from './handler.bench.js'
import { run as opta } from './opta.bench.js'
import { run as pipeline } from './pipeline.bench.js'
import { run as postgres } from './postgres.bench.js'
import { run as redis } from './redis.bench.js'
import { run as statsbomb } from './statsbomb.bench.js'
import { run as verify } from './verify.bench.js'

const results = {
  verify: await verify(),
  handler: await handler(),
  statsbomb: await statsbomb(),
  opta: await opta(),
  pipeline: await pipeline(),
  postgres: await postgres(),
  redis: await redis(),
}
console.log(JSON.stringify(results))
