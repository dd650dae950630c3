/** What a CLI command touches of the outside world: injectable, so commands are tested in-process. */
export interface CliIo {
  readStdin(): Promise<Uint8Array>
  readFile(path: string): Promise<Uint8Array>
  stdout(text: string): void
  stderr(text: string): void
  env: Record<string, string | undefined>
  /** Whether stderr is a terminal (a progress bar is drawn there then). */
  stderrIsTTY?: boolean
  /** Waits `ms` (replay's pacing); tests pass one that records instead of waiting. */
  sleep?(ms: number): Promise<void>
  /** HTTP for replay's deliveries; the global fetch by default. */
  fetch?: typeof fetch
}

/** Exit codes: 0 ok, 1 rejected (bad signature, unreadable payload), 2 bad usage. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export class UsageError extends Error {}
