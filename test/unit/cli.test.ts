import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type CliIo, EXIT } from '../../src/cli/io.js'
import { runCli } from '../../src/cli/run.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { EVENTS_TEXT, idOf, LINEUPS_TEXT } from '../helpers/statsbomb.js'

const SW = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}

function io(stdin = '', files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const cli: CliIo = {
    readStdin: async () => new TextEncoder().encode(stdin),
    readFile: async (path) => {
      if (!(path in files)) throw Object.assign(new Error('missing'), { code: 'ENOENT' })
      return new TextEncoder().encode(files[path])
    },
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env,
  }
  return { cli, out: () => out.join(''), err: () => err.join('') }
}

describe('matchfeed CLI', () => {
  it('prints help with exit 0, and usage with exit 2 when no command is given', async () => {
    const h = io()
    expect(await runCli(['--help'], h.cli)).toBe(EXIT.ok)
    expect(h.out()).toContain('Usage: matchfeed <command>')
    expect(await runCli([], io().cli)).toBe(EXIT.usage)
  })

  it('exits 2 on an unknown command or flag', async () => {
    const a = io()
    expect(await runCli(['frobnicate'], a.cli)).toBe(EXIT.usage)
    expect(a.err()).toContain('unknown command')
    const b = io()
    expect(await runCli(['sign', '--nope'], b.cli)).toBe(EXIT.usage)
    expect(a.out() + b.out()).toBe('')
  })

  describe('verify', () => {
    const args = ['verify', '--scheme', 'standard-webhooks', '--secret', SW.secret]
    const headers = [
      '--header',
      `webhook-id: ${SW.id}`,
      '--header',
      `webhook-timestamp: ${SW.timestamp}`,
      '--header',
      `webhook-signature: ${SW.signature}`,
    ]

    it('accepts the official Standard Webhooks vector (exit 0, JSON on stdout)', async () => {
      const t = io(SW.body)
      expect(await runCli([...args, ...headers, '--now', SW.timestamp], t.cli)).toBe(EXIT.ok)
      expect(JSON.parse(t.out())).toEqual({
        ok: true,
        scheme: 'standard-webhooks',
        id: SW.id,
        timestamp: 1614265330,
      })
      expect(t.err()).toBe('')
    })

    it('rejects a tampered body with exit 1 and the reason on stderr', async () => {
      const t = io(SW.body.replace('2', '3'))
      expect(await runCli([...args, ...headers, '--now', SW.timestamp], t.cli)).toBe(EXIT.rejected)
      expect(t.err()).toMatch(/^rejected: bad_signature/)
      expect(t.out()).toBe('')
    })

    it('rejects an old timestamp against the real clock', async () => {
      const t = io(SW.body)
      expect(await runCli([...args, ...headers], t.cli)).toBe(EXIT.rejected)
      expect(t.err()).toContain('timestamp_too_old')
    })

    it('reads the secret from the environment, and never prints it', async () => {
      const t = io(SW.body, {}, { HOOK_SECRET: SW.secret })
      const code = await runCli(
        [
          'verify',
          '--scheme',
          'standard-webhooks',
          '--secret-env',
          'HOOK_SECRET',
          ...headers,
          '--now',
          '1614265999',
        ],
        t.cli,
      )
      expect(code).toBe(EXIT.rejected)
      expect(t.out() + t.err()).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
    })

    it('exits 2 on a malformed --header, a missing secret or an unknown scheme', async () => {
      expect(await runCli([...args, '--header', 'no-colon'], io(SW.body).cli)).toBe(EXIT.usage)
      expect(await runCli(['verify', '--scheme', 'hmac'], io(SW.body).cli)).toBe(EXIT.usage)
      expect(await runCli(['verify', '--scheme', 'md5', '--secret', 'x'], io(SW.body).cli)).toBe(EXIT.usage)
      expect(await runCli([...args, '--now', 'soon'], io(SW.body).cli)).toBe(EXIT.usage)
    })
  })

  describe('sign', () => {
    it('reproduces the official vector', async () => {
      const t = io(SW.body)
      const code = await runCli(
        [
          'sign',
          '--scheme',
          'standard-webhooks',
          '--secret',
          SW.secret,
          '--id',
          SW.id,
          '--timestamp',
          SW.timestamp,
        ],
        t.cli,
      )
      expect(code).toBe(EXIT.ok)
      expect(t.out()).toBe(
        `webhook-id: ${SW.id}\nwebhook-timestamp: ${SW.timestamp}\nwebhook-signature: ${SW.signature}\n`,
      )
    })

    it.each([
      ['hmac', ['--prefix', 'sha256=', '--signature-header', 'x-hub-signature-256']],
      ['timestamped', []],
    ])('signs with %s so that verify accepts it', async (scheme, extra) => {
      const body = '{"match_id":"1","event_type":"goal","minute":3}'
      const signed = io(body)
      expect(
        await runCli(['sign', '--scheme', scheme, '--secret', 's3cr3t-value', ...extra], signed.cli),
      ).toBe(0)
      const headerArgs = signed
        .out()
        .trim()
        .split('\n')
        .flatMap((line) => ['--header', line])
      const verified = io(body)
      const code = await runCli(
        ['verify', '--scheme', scheme, '--secret', 's3cr3t-value', ...extra, ...headerArgs],
        verified.cli,
      )
      expect(verified.err()).toBe('')
      expect(code).toBe(EXIT.ok)
      const tampered = io(`${body} `)
      expect(
        await runCli(
          ['verify', '--scheme', scheme, '--secret', 's3cr3t-value', ...extra, ...headerArgs],
          tampered.cli,
        ),
      ).toBe(EXIT.rejected)
    })
  })

  describe('normalize', () => {
    const payload = JSON.stringify([
      { match_id: '1', event_type: 'goal', minute: 3, position_x: 88.5, position_y: 50 },
      { match_id: '1', event_type: 'yellow_card', minute: 9, player_id: 4 },
    ])

    it('prints one MatchEvent per line for the custom provider, timing on stderr', async () => {
      const t = io('', { 'in.json': payload })
      expect(await runCli(['normalize', '--provider', 'custom', 'in.json', '--timing'], t.cli)).toBe(EXIT.ok)
      const lines = t
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines.map((e) => [e.type, e.result, e.card])).toEqual([
        ['shot', 'goal', undefined],
        ['card', null, 'yellow'],
      ])
      expect(t.err()).toMatch(/^normalize_ms=\d+(\.\d+)?\n$/)
    })

    it('reads stdin with -', async () => {
      const t = io(payload)
      expect(await runCli(['normalize', '--provider', 'custom', '-'], t.cli)).toBe(EXIT.ok)
      expect(t.out().trim().split('\n')).toHaveLength(2)
    })

    it("gives a StatsBomb file the match id of --match-id, else its name's digits, else refuses", async () => {
      const events = readFileSync(new URL('../fixtures/statsbomb/match_events.json', import.meta.url), 'utf8')
      const matchIds = async (args: string[], stdin = '') => {
        const files = { 'statsbomb_3788741_event.json': events, 'events.json': events }
        const t = io(stdin, files)
        expect(await runCli(['normalize', '--provider', 'statsbomb', ...args], t.cli)).toBe(EXIT.ok)
        return new Set(
          t
            .out()
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l).matchId as string),
        )
      }
      expect(await matchIds(['statsbomb_3788741_event.json'])).toEqual(new Set(['3788741']))
      expect(await matchIds(['statsbomb_3788741_event.json', '--match-id', '42'])).toEqual(new Set(['42']))
      for (const [args, stdin] of [
        [['events.json'], ''],
        [['-'], events],
      ] as const) {
        const t = io(stdin, { 'events.json': events })
        expect(await runCli(['normalize', '--provider', 'statsbomb', ...args], t.cli)).toBe(EXIT.usage)
        expect(t.err()).toMatch(/does not carry its match id.*pass --match-id/)
      }
    })

    it('`matchfeed normalize --provider statsbomb --lineups` prints one MatchEvent per line', async () => {
      const files: Record<string, string> = { 'events.json': EVENTS_TEXT, 'lineups.json': LINEUPS_TEXT }
      const t = io('', files)
      const args = [
        'normalize',
        '--provider',
        'statsbomb',
        'events.json',
        '--lineups',
        'lineups.json',
        '--match-id',
        '77',
      ]
      expect(await runCli(args, t.cli)).toBe(EXIT.ok)
      const lines = t
        .out()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as MatchEvent)
      expect(lines).toHaveLength(44)
      expect(lines[18]!.player).toEqual({ id: '2003', name: 'Tres' })
      expect(lines[0]!.id).toBe(`statsbomb:77:${idOf(1)}`)
      files['bad.json'] = '[{"id": 1}]'
      expect(
        await runCli(['normalize', '--provider', 'statsbomb', 'bad.json', '--match-id', '77'], t.cli),
      ).toBe(EXIT.rejected)
      expect(t.err()).toContain('statsbomb: events[0].id')
    })

    it('names flags, not library options: an API-Football events response takes its fixture from --match-id', async () => {
      const response = JSON.parse(
        readFileSync(
          new URL('../fixtures/api-football/fixtures-events-900001.json', import.meta.url),
          'utf8',
        ),
      ) as { parameters: Record<string, string> }
      response.parameters = {}
      const files = { 'events.json': JSON.stringify(response) }
      const refused = io('', files)
      expect(await runCli(['normalize', '--provider', 'api-football', 'events.json'], refused.cli)).toBe(
        EXIT.rejected,
      )
      expect(refused.err()).toContain('pass --match-id')
      expect(refused.err()).not.toContain('options.')
      const read = io('', files)
      const args = ['normalize', '--provider', 'api-football', 'events.json', '--match-id', '900001']
      expect(await runCli(args, read.cli)).toBe(EXIT.ok)
      expect(JSON.parse(read.out().split('\n')[0]!)).toMatchObject({ matchId: '900001' })
    })

    it('exits 2 listing the known providers for an unknown one', async () => {
      const t = io('', { 'in.json': payload })
      expect(await runCli(['normalize', '--provider', 'wyscout', 'in.json'], t.cli)).toBe(EXIT.usage)
      expect(t.err()).toContain('known providers: custom')
    })

    it('exits 2 for a missing file or a companion file the provider does not take', async () => {
      expect(await runCli(['normalize', '--provider', 'custom', 'nope.json'], io().cli)).toBe(EXIT.usage)
      const t = io('', { 'in.json': payload, 'f7.xml': '<x/>' })
      expect(await runCli(['normalize', '--provider', 'custom', 'in.json', '--f7', 'f7.xml'], t.cli)).toBe(
        EXIT.usage,
      )
    })

    it('exits 1 naming the field for a payload it cannot read, with nothing on stdout', async () => {
      const t = io('', { 'bad.json': '{"match_id":"1","event_type":"goal"}' })
      expect(await runCli(['normalize', '--provider', 'custom', 'bad.json'], t.cli)).toBe(EXIT.rejected)
      expect(t.err()).toContain('custom: minute')
      expect(t.out()).toBe('')
    })
  })
})
