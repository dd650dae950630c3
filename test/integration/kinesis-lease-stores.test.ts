import type pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import {
  type LeaseStore,
  memoryLeaseStore,
  postgresLeaseStore,
  redisLeaseStore,
} from '../../src/sinks/kinesis/index.js'
import { migrate } from '../../src/sinks/postgres/index.js'
import { describeLeaseStoreConformance } from '../helpers/kinesis-lease-conformance.js'
import { connectTestDatabase, uniqueName } from '../helpers/postgres.js'
import { closeRedisClients, connectRedisClients, type NodeRedisClient, runPrefix } from '../helpers/redis.js'

const RUN = runPrefix()
let pool: pg.Pool
let node: NodeRedisClient
let io: Awaited<ReturnType<typeof connectRedisClients>>['io']
const schemas: string[] = []

beforeAll(async () => {
  pool = await connectTestDatabase()
  ;({ node, io } = await connectRedisClients())
})
afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
  await closeRedisClients({ node, io }, RUN)
})

describeLeaseStoreConformance('memory', async () => {
  // One map shared by every store the harness opens, as one process's workers would share it.
  const shared = memoryLeaseStore()
  return { open: async () => shared, dispose: async () => {} }
})

describeLeaseStoreConformance('postgres', async () => {
  const schema = uniqueName('leases')
  schemas.push(schema)
  await migrate(pool, { schema })
  return {
    open: async () => postgresLeaseStore({ client: pool, schema, group: 'g' }),
    dispose: async () => {},
  }
})

let groups = 0
describeLeaseStoreConformance('redis', async () => {
  const group = `g${++groups}`
  let turn = 0
  const open = async (): Promise<LeaseStore> =>
    redisLeaseStore({ client: turn++ % 2 === 0 ? node : io, prefix: RUN, group })
  return { open, dispose: async () => {} }
})
