// The code blocks of README.md and docs/**/*.md, and a strict type-check of them against the sources.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The languages whose blocks are type-checked; every other fence (sh, sql, text) is prose to the test. */
const COMPILED = new Map([
  ['ts', '.ts'],
  ['typescript', '.ts'],
  ['js', '.js'],
  ['javascript', '.js'],
])
/** `<!-- not compiled: <reason> -->` on the line before a fence keeps a TS / JS block out of the check. */
const SKIP_MARK = /^<!--\s*not compiled:\s*(.+?)\s*-->$/
const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/
/** A shell heredoc that writes a script (`cat > quick-start.mjs <<'JS'`): checked as that script. */
const HEREDOC = /^cat\s+>\s*(\S+\.(m?[jt]s))\s+<<-?\s*(['"]?)(\w+)\3\s*$/

export interface DocBlock {
  /** The markdown file, relative to the repository root (`docs/websocket.md`). */
  file: string
  /** The line of the opening fence (for a script inside a shell block: of its heredoc), from 1. */
  line: number
  lang: string
  code: string
  /** The reason given by a `not compiled` mark, for a TS / JS block that carries one. */
  skip?: string
  /** For a script written by a heredoc of a shell block: its file name (`quick-start.mjs`). */
  script?: string
}

/** README.md and every markdown file under docs/, sorted. */
export function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f).replaceAll('\\', '/'))
  return ['README.md', ...docs.sort()]
}

/** The fenced blocks of one markdown file, in order. */
export function extractBlocks(file: string, text = readFileSync(join(ROOT, file), 'utf8')): DocBlock[] {
  const lines = text.split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!)
    if (!open) continue
    const [, indent = '', fence = '', lang = ''] = open
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]!)
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!)
    }
    let before = i - 1
    while (before >= 0 && lines[before]!.trim() === '') before--
    const skip = before >= 0 ? SKIP_MARK.exec(lines[before]!.trim())?.[1] : undefined
    const block: DocBlock = { file, line: i + 1, lang: lang.toLowerCase(), code: body.join('\n') }
    if (skip !== undefined) block.skip = skip
    blocks.push(block)
    if (block.lang === 'sh' || block.lang === 'bash') blocks.push(...heredocScripts(block, body, skip))
    i = j
  }
  return blocks
}

/** The scripts a shell block writes with a heredoc, as blocks of their own language. */
function heredocScripts(shell: DocBlock, lines: string[], skip: string | undefined): DocBlock[] {
  const scripts: DocBlock[] = []
  for (let k = 0; k < lines.length; k++) {
    const start = HEREDOC.exec(lines[k]!)
    if (!start) continue
    const end = lines.indexOf(start[4]!, k + 1)
    if (end < 0) continue
    const script: DocBlock = {
      file: shell.file,
      line: shell.line + 1 + k,
      lang: start[2]!.endsWith('ts') ? 'ts' : 'js',
      code: lines.slice(k + 1, end).join('\n'),
      script: start[1]!,
    }
    if (skip !== undefined) script.skip = skip
    scripts.push(script)
    k = end
  }
  return scripts
}

export const isCompiled = (block: DocBlock): boolean => COMPILED.has(block.lang)

/** A file name of its own for a block: `docs_pitch_md_L12.ts` (with `extension`). */
export const blockFileName = (block: DocBlock, extension: string): string =>
  `${block.file.replace(/[/.]/g, '_')}_L${block.line}${extension}`

export type Resolution = 'node16' | 'bundler'

export interface BlockError {
  block: DocBlock
  /** `docs/websocket.md:14 (block at line 3, node16): TS2322: …` */
  message: string
}

const MODES: Record<Resolution, ts.CompilerOptions> = {
  node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
}

// Parsed library and source files, shared by the two programs (keyed by what the parse depends on).
const parsed = new Map<string, ts.SourceFile>()

/**
 * Type-checks blocks under tsconfig.json's strict options (its `paths` map `matchfeed` and `matchfeed/*`
 * to the sources), with `module` / `moduleResolution` set for `resolution`. One program for all blocks:
 * each block is a virtual module of its own, beside package.json (so ESM, as a user's module would be).
 */
export function typecheckBlocks(blocks: readonly DocBlock[], resolution: Resolution): BlockError[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile)
  const base = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options
  const options: ts.CompilerOptions = {
    ...base,
    ...MODES[resolution],
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
  }
  const virtual = new Map<string, DocBlock>()
  for (const block of blocks) {
    virtual.set(join(ROOT, '.doc-blocks', blockFileName(block, COMPILED.get(block.lang) ?? '.ts')), block)
  }
  const host = ts.createCompilerHost(options)
  const { fileExists, readFile } = host
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f)
  host.readFile = (f) => virtual.get(f)?.code ?? readFile.call(host, f)
  host.getSourceFile = (fileName, languageVersion) => {
    const block = virtual.get(fileName)
    if (block) return ts.createSourceFile(fileName, block.code, languageVersion)
    const format = typeof languageVersion === 'object' ? languageVersion.impliedNodeFormat : undefined
    const key = `${fileName}\0${format}`
    let file = parsed.get(key)
    if (!file) {
      const text = ts.sys.readFile(fileName)
      if (text === undefined) return undefined
      file = ts.createSourceFile(fileName, text, languageVersion)
      parsed.set(key, file)
    }
    return file
  }
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host })
  const errors: BlockError[] = program
    .getOptionsDiagnostics()
    .concat(program.getGlobalDiagnostics())
    .map((d) => ({ block: blocks[0]!, message: `(${resolution} options) ${flatten(d)}` }))
  for (const [fileName, block] of virtual) {
    const source = program.getSourceFile(fileName)!
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ]
    for (const d of diagnostics) {
      const at = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line
      errors.push({
        block,
        message: `${block.file}:${block.line + 1 + at} (${where(block)}, ${resolution}): TS${d.code}: ${flatten(d)}`,
      })
    }
  }
  return errors
}

/** `block at line 3`, or `quick-start.mjs written at line 32` */
function where(block: DocBlock): string {
  return block.script ? `${block.script} written at line ${block.line}` : `block at line ${block.line}`
}

function flatten(d: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(d.messageText, '\n  ')
}
