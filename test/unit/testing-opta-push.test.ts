// matchfeed/testing's Opta push helper: a whole match of pushes into the real createOptaPushHandler.
import { describe, expect, it } from 'vitest'
import { createPipeline, memorySink } from '../../src/index.js'
import { createOptaPushHandler } from '../../src/providers/opta/index.js'
import { type OptaPushOptions, optaPushes, simulateMatch, streamSummary } from '../../src/testing/index.js'

const AUTH = {
  basic: { username: 'opta', password: 'push-password-1' },
  header: { name: 'x-opta-secret', secret: 'shared-secret-value' },
  ip: '203.0.113.7',
}

/** Every push of a simulated match into an Opta push receiver feeding a pipeline; each answer checked. */
async function receive(options: OptaPushOptions, auth: Parameters<typeof createOptaPushHandler>[0]['auth']) {
  const match = simulateMatch({ seed: 42 })
  const pushes = optaPushes(match, options)
  const sink = memorySink()
  const pipeline = createPipeline({ sinks: [sink] })
  await pipeline.start()
  const handler = createOptaPushHandler({ auth, onEvents: (events) => pipeline.emit(events, 'opta-push') })
  const answers: string[] = []
  for (const push of pushes) {
    const response = await handler.fetch(push.request(), { remoteAddress: push.remoteAddress })
    answers.push(`${push.feedType} ${push.failure ?? 'ok'} ${response.status}/${push.expectedStatus}`)
  }
  await pipeline.stop()
  return { match, pushes, answers, sink }
}

describe('optaPushes: a whole match into createOptaPushHandler', () => {
  it('F7 then F24 snapshots with Basic, a shared-secret header and Opta’s address: the simulated final state', async () => {
    const { match, pushes, answers, sink } = await receive(
      { auth: AUTH },
      { basic: AUTH.basic, header: AUTH.header, allowIps: ['203.0.113.0/24'] },
    )
    expect(answers.filter((a) => !a.endsWith('200/200'))).toEqual([])
    expect(pushes[0]!.feedType).toBe('F7')
    // One F24 per change of the feed, each the whole match so far.
    expect(pushes.filter((p) => p.feedType === 'F24').length).toBeGreaterThan(15)
    expect(pushes.find((p) => p.feedType === 'F24')!.headers).toMatchObject({
      'x-meta-game-id': String(match.fixtureId),
      'x-opta-secret': AUTH.header.secret,
    })
    const events = sink.match(String(match.fixtureId))
    expect(streamSummary(events)).toEqual(match.finalSummary)
    // Names from the F7; the VAR goal withdrawn as Opta does it (type 43).
    expect(events.find((e) => e.type === 'card')?.player?.name).toMatch(/#\d+$/)
    expect(events.filter((e) => e.deleted && e.result === 'goal')).toHaveLength(1)
  })

  it('re-sent, late, badly authenticated and truncated pushes get the right answers; the state is still right', async () => {
    const { match, answers, sink } = await receive(
      {
        auth: { basic: AUTH.basic },
        failures: [
          { type: 'resend', atMinute: 10 },
          { type: 'late', atMinute: 30 },
          { type: 'bad_credentials', atMinute: 50 },
          { type: 'truncated', atMinute: 70, count: 2 },
        ],
      },
      { basic: AUTH.basic },
    )
    expect(answers.filter((a) => a.split(' ')[2]!.split('/')[0] !== a.split('/')[1])).toEqual([])
    for (const f of ['resend', 'late', 'bad_credentials', 'truncated'])
      expect(answers.some((a) => a.includes(` ${f} `))).toBe(true)
    expect(answers.filter((a) => a.includes('401/401'))).toHaveLength(1)
    expect(answers.filter((a) => a.includes('400/400'))).toHaveLength(2)
    expect(streamSummary(sink.match(String(match.fixtureId)))).toEqual(match.finalSummary)
  })

  it('MA3 (Stats Perform JSON) pushes from an allowed address behind a proxy', async () => {
    const { match, answers, sink } = await receive(
      {
        feeds: ['MA3'],
        auth: { ip: AUTH.ip, forwardedFor: true },
        failures: [{ type: 'bad_credentials', atMinute: 40 }],
      },
      { allowIps: ['203.0.113.7'], trustedProxies: ['127.0.0.1'] },
    )
    expect(answers.filter((a) => a.includes('403/403'))).toHaveLength(1)
    expect(answers.filter((a) => !a.endsWith('200/200') && !a.endsWith('403/403'))).toEqual([])
    expect(streamSummary(sink.match(match.statsPerformId))).toEqual(match.finalSummary)
  })
})
