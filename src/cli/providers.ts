import type { MatchEvent } from '../event/schema.js'
import { parseCustomEvents } from '../providers/custom/parse-custom.js'

/** Side files a provider may need next to its main file (`--lineups`, `--f7`, `--ma1`). */
export type CompanionFiles = Partial<Record<'lineups' | 'f7' | 'ma1', Uint8Array>>

export interface CliProvider {
  /** Which companion files the provider takes. */
  companions: readonly (keyof CompanionFiles)[]
  normalize(main: Uint8Array, companions: CompanionFiles): MatchEvent[]
}

/** Providers `matchfeed normalize` knows. Each provider's issue registers its parser here. */
export const CLI_PROVIDERS: Record<string, CliProvider> = {
  custom: { companions: [], normalize: (main) => parseCustomEvents(main) },
}
