// The Opta push route over real HTTP: matchfeed/testing's pushes of a simulated match (F7, then F24 snapshots,
// one injected with wrong credentials) reach storage; the push with wrong credentials gets 401.
import type { FastifyInstance } from 'fastify'
import { optaPushes, simulateMatch } from 'matchfeed/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { testConfig } from './helpers.js'

const credentials = { username: 'opta-push', password: 'opta-push-password' }
let app: FastifyInstance
let base: string

beforeAll(async () => {
  app = await build(
    testConfig({ OPTA_PUSH_USERNAME: credentials.username, OPTA_PUSH_PASSWORD: credentials.password }),
  )
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  await app.runtime.ready
})
afterAll(() => app.close())

it('stores what Opta pushes, and answers each push as a correct receiver should', async () => {
  const match = simulateMatch({ seed: 3 })
  const pushes = optaPushes(match, {
    auth: { basic: credentials },
    failures: [{ type: 'bad_credentials', atMinute: 30 }],
  })
  const answers: [number, number][] = []
  for (const push of pushes) {
    const res = await fetch(`${base}/api/v1/providers/opta/push`, {
      method: 'POST',
      headers: push.headers,
      body: push.body,
    })
    await res.body?.cancel()
    answers.push([res.status, push.expectedStatus])
  }
  expect(answers.map(([status]) => status)).toEqual(answers.map(([, expected]) => expected))
  expect(answers.map(([status]) => status)).toContain(401)
  const { events } = (await app.inject(`/api/v1/matches/${match.fixtureId}/events?limit=1000`)).json()
  expect(events.length).toBeGreaterThan(0)
  expect(new Set(events.map((e: { provider: string }) => e.provider))).toEqual(new Set(['opta']))
})
