// `npm run build`: tsup, then the JSON Schema. A build that warns fails: a warning from the d.ts bundler means a
// public type refers to one users cannot import (TS2742 / TS2883 in their code).
import { spawnSync } from 'node:child_process'

const tsup = spawnSync('npx', ['tsup'], { encoding: 'utf8' })
const output = `${tsup.stdout}${tsup.stderr}`
process.stdout.write(output)
const warnings = output.split('\n').filter((line) => /warn|still references private/i.test(line))
if (tsup.status !== 0 || warnings.length > 0) {
  console.error(
    `build: ${tsup.status !== 0 ? `tsup exited ${tsup.status}` : `${warnings.length} warning(s)`}`,
  )
  process.exit(1)
}
const schema = spawnSync(process.execPath, ['scripts/write-json-schema.mjs'], { stdio: 'inherit' })
process.exit(schema.status ?? 1)
