import { processIo, runCli } from './run.js'

// A reader that went away (`matchfeed normalize … | head -1`) ends the command quietly, with 0: what it
// wanted it has. Any other failure to write stdout is an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  process.stderr.write(`matchfeed: cannot write to stdout: ${error.message}\n`)
  process.exit(1)
})

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
