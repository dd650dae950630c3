import { invalidOption } from '../../errors.js'
import {
  lazyConnection,
  luaScript,
  type RedisConnectionOptions,
  redisError,
  runScript,
} from '../redis/client.js'
import type { Lease, LeaseStore } from './lease-store.js'

export interface RedisLeaseStoreOptions extends RedisConnectionOptions {
  /** The consumer group (application) the leases belong to. Default `matchfeed`. */
  group?: string
  /** Prefix of every key. Default `matchfeed:`. Keys are `${prefix}{${group}}:…` (one cluster slot per group). */
  prefix?: string
}

/**
 * Every lease operation is one call of this script, atomic on the server, on the server's clock (`TIME`).
 * A lease is a hash (owner, epoch, expires in ms, checkpoint, handoff); "" stands for none. The group's index
 * set lists the lease keys.
 *   KEYS[1] the index set, ARGV[1] op, ARGV[2] the hash keys' prefix, ARGV[3] the lease key (or the list
 *   prefix), then per op: acquire owner epoch duration force · renew owner epoch duration ·
 *   checkpoint owner epoch value · release owner epoch to duration · handoff epoch requester · create keys…
 */
export const LEASE_SCRIPT = `local op, base = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function row(key)
  local h = redis.call('HMGET', base .. key, 'owner', 'epoch', 'expires', 'checkpoint', 'handoff')
  local owner, expires = h[1] or '', tonumber(h[3] or '0')
  local expired = (owner == '' or expires <= now) and '1' or '0'
  return {key, owner, h[2] or '0', h[4] or '', expired, h[5] or ''}
end
if op == 'create' then
  for i = 3, #ARGV do
    redis.call('HSETNX', base .. ARGV[i], 'epoch', '0')
    redis.call('SADD', KEYS[1], ARGV[i])
  end
  return 1
end
if op == 'list' then
  local out = {}
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
    if string.sub(key, 1, #ARGV[3]) == ARGV[3] then
      for _, v in ipairs(row(key)) do table.insert(out, v) end
    end
  end
  return out
end
local key = ARGV[3]
local h = base .. key
if redis.call('EXISTS', h) == 0 then return false end
local cur = row(key)
if op == 'handoff' then
  if tonumber(cur[3]) ~= tonumber(ARGV[4]) or cur[2] == '' then return false end
  redis.call('HSET', h, 'handoff', ARGV[5])
  return 1
end
local epoch = tonumber(ARGV[5])
if op == 'acquire' then
  if tonumber(cur[3]) ~= epoch then return false end
  if ARGV[7] ~= '1' and cur[5] ~= '1' then return false end
  redis.call('HSET', h, 'owner', ARGV[4], 'epoch', epoch + 1, 'expires', now + tonumber(ARGV[6]), 'handoff', '')
  return row(key)
end
if cur[2] ~= ARGV[4] or tonumber(cur[3]) ~= epoch then return false end
if op == 'renew' then
  redis.call('HSET', h, 'expires', now + tonumber(ARGV[6]))
  return row(key)
elseif op == 'checkpoint' then
  redis.call('HSET', h, 'checkpoint', ARGV[6])
  return 1
elseif op == 'release' then
  local expires = ARGV[6] == '' and 0 or now + tonumber(ARGV[7])
  redis.call('HSET', h, 'owner', ARGV[6], 'epoch', epoch + 1, 'expires', expires, 'handoff', '')
  return 1
end
return redis.error_reply('ERR unknown lease op ' .. op)
`
const LEASE = luaScript(LEASE_SCRIPT)

/** Leases in Redis: each operation one atomic script call, expiry on the server's `TIME`. */
export function redisLeaseStore(options: RedisLeaseStoreOptions): LeaseStore {
  const owner = 'redisLeaseStore'
  const group = options.group ?? 'matchfeed'
  if (!/^[^{}]+$/.test(group)) throw invalidOption(owner, 'group', 'must be a non-empty name without braces')
  const connection = lazyConnection(options, owner)
  const base = `${options.prefix ?? 'matchfeed:'}{${group}}:`
  const index = `${base}leases`
  const hashPrefix = `${base}lease:`

  async function call(what: string, args: (string | number)[]): Promise<unknown> {
    try {
      return await runScript(await connection.get(), LEASE, [index], args.map(String))
    } catch (error) {
      throw redisError(`lease ${what}`, error, 'kinesis-leases')
    }
  }
  const lease = (reply: unknown): Lease | undefined =>
    Array.isArray(reply) && reply.length === 6 ? toLease(reply.map(String)) : undefined

  return {
    async create(keys) {
      if (keys.length > 0) await call('create', ['create', hashPrefix, ...keys])
    },
    async list(prefix) {
      const flat = ((await call('list', ['list', hashPrefix, prefix])) as unknown[]).map(String)
      const leases: Lease[] = []
      for (let i = 0; i < flat.length; i += 6) leases.push(toLease(flat.slice(i, i + 6)))
      return leases.sort((a, b) => (a.key < b.key ? -1 : 1))
    },
    async acquire(key, worker, epoch, durationMs, { force = false } = {}) {
      return lease(
        await call('acquire', ['acquire', hashPrefix, key, worker, epoch, durationMs, force ? '1' : '0']),
      )
    },
    async renew(key, worker, epoch, durationMs) {
      return lease(await call('renew', ['renew', hashPrefix, key, worker, epoch, durationMs]))
    },
    async checkpoint(key, worker, epoch, checkpoint) {
      return (await call('checkpoint', ['checkpoint', hashPrefix, key, worker, epoch, checkpoint])) !== null
    },
    async release(key, worker, epoch, to) {
      const args = ['release', hashPrefix, key, worker, epoch, to?.owner ?? '', to?.durationMs ?? 0]
      return (await call('release', args)) !== null
    },
    async requestHandoff(key, epoch, requester) {
      return (await call('hand-off request', ['handoff', hashPrefix, key, epoch, requester])) !== null
    },
    close: () => connection.close(),
  }
}

function toLease([key, owner, epoch, checkpoint, expired, handoff]: string[]): Lease {
  return {
    key: key!,
    owner: owner || null,
    epoch: Number(epoch),
    checkpoint: checkpoint || null,
    expired: expired === '1',
    handoffTo: handoff || null,
  }
}
