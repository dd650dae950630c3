import type { MatchEvent } from '../event/schema.js'
import { parseApiFootballFixture } from '../providers/api-football/parse-fixture.js'
import { parseCustomEvents } from '../providers/custom/parse-custom.js'
import { parseFootballDataMatch } from '../providers/football-data/parse-match.js'
import { parseOptaF24 } from '../providers/opta/parse-f24.js'
import { parseStatsPerformMA3 } from '../providers/opta/parse-ma3.js'
import { parseStatsBombEvents } from '../providers/statsbomb/parse-events.js'
import { UsageError } from './io.js'

/** Side files a provider may need next to its main file (`--lineups`, `--f7`, `--ma1`). */
export type CompanionFiles = Partial<Record<'lineups' | 'f7' | 'ma1', Uint8Array>>

export interface CliProvider {
  /** Which companion files the provider takes. */
  companions: readonly (keyof CompanionFiles)[]
  /** `matchId` is `--match-id`; `fileName` the input's name (`-` for stdin). */
  normalize(
    main: Uint8Array,
    companions: CompanionFiles,
    context: { matchId: string | undefined; fileName: string },
  ): MatchEvent[]
}

/** Providers `matchfeed normalize` knows. Each provider's issue registers its parser here. */
export const CLI_PROVIDERS: Record<string, CliProvider> = {
  custom: { companions: [], normalize: (main) => parseCustomEvents(main) },
  // A StatsBomb event file does not carry its match id: --match-id, else the file name's digits
  // (`3788741.json`, `statsbomb_3788741_event.json`); ids made up of "unknown" would collide across matches.
  statsbomb: {
    companions: ['lineups'],
    normalize: (main, { lineups }, { matchId, fileName }) => {
      const id = matchId ?? /(\d{4,})/.exec(fileName)?.[1]
      if (id === undefined) {
        throw new UsageError(
          `a StatsBomb events file does not carry its match id, and "${fileName}" has no digits to take it from: pass --match-id`,
        )
      }
      return parseStatsBombEvents(main, { matchId: id, lineups })
    },
  },
  opta: {
    companions: ['f7'],
    normalize: (main, { f7 }, { matchId }) => parseOptaF24(main, { f7, matchId }),
  },
  statsperform: {
    companions: ['ma1'],
    normalize: (main, { ma1 }) => parseStatsPerformMA3(main, { ma1 }),
  },
  // A fixtures?id= / fixtures?live=all / fixtures/events response; --match-id is the fixture id an events
  // response without `parameters.fixture` needs.
  'api-football': {
    companions: [],
    normalize: (main, _companions, { matchId }) =>
      parseApiFootballFixture(main, matchId === undefined ? undefined : { fixtureId: matchId }),
  },
  // A v4 match, or a list of them: each snapshot alone (no previous one to diff against).
  'football-data': { companions: [], normalize: (main) => parseFootballDataMatch(main) },
}
