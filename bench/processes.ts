// What the benches that run servers and clients as processes of their own share: building dist/ first, starting
// a bench script as a child that answers over IPC, asking it, stopping it, and other processes' CPU time.
import { type ChildProcess, execFileSync, fork } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const DIST_TSCONFIG = fileURLToPath(new URL('./tsconfig.dist.json', import.meta.url))

/** Servers and clients run the built package: built first when dist/ is missing or older than the sources. */
export function ensureBuilt() {
  execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

/**
 * Starts bench/<name>.ts with `args`, resolving 'matchfeed/…' as a user's import does (without the `paths`
 * that point tests at src/): to dist/. Resolves with its first IPC message, its "ready". `profileDir`: it
 * writes a V8 CPU profile there.
 */
export async function startChild<T>(name: string, args: string[], profileDir?: string) {
  const execArgv = ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])]
  const child = fork(fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), args, {
    execArgv,
    env: { ...process.env, TSX_TSCONFIG_PATH: DIST_TSCONFIG },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const [ready] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => [])])) as [
    unknown,
  ]
  if (ready === undefined) throw new Error(`${name} exited before it was ready`)
  return { child, ready: ready as T }
}

/** Sends a child a question and resolves with its next message; rejects if it exits first. */
export function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const exited = () => reject(new Error('a bench process exited while asked'))
    child.once('message', (reply: T) => {
      child.off('exit', exited)
      resolve(reply)
    })
    child.once('exit', exited)
    child.send(message as string)
  })
}

/** Lets go of a child (it closes and exits when its IPC channel goes) and waits for its exit. */
export async function stopChild(child: ChildProcess) {
  if (child.exitCode === null && child.connected) child.disconnect()
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
}

/**
 * CPU time (µs) used so far by every process whose name starts with `name` (Postgres backends, Redis), read
 * from /proc: the box's other big consumers besides the bench's own. Undefined where /proc is missing. Clock
 * ticks of 10 ms.
 */
export function processCpuMicros(name: string): number | undefined {
  try {
    let ticks = 0
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith(name)) continue
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        ticks += Number(fields[11]) + Number(fields[12]) // utime, stime
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks * 10_000
  } catch {
    return undefined
  }
}
