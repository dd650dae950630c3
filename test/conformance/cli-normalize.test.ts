// `matchfeed normalize` on every shared StatsBomb, Opta and Stats Perform file, as a user would run it.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { type CliIo, EXIT } from '../../src/cli/io.js'
import { runCli } from '../../src/cli/run.js'
import { validateMatchEvents } from '../../src/event/validate.js'
import { describeShared, SHARED_DIR } from '../helpers/shared.js'

const F = (path: string) => join(SHARED_DIR, 'fixtures', path)
const runs: [string, string[]][] = [
  [
    'statsbomb',
    [
      F('statsbomb/statsbomb_event.json'),
      '--lineups',
      F('statsbomb/statsbomb_lineup.json'),
      '--match-id',
      '15946',
    ],
  ],
  [
    'statsbomb',
    [F('statsbomb/statsbomb_15986_event.json'), '--lineups', F('statsbomb/statsbomb_15986_lineup.json')],
  ],
  [
    'statsbomb',
    [F('statsbomb/statsbomb_3788741_event.json'), '--lineups', F('statsbomb/statsbomb_3788741_lineup.json')],
  ],
  [
    'statsbomb',
    [
      F('statsbomb/issue_312/statsbomb_event.json'),
      '--lineups',
      F('statsbomb/issue_312/statsbomb_lineup.json'),
      '--match-id',
      '312',
    ],
  ],
  [
    'opta',
    [F('opta/f24-23-2018-1009316-eventdetails.xml'), '--f7', F('opta/f7-23-2018-1009316-matchresults.xml')],
  ],
  ['opta', [F('opta/opta_f24.xml'), '--f7', F('opta/opta_f7.xml'), '--match-id', '918893']],
  ['opta', [F('opta/opta_f73.xml'), '--f7', F('opta/opta_f7.xml'), '--match-id', '918893']],
  ['opta', [F('opta/issue_60/opta_f24.xml'), '--f7', F('opta/issue_60/opta_f7.xml'), '--match-id', '60']],
  ['opta', [F('opta/issue_113/opta_f24.xml'), '--f7', F('opta/issue_113/opta_f7.xml'), '--match-id', '113']],
  [
    'statsperform',
    [F('statsperform/statsperform_event_ma3.json'), '--ma1', F('statsperform/statsperform_event_ma1.json')],
  ],
  [
    'statsperform',
    [F('statsperform/statsperform_event_ma3.xml'), '--ma1', F('statsperform/statsperform_event_ma1.xml')],
  ],
  [
    'statsperform',
    [
      F('statsperform/ma3_bl2020-21-0000000066.json'),
      '--ma1',
      F('statsperform/ma1_408bfjw6uz5k19zk4am50ykmh.json'),
    ],
  ],
]

function io() {
  const out: string[] = []
  const err: string[] = []
  const cli: CliIo = {
    readStdin: async () => new Uint8Array(),
    readFile: (path) => readFile(path),
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env: {},
  }
  return { cli, out: () => out.join(''), err: () => err.join('') }
}

describeShared('matchfeed normalize on the shared provider files', () => {
  it.each(runs)('--provider %s %s', async (provider, args) => {
    const t = io()
    const code = await runCli(['normalize', '--provider', provider, ...args, '--timing'], t.cli)
    expect(t.err()).toMatch(/^normalize_ms=\d+(\.\d+)?\n$/)
    expect(code).toBe(EXIT.ok)
    const events = t
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(events.length).toBeGreaterThan(10)
    expect(() => validateMatchEvents(events)).not.toThrow()
    expect(new Set(events.map((e) => e.provider))).toEqual(new Set([provider]))
  })
})
