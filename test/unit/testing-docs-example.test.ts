// docs/testing.md's copy-paste tests, run exactly as printed: each block whose first line names its file
// (`// statsbomb-feed.test.ts (vitest)`) is written to .tmp/docs-testing/ as that file and imported here, in
// a suite of its own, so its hooks and tests run in this file. `matchfeed/*` resolve to the sources
// (vitest.config.ts), as they would to the package in a user's project.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { extractBlocks, ROOT } from '../helpers/doc-blocks.js'

const NAMED = /^\/\/ ([\w-]+\.test\.ts) \(vitest\)\n/
const blocks = extractBlocks('docs/testing.md').filter((b) => NAMED.test(b.code))
const dir = join(ROOT, '.tmp', 'docs-testing')
mkdirSync(dir, { recursive: true })

it('docs/testing.md has a copy-paste test per provider, each under its own file name', () => {
  const names = blocks.map((b) => NAMED.exec(b.code)![1])
  expect(names).toEqual([
    'api-football-feed.test.ts',
    'statsbomb-feed.test.ts',
    'statsperform-feed.test.ts',
    'websocket-feed.test.ts',
    'opta-push.test.ts',
  ])
})

for (const block of blocks) {
  const name = NAMED.exec(block.code)![1]!
  describe(`docs/testing.md:${block.line} ${name}`, async () => {
    const file = join(dir, name)
    writeFileSync(file, block.code)
    await import(pathToFileURL(file).href)
  })
}
