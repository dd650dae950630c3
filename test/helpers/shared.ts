import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe } from 'vitest'

/**
 * The shared real-data folder (provider fixtures and kloppy's conformance output). It sits beside the
 * clone in CI; elsewhere set MATCHFEED_SHARED_DIR, or the real-data suites say they were skipped.
 */
export const SHARED_DIR = resolve(
  process.env.MATCHFEED_SHARED_DIR ?? join(fileURLToPath(new URL('../../', import.meta.url)), '../shared'),
)
export const hasShared = existsSync(join(SHARED_DIR, 'fixtures'))

/** `describe` for suites that need the shared folder: skipped, and named as such, when it is absent. */
export function describeShared(name: string, fn: () => void): void {
  if (hasShared) describe(name, fn)
  else describe.skip(`${name} (skipped: no shared data at ${SHARED_DIR}; set MATCHFEED_SHARED_DIR)`, fn)
}

/** The files of a shared folder, sorted; none when the shared folder is absent. */
export function sharedFiles(folder: string): string[] {
  return hasShared ? readdirSync(join(SHARED_DIR, folder)).sort() : []
}

export function readShared(path: string): string {
  return readFileSync(join(SHARED_DIR, path), 'utf8')
}

export function readSharedNdjson<T>(path: string): T[] {
  return readShared(path)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T)
}

/** One event of kloppy 3.19's reading of a shared match (`conformance/kloppy/*.ndjson`). */
export interface KloppyLine {
  id: string
  type: string
  name: string
  result: string | null
  period: number
  t: number
  team: string | null
  player: string | null
  loc: { x: number; y: number } | null
  end: { x: number; y: number; z?: number } | null
  setPiece: string | null
  bodyPart: string | null
  card?: string
  receiver?: string
  replacement?: string
}

/** kloppy's reading of a shared match, one line per event: `file` in `conformance/kloppy`. */
export function readKloppy(file: string): KloppyLine[] {
  return readSharedNdjson<KloppyLine>(`conformance/kloppy/${file}`)
}
