import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { entries } from '../../scripts/entries.mjs'

// package.json's exports are the one list of public subpaths; tsup and vitest read it (scripts/entries.mjs),
// and tsconfig.json's paths, being JSON, are held to it here.
describe('the public subpaths', () => {
  it('each export has its source module', () => {
    expect(entries.length).toBeGreaterThanOrEqual(11)
    for (const e of entries)
      expect(existsSync(new URL(`../../${e.source}`, import.meta.url)), e.source).toBe(true)
  })

  it('tsconfig.json paths are exactly the exports', () => {
    const tsconfig = JSON.parse(readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> }
    }
    const fromExports = Object.fromEntries(entries.map((e) => [e.specifier, [`./${e.source}`]]))
    expect(tsconfig.compilerOptions.paths).toEqual(fromExports)
  })
})
