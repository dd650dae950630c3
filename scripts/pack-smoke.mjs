// Pack smoke test: installs the `npm pack` tarball into a temporary project, imports and requires every
// export, runs `matchfeed --help` from that install, then runs the README's quick start verbatim.
// Runs after `npm run build` (npm test): the tarball is packed without its prepack build.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const run = (cmd, args, cwd, input) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'inherit'] })

const [{ filename }] = JSON.parse(
  run('npm', ['pack', '--json', '--silent', '--ignore-scripts', '--pack-destination', tmpdir()], root),
)
const tarball = join(tmpdir(), filename)
const project = mkdtempSync(join(tmpdir(), 'matchfeed-smoke-'))
let failures = 0
const check = (name, fn) => {
  try {
    fn()
    console.log(`ok   ${name}`)
  } catch (error) {
    failures++
    console.log(`FAIL ${name}\n${error.stdout ?? ''}${error.message}`)
  }
}

try {
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'smoke', private: true }))
  // msw is the optional peer of matchfeed/testing, the only entry that loads a peer when imported.
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent', tarball, 'msw@3'],
    project,
  )

  for (const subpath of Object.keys(pkg.exports)) {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
    const json = subpath.endsWith('.json')
    const esm = json
      ? `import m from '${specifier}' with { type: 'json' }; if (!m || typeof m !== 'object') throw new Error('empty')`
      : `import * as m from '${specifier}'; if (Object.keys(m).length === 0) throw new Error('no exports')`
    const cjs = `const m = require('${specifier}'); if (Object.keys(m).length === 0) throw new Error('no exports')`
    check(`import ${specifier}`, () => run('node', ['--input-type=module', '-e', esm], project))
    check(`require ${specifier}`, () => run('node', ['--input-type=commonjs', '-e', cjs], project))
  }

  // The Kinesis entry without its optional peer installed (the smoke project has no @aws-sdk/client-kinesis):
  // it loads, both ways, and a sink and a lease store are created; the SDK is imported only on first use.
  const kinesis = `const { kinesisSink, memoryLeaseStore } = m
    kinesisSink({ streamName: 's', clientOptions: { region: 'us-east-1' } }); memoryLeaseStore()`
  check('import matchfeed/sinks/kinesis without its peer', () =>
    run(
      'node',
      ['--input-type=module', '-e', `import * as m from 'matchfeed/sinks/kinesis'; ${kinesis}`],
      project,
    ),
  )
  check('require matchfeed/sinks/kinesis without its peer', () =>
    run(
      'node',
      ['--input-type=commonjs', '-e', `const m = require('matchfeed/sinks/kinesis'); ${kinesis}`],
      project,
    ),
  )

  // The live hub without its optional peer `ws` (imported on the first upgrade): it loads and is created
  // both ways. The browser client imports nothing at all, ESM and CJS.
  const live = `const { createLiveHub, memoryLiveStore } = m
    createLiveHub({ store: memoryLiveStore() }).close()`
  check('import matchfeed/live without ws', () =>
    run('node', ['--input-type=module', '-e', `import * as m from 'matchfeed/live'; ${live}`], project),
  )
  check('require matchfeed/live without ws', () =>
    run('node', ['--input-type=commonjs', '-e', `const m = require('matchfeed/live'); ${live}`], project),
  )
  check('matchfeed/live/client has no imports', () => {
    for (const file of ['client.js', 'client.cjs']) {
      const code = readFileSync(join(project, 'node_modules/matchfeed/dist/live', file), 'utf8')
      const found = /^\s*import\s|\brequire\(/m.exec(code)
      if (found) throw new Error(`dist/live/${file} imports: ${found[0]}`)
    }
  })

  // The id mapping without pg (its Postgres store takes a client of yours): a memory store maps an event's
  // match id, both ways.
  const idMap = `const { idMapping, memoryIdMapStore } = m
    const store = memoryIdMapStore([{ provider: 'p', kind: 'match', externalId: '1', internalId: 'ours' }])
    Promise.resolve(idMapping({ store }).transform([{ provider: 'p', matchId: '1' }])).then(([e]) => {
      if (e.matchId !== 'ours' || e.providerMatchId !== '1') throw new Error('not mapped: ' + JSON.stringify(e))
    }).catch((error) => { console.error(error); process.exit(1) })`
  check('import matchfeed/id-mapping without pg', () =>
    run(
      'node',
      ['--input-type=module', '-e', `import * as m from 'matchfeed/id-mapping'; ${idMap}`],
      project,
    ),
  )
  check('require matchfeed/id-mapping without pg', () =>
    run(
      'node',
      ['--input-type=commonjs', '-e', `const m = require('matchfeed/id-mapping'); ${idMap}`],
      project,
    ),
  )

  check('matchfeed --help', () => {
    const out = run(join(project, 'node_modules/.bin/matchfeed'), ['--help'], project)
    if (!out.includes('Usage: matchfeed')) throw new Error(`unexpected help:\n${out}`)
  })

  check('README quick start', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const block = /<!-- quick-start -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1]
    if (!block) throw new Error('README has no <!-- quick-start --> sh block')
    const out = run('bash', ['-euo', 'pipefail', '-c', block], root)
    const expected = /<!-- quick-start-output -->\s*```\n([\s\S]*?)```/.exec(readme)?.[1]?.trim()
    if (!expected || !out.includes(expected))
      throw new Error(`output:\n${out}\nexpected to contain:\n${expected}`)
  })
} finally {
  rmSync(project, { recursive: true, force: true })
  rmSync(tarball, { force: true })
}
if (failures > 0) {
  console.log(`pack smoke: ${failures} failed`)
  process.exit(1)
}
console.log('pack smoke: all passed')
