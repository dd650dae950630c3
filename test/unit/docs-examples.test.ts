// Every TS / JS code block of README.md and docs/ type-checks against the sources under strict TypeScript,
// with node16 and with bundler resolution; a few pure ones are run, and the results their comments claim
// are compared. A block left out says why, in a `<!-- not compiled: … -->` line before it, listed here.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  blockFileName,
  type DocBlock,
  docFiles,
  extractBlocks,
  isCompiled,
  ROOT,
  typecheckBlocks,
} from '../helpers/doc-blocks.js'

const blocks = docFiles().flatMap((file) => extractBlocks(file))
const compiled = blocks.filter((b) => isCompiled(b) && b.skip === undefined)
const skipped = blocks.filter((b) => isCompiled(b) && b.skip !== undefined)

describe('the code blocks of README.md and docs/', () => {
  it('are found, and every one left out is listed with its reason', () => {
    expect(compiled.length).toBeGreaterThanOrEqual(30)
    // The quick start's script (a heredoc in README's sh block) is checked as the .mjs it is.
    expect(compiled.some((b) => b.file === 'README.md' && b.script === 'quick-start.mjs')).toBe(true)
    expect(skipped.map((b) => `${b.file}: ${b.skip}`)).toEqual([
      'docs/pitch.md: a list of signatures, not statements',
    ])
  })

  // One program per resolution for all blocks (each a module of its own): a few seconds, not one per block.
  it.each(['node16', 'bundler'] as const)('type-check under strict TypeScript, %s resolution', (mode) => {
    expect(typecheckBlocks(compiled, mode).map((e) => e.message)).toEqual([])
  })

  it('run, where pure, and give the results their comments state', async () => {
    const runnable = compiled.filter(isPure)
    const checked: string[] = []
    const dir = join(ROOT, '.tmp', 'doc-blocks')
    mkdirSync(dir, { recursive: true })
    for (const block of runnable) {
      const file = join(dir, blockFileName(block, '.ts'))
      writeFileSync(file, withClaims(block))
      const { claims } = (await import(pathToFileURL(file).href)) as { claims: Claim[] }
      for (const claim of claims) {
        expect(claim.actual, `${block.file}:${claim.line}`).toEqual(claim.stated)
        checked.push(`${block.file}:${claim.line}`)
      }
    }
    // pitch.md's conversions (the penalty spot from two systems, a StatsBomb cell and an Opta point in kloppy's).
    expect(checked.filter((c) => c.startsWith('docs/pitch.md:')).length).toBeGreaterThanOrEqual(4)
  })
})

describe('the files README.md and docs/ point to', () => {
  it('exist: every relative link, every markdown file named, every repository path in backticks', () => {
    const missing: string[] = []
    for (const file of docFiles()) {
      const text = readFileSync(join(ROOT, file), 'utf8')
      const here = dirname(file)
      const prose = text.replace(/`[^`\n]*`/g, '') // `Event[12](id=…)` is no link
      for (const [, target] of prose.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (!/^[a-z]+:/.test(target!) && !existsSync(join(ROOT, here, target!)))
          missing.push(`${file}: link ${target}`)
      }
      for (const [name] of text.matchAll(/(?<![\w/.-])[\w./-]+\.md\b/g)) {
        if (![here, '.', 'docs'].some((dir) => existsSync(join(ROOT, dir, name))))
          missing.push(`${file}: ${name}`)
      }
      for (const [, path] of text.matchAll(/`((?:src|test|bench|examples|scripts)\/[\w./-]+)`/g)) {
        if (!existsSync(join(ROOT, path!))) missing.push(`${file}: ${path}`)
      }
    }
    expect(missing).toEqual([])
  })

  it("http.md documents the clients' timeouts and retry, and sends no one to the sources", () => {
    const http = readFileSync(join(ROOT, 'docs/http.md'), 'utf8')
    expect(http).not.toMatch(/`src\//)
    for (const option of [
      'connectMs',
      'headersMs',
      'bodyMs',
      'deadlineMs',
      'retries',
      'minDelayMs',
      'maxDelayMs',
    ])
      expect(http).toContain(`| \`${option}\` |`)
  })
})

interface Claim {
  line: number
  actual: unknown
  stated: unknown
}

/** A block that imports from `matchfeed` alone and declares nothing of its own: safe and cheap to run. */
function isPure(block: DocBlock): boolean {
  const imports = [...block.code.matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1])
  return imports.length > 0 && imports.every((i) => i === 'matchfeed') && !/^declare /m.test(block.code)
}

/**
 * The block, with each `expression // { x: 94, y: 34 }: words` (a statement whose comment starts with an
 * object or a number) recorded as a claim: `claims` exported, holding what it gave and what it states.
 */
function withClaims(block: DocBlock): string {
  const lines = block.code.split('\n').map((line, i) => {
    const at = line.indexOf(' // ')
    if (at < 0 || /^\s*(import|const|let|export)\b/.test(line)) return line
    const stated = literalAt(line.slice(at + 4))
    if (stated === undefined) return line
    return `claims.push({ line: ${block.line + 1 + i}, actual: ${line.slice(0, at)}, stated: (${stated}) })`
  })
  return `export const claims: { line: number; actual: unknown; stated: unknown }[] = []\n${lines.join('\n')}\n`
}

/** The object (balanced braces) or number a comment starts with. */
function literalAt(comment: string): string | undefined {
  const number = /^-?\d[\d._e+-]*(?=$|[\s:,;])/.exec(comment)
  if (number) return number[0]
  if (!comment.startsWith('{')) return undefined
  let depth = 0
  for (let i = 0; i < comment.length; i++) {
    if (comment[i] === '{') depth++
    else if (comment[i] === '}' && --depth === 0) return comment.slice(0, i + 1)
  }
  return undefined
}
