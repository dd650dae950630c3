// What `normalize` and `replay` share: the provider flags, and reading a provider file into MatchEvents.
import type { MatchEvent } from '../event/schema.js'
import type { CliIo } from './io.js'
import { UsageError } from './io.js'
import { CLI_PROVIDERS, type CompanionFiles } from './providers.js'

export const PROVIDER_OPTIONS = {
  provider: { type: 'string' },
  lineups: { type: 'string' },
  f7: { type: 'string' },
  ma1: { type: 'string' },
  'match-id': { type: 'string' },
} as const

export const PROVIDER_HELP = `  --provider  one of: ${Object.keys(CLI_PROVIDERS).join(', ')}
  --lineups   statsbomb: the lineups file (names, teams)
  --f7        opta: the F7 file (teams, players, formations)
  --ma1       statsperform: the MA1 file
  --match-id  the match id, for files that do not carry one (StatsBomb: default the file name's digits;
              opta: an F24 without Game id; api-football: the fixture of an events response)`

type ProviderValues = Partial<Record<keyof typeof PROVIDER_OPTIONS, string>>

/** A provider file read and checked, ready to normalise: `normalize()` throws the provider's typed errors. */
export interface ProviderInput {
  normalize(): MatchEvent[]
}

export async function readProviderInput(
  values: ProviderValues,
  positionals: string[],
  io: CliIo,
): Promise<ProviderInput> {
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
  const path = positionals[0]!
  const main = path === '-' ? await io.readStdin() : await read(io, path)
  return {
    normalize: () =>
      provider.normalize(main, companions, { matchId: values['match-id'], fileName: path.split('/').pop()! }),
  }
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
