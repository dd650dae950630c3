import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { requireRedis } from './redis.js'

/** A redis-server of the test's own (in memory, on 127.0.0.1), to kill and start again on the same port. */
export class ScratchRedis {
  private child: ChildProcess | undefined

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    this.child = spawn('redis-server', args, { stdio: 'ignore' })
    for (let i = 0; ; i++) {
      try {
        await requireRedis(this.url)
        return
      } catch (error) {
        if (i > 200) throw error
        await sleep(25)
      }
    }
  }

  async kill(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }
}

/** When each handler call started: to show that none started while the worker could not be sure of its lease. */
export function callLog() {
  const at: number[] = []
  return {
    at,
    record: () => void at.push(Date.now()),
    between: (from: number, to: number) => at.filter((t) => t >= from && t <= to).length,
    after: (t: number) => at.some((x) => x > t),
  }
}
