// Builds dist/ when a fresh clone has none or the sources changed since: `npm start` runs the reference server,
// whose imports of matchfeed's public subpaths resolve to dist/.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const BUILT = join(root, 'dist/index.js')
const INPUTS = ['src', 'package.json', 'tsup.config.ts', 'scripts/entries.mjs', 'scripts/build.mjs']

function newestMtime(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : -1
if (builtAt < Math.max(...INPUTS.map((p) => newestMtime(join(root, p))))) {
  console.error(
    builtAt < 0 ? 'start: building dist/ (first start)' : 'start: sources changed, rebuilding dist/',
  )
  const build = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) {
    console.error('start: the build failed; run `npm run build` to see why')
    process.exit(1)
  }
}
