import { processIo, runCli } from './run.js'

// Set exitCode rather than calling exit(): stdout may still be flushing into a pipe.
runCli(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`matchfeed: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = 1
  },
)
