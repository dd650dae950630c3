import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./kinesis-worker-process.ts', import.meta.url))

/** A consumer worker in a child process, and what it said about its leases and batches. */
export interface WorkerProcess {
  readonly id: string
  readonly child: ChildProcess
  /** Its shards, as last reported. */
  shards: string[]
  /** Events it handled (redeliveries included). */
  handled: number
  batches: number
  signal(name: NodeJS.Signals): void
  /** SIGTERM, and waits for the graceful stop's end. */
  stop(): Promise<void>
  /** SIGKILL if still alive, and waits for the exit. */
  kill(): Promise<void>
}

export function startWorker(id: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, ...env, WORKER_ID: id },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  const worker: WorkerProcess = {
    id,
    child,
    shards: [],
    handled: 0,
    batches: 0,
    signal: (name) => void child.kill(name),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    },
  }
  let buffered = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) {
      if (line.startsWith('shards ')) worker.shards = line.slice(7).split(',').filter(Boolean)
      else if (line.startsWith('batch ')) {
        worker.batches++
        worker.handled += Number(line.slice(6))
      }
    }
  })
  return worker
}
