import { parseArgs } from 'node:util'
import { MatchfeedError } from '../errors.js'
import { lookupTable } from '../providers/lookup.js'
import { type CliIo, EXIT, type ExitCode } from './io.js'
import { PROVIDER_HELP, PROVIDER_OPTIONS, readProviderInput } from './provider-input.js'

export const NORMALIZE_HELP = `Usage: matchfeed normalize --provider <name> <file|-> [--lineups F | --f7 F | --ma1 F] [--timing]

Prints one MatchEvent JSON per line (NDJSON) on stdout.
${PROVIDER_HELP}
  --timing    print normalize_ms=<n> on stderr: the parse + normalise call alone, file reading excluded
`

export async function normalizeCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...PROVIDER_OPTIONS,
      timing: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(NORMALIZE_HELP)
    return EXIT.ok
  }
  const input = await readProviderInput(values, positionals, io)

  const started = performance.now()
  let events: ReturnType<typeof input.normalize>
  try {
    events = input.normalize()
  } catch (error) {
    if (error instanceof MatchfeedError) {
      io.stderr(`rejected: ${inFlags(error.message)}\n`)
      return EXIT.rejected
    }
    throw error
  }
  const elapsed = performance.now() - started
  io.stdout(events.map((event) => `${JSON.stringify(event)}\n`).join(''))
  if (values.timing) io.stderr(`normalize_ms=${elapsed.toFixed(3)}\n`)
  return EXIT.ok
}

// The parsers speak of their options; on the command line those are flags.
const FLAGS = lookupTable({
  'options.matchId': '--match-id',
  'options.fixtureId': '--match-id',
  'options.f7': '--f7',
  'options.ma1': '--ma1',
  'options.lineups': '--lineups',
})

/** A library message with its option names turned into the flags that set them. */
export function inFlags(message: string): string {
  return message.replace(/options\.[A-Za-z]+/g, (option) => FLAGS[option] ?? option)
}
