// Provider credentials in the environment start the real sources: pollers feeding the same pipeline.
import type { Source } from 'matchfeed'
import { createApiFootballPoller } from 'matchfeed/api-football'
import { createFootballDataPoller } from 'matchfeed/football-data'
import { createStatsPerformClient } from 'matchfeed/opta'
import { createStatsBombClient } from 'matchfeed/statsbomb'
import type { Config } from './config.js'

export function providerSources(config: Config): Source[] {
  const sources: Source[] = []
  if (config.API_FOOTBALL_KEY)
    sources.push(
      createApiFootballPoller({
        apiKey: config.API_FOOTBALL_KEY,
        fixtures: config.API_FOOTBALL_FIXTURES,
        plan: config.API_FOOTBALL_PLAN,
      }),
    )
  if (config.FOOTBALL_DATA_TOKEN)
    sources.push(
      createFootballDataPoller({
        token: config.FOOTBALL_DATA_TOKEN,
        plan: config.FOOTBALL_DATA_PLAN,
        ...(config.FOOTBALL_DATA_MATCHES.length > 0
          ? { matches: config.FOOTBALL_DATA_MATCHES }
          : { competitions: config.FOOTBALL_DATA_COMPETITIONS }),
      }),
    )
  if (config.STATSBOMB_USERNAME && config.STATSBOMB_PASSWORD) {
    const statsbomb = createStatsBombClient({
      username: config.STATSBOMB_USERNAME,
      password: config.STATSBOMB_PASSWORD,
    })
    for (const matchId of config.STATSBOMB_MATCHES) sources.push(statsbomb.pollMatch(matchId))
  }
  if (config.STATSPERFORM_OUTLET_KEY) {
    const statsPerform = createStatsPerformClient({
      outletKey: config.STATSPERFORM_OUTLET_KEY,
      ...(config.STATSPERFORM_SECRET_KEY && { secretKey: config.STATSPERFORM_SECRET_KEY }),
    })
    for (const fixtureId of config.STATSPERFORM_FIXTURES) sources.push(statsPerform.pollMatch(fixtureId))
  }
  return sources
}
