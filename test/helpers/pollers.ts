import { readFileSync } from 'node:fs'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { MatchEventSchema } from '../../src/event/schema.js'
import type { EmitRecorder, MockHandlers, SimulatedMatch } from '../../src/testing/index.js'

/** The recorded match (an own goal, a goal withdrawn by VAR) both poller suites replay. */
export const RECORDING = readFileSync(
  new URL('../fixtures/api-football/fixture-900001-own-goal-var.json', import.meta.url),
  'utf8',
)

/** An msw server for the suite's provider handlers: up for its tests, reset after each, unhandled requests fail. */
export function setupProviderServer(): ReturnType<typeof setupServer> {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}

/** A poller run against a simulated match: the match, its mock's requests, what was emitted, the errors seen. */
export interface PollerRun<E> {
  match: SimulatedMatch
  mock: MockHandlers
  rec: EmitRecorder
  errors: E[]
}

/** Every event valid; no (id, version) twice; each id's versions rising. */
export function expectRisingVersions(rec: EmitRecorder): void {
  for (const e of rec.events) expect(MatchEventSchema.safeParse(e).success).toBe(true)
  expect(rec.duplicates()).toEqual([])
  const versions = new Map<string, number[]>()
  for (const e of rec.events) versions.set(e.id, [...(versions.get(e.id) ?? []), e.version])
  for (const [id, list] of versions) expect(list, id).toEqual([...list].sort((a, b) => a - b))
}
