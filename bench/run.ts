// `npm run bench`: every benchmark, one after the other, each in a process of its own so that one's heap and
// compiled code do not colour the next. Each prints its tables, then one JSON line; the JSON lines are
// gathered into one at the end.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BENCHES = [
  'verify',
  'handler',
  'statsbomb',
  'opta',
  'pipeline',
  'postgres',
  'redis',
  'kinesis',
  'e2e',
  'live',
]

function runBench(name: string): Promise<unknown> {
  const file = fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, file], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    process.stdout.write(chunk)
    output += chunk
  })
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const last = output.trim().split('\n').pop() ?? ''
      if (code !== 0) resolve({ failed: `exit ${code ?? signal}` })
      else resolve(last.startsWith('{') ? JSON.parse(last) : null)
    })
  })
}

const results: Record<string, unknown> = {}
for (const name of BENCHES) {
  console.log(`\n== ${name}`)
  results[name] = await runBench(name)
}
console.log(JSON.stringify(results))
if (Object.values(results).some((r) => typeof r === 'object' && r !== null && 'failed' in r))
  process.exitCode = 1
