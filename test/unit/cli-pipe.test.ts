import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** A StatsBomb events file large enough that its NDJSON overflows a pipe's buffer many times over. */
function largeEventsFile(): string {
  const events = JSON.parse(
    readFileSync(join(root, 'test/fixtures/statsbomb/match_events.json'), 'utf8'),
  ) as {
    id: string
    index: number
  }[]
  const copies = Array.from({ length: 60 }, (_, k) =>
    events.map((e) => ({ ...e, id: randomUUID(), index: k * events.length + e.index })),
  ).flat()
  const file = join(mkdtempSync(join(tmpdir(), 'matchfeed-pipe-')), '7.json')
  writeFileSync(file, JSON.stringify(copies))
  return file
}

// `matchfeed normalize … | head -1`: the reader closes the pipe after one line.
it('ends quietly with 0 when the reader of stdout goes away', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'normalize',
      '--provider',
      'statsbomb',
      largeEventsFile(),
      '--match-id',
      '7',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const firstLine = await new Promise<string>((resolve) => {
    child.stdout.once('data', (d: Buffer) => {
      resolve(d.toString().split('\n')[0]!)
      child.stdout.destroy() // what head does after its line
    })
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  expect(JSON.parse(firstLine)).toMatchObject({ provider: 'statsbomb', matchId: '7' })
  expect(stderr).toBe('')
  expect(code).toBe(0)
})
