// replay's progress on a terminal: one line redrawn in place on stderr.
const WIDTH = 30

export interface Progress {
  update(done: number, matchMs: number): void
  finish(summary: string): void
}

export function createProgress(total: number, write: (text: string) => void, tty: boolean): Progress {
  let lastDrawn = -1
  return {
    update(done, matchMs) {
      if (!tty) return
      // Redrawn at most once per percent: a terminal is slow compared with a replay at speed 0.
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100)
      if (percent === lastDrawn && done !== total) return
      lastDrawn = percent
      const filled = Math.round((percent / 100) * WIDTH)
      const clock = `${Math.floor(matchMs / 60_000)}:${String(Math.floor(matchMs / 1000) % 60).padStart(2, '0')}`
      write(`\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} events  +${clock}`)
    },
    finish(summary) {
      write(`${tty ? '\n' : ''}${summary}\n`)
    },
  }
}
