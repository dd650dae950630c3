import { readFile } from 'node:fs/promises'
import { buffer } from 'node:stream/consumers'
import { MatchfeedError } from '../errors.js'
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js'
import { NORMALIZE_HELP, normalizeCommand } from './normalize.js'
import { REPLAY_HELP, replayCommand } from './replay.js'
import { SIGN_HELP, signCommand, VERIFY_HELP, verifyCommand } from './webhook-commands.js'

const COMMANDS = {
  normalize: normalizeCommand,
  replay: replayCommand,
  sign: signCommand,
  verify: verifyCommand,
} as const

export const HELP = `matchfeed — live football events from every provider as one typed MatchEvent

Usage: matchfeed <command> [options]

Commands:
  normalize   a provider file → MatchEvent NDJSON on stdout
  replay      a provider file played as a live feed: signed webhooks to a URL, or NDJSON on stdout
  sign        print the signature headers for a body on stdin
  verify      check a body on stdin against its signature headers

Exit codes: 0 ok, 1 rejected, 2 bad usage. stdout is data, stderr is diagnostics.
Run 'matchfeed <command> --help' for a command's options.

${NORMALIZE_HELP}
${REPLAY_HELP}
${SIGN_HELP}
${VERIFY_HELP}`

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP)
    return command === undefined ? EXIT.usage : EXIT.ok
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${await version()}\n`)
    return EXIT.ok
  }
  const run = COMMANDS[command as keyof typeof COMMANDS]
  if (!run) {
    io.stderr(`matchfeed: unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`)
    return EXIT.usage
  }
  try {
    return await run(rest, io)
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`matchfeed ${command}: ${(error as Error).message}\nRun 'matchfeed ${command} --help'.\n`)
      return EXIT.usage
    }
    if (error instanceof MatchfeedError) {
      io.stderr(`matchfeed ${command}: ${error.message}\n`)
      return EXIT.rejected
    }
    throw error
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

async function version(): Promise<string> {
  const pkg = new URL('../../package.json', import.meta.url)
  return (JSON.parse(await readFile(pkg, 'utf8')) as { version: string }).version
}

export const processIo: CliIo = {
  readStdin: () => buffer(process.stdin),
  readFile: (path) => readFile(path),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
}
