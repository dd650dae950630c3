import { parseArgs } from 'node:util'
import { MatchfeedError } from '../errors.js'
import { lookupTable } from '../providers/lookup.js'
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js'
import { CLI_PROVIDERS, type CompanionFiles } from './providers.js'

export const NORMALIZE_HELP = `Usage: matchfeed normalize --provider <name> <file|-> [--lineups F | --f7 F | --ma1 F] [--timing]

Prints one MatchEvent JSON per line (NDJSON) on stdout.
  --provider  one of: ${Object.keys(CLI_PROVIDERS).join(', ')}
  --lineups   statsbomb: the lineups file (names, teams)
  --f7        opta: the F7 file (teams, players, formations)
  --ma1       statsperform: the MA1 file
  --match-id  the match id, for files that do not carry one (StatsBomb: default the file name's digits;
              opta: an F24 without Game id; api-football: the fixture of an events response)
  --timing    print normalize_ms=<n> on stderr: the parse + normalise call alone, file reading excluded
`

export async function normalizeCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      provider: { type: 'string' },
      lineups: { type: 'string' },
      f7: { type: 'string' },
      ma1: { type: 'string' },
      'match-id': { type: 'string' },
      timing: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(NORMALIZE_HELP)
    return EXIT.ok
  }
  const name = values.provider
  if (!name) throw new UsageError('--provider is required')
  const provider = CLI_PROVIDERS[name]
  if (!provider) {
    throw new UsageError(
      `unknown provider "${name}"; known providers: ${Object.keys(CLI_PROVIDERS).join(', ')}`,
    )
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one input file (or - for stdin)')
  const companions: CompanionFiles = {}
  for (const key of ['lineups', 'f7', 'ma1'] as const) {
    const path = values[key]
    if (path === undefined) continue
    if (!provider.companions.includes(key))
      throw new UsageError(`--${key} does not apply to provider "${name}"`)
    companions[key] = await read(io, path)
  }
  const main = positionals[0] === '-' ? await io.readStdin() : await read(io, positionals[0]!)

  const started = performance.now()
  let events: ReturnType<typeof provider.normalize>
  try {
    events = provider.normalize(main, companions, {
      matchId: values['match-id'],
      fileName: positionals[0]!.split('/').pop()!,
    })
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

function inFlags(message: string): string {
  return message.replace(/options\.[A-Za-z]+/g, (option) => FLAGS[option] ?? option)
}

async function read(io: CliIo, path: string): Promise<Uint8Array> {
  try {
    return await io.readFile(path)
  } catch (error) {
    throw new UsageError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
}
