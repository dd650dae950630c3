import { describe, expect, it } from 'vitest'
import { MatchfeedError, ProviderPayloadError, SinkError } from '../../src/index.js'
import { importPeer } from '../../src/peer.js'
import { PostgresError } from '../../src/sinks/postgres/index.js'
import { RedisError } from '../../src/sinks/redis/index.js'

describe('error classes', () => {
  it('isInstance holds along the class chain and across copies of the package', () => {
    const redis = new RedisError({
      sink: 'streams',
      code: 'redis_error',
      message: 'x',
      retryable: true,
      backendCode: 'LOADING',
    })
    expect(MatchfeedError.isInstance(redis)).toBe(true)
    expect(SinkError.isInstance(redis)).toBe(true)
    expect(RedisError.isInstance(redis)).toBe(true)
    expect(PostgresError.isInstance(redis)).toBe(false)
    expect(ProviderPayloadError.isInstance(redis)).toBe(false)
    expect(redis).toMatchObject({
      sink: 'streams',
      reply: 'LOADING',
      backendCode: 'LOADING',
      retryable: true,
    })
    // Another copy of the class (the CJS build next to the ESM one): instanceof says no, isInstance yes.
    class MatchfeedErrorCopy extends Error {}
    Object.defineProperty(MatchfeedErrorCopy, 'name', { value: 'MatchfeedError' })
    const foreign = Object.create(MatchfeedErrorCopy.prototype) as object
    Object.defineProperty(Object.getPrototypeOf(foreign), Symbol.for('matchfeed.MatchfeedError'), {
      value: true,
    })
    expect(foreign instanceof MatchfeedError).toBe(false)
    expect(MatchfeedError.isInstance(foreign)).toBe(true)
    for (const value of [null, undefined, 'MatchfeedError', new Error('x'), { code: 'postgres_error' }]) {
      expect(MatchfeedError.isInstance(value)).toBe(false)
    }
  })

  it('importPeer takes an injected module, and names the package and the install command when one is missing', async () => {
    const injected = { Registry: class {} }
    expect(await importPeer('prom-client', { purpose: 'metrics', module: injected })).toBe(injected)
    const error = await importPeer('matchfeed-no-such-peer', {
      purpose: 'postgresSink({ x })',
      alternative: 'or pass { client }',
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'missing_peer_dependency' })
    expect((error as Error).message).toBe(
      'postgresSink({ x }) needs the optional dependency matchfeed-no-such-peer: npm install matchfeed-no-such-peer, or pass { client }',
    )
  })
})
