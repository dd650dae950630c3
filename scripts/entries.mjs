// The public subpaths, read from package.json's `exports`: the one list. tsup builds these entries, vitest
// aliases them to the sources, and a test holds tsconfig.json's `paths` (JSON, so not derivable) to it.
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

/** `[{ specifier: 'matchfeed/webhooks', entry: 'webhooks/index', source: 'src/webhooks/index.ts' }, …]` */
export const entries = Object.entries(pkg.exports).flatMap(([subpath, target]) => {
  const built = typeof target === 'object' ? target.import?.default : undefined
  if (typeof built !== 'string') return [] // the JSON Schema and package.json are files, not code entries
  const entry = built.replace(/^\.\/dist\//, '').replace(/\.js$/, '')
  const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
  return [{ specifier, entry, source: `src/${entry}.ts` }]
})
