import { type MetricsOptions, type PrometheusRegistry, scrapeTimeMetrics } from '../pipeline/prometheus.js'
import type { IdMapping } from './id-mapping.js'

/**
 * Exposes an id mapping's counters in a prom-client registry, beside the pipeline's (`registerPipelineMetrics`):
 * the same `matchfeed_` family, read from `mapping.metrics()` at scrape time. Labels: provider, kind, outcome —
 * never an id.
 */
export async function registerIdMappingMetrics(
  mapping: IdMapping,
  options: MetricsOptions = {},
): Promise<PrometheusRegistry> {
  const { register, add } = await scrapeTimeMetrics(options, 'registerIdMappingMetrics')
  add(
    'id_map_ids_total',
    'Ids events named, by whether they were mapped or passed through unmapped.',
    'counter',
    () =>
      mapping.metrics().ids.flatMap(({ provider, kind, mapped, unmapped }) => [
        { value: mapped, labels: { provider, kind, outcome: 'mapped' } },
        { value: unmapped, labels: { provider, kind, outcome: 'unmapped' } },
      ]),
  )
  add(
    'id_map_failures_total',
    'Batches given back because the id map store or lookup failed.',
    'counter',
    () => [{ value: mapping.metrics().failures, labels: {} }],
  )
  add('id_map_cached_ids', 'Ids in the id mapping’s cache.', 'gauge', () => [
    { value: mapping.metrics().cached, labels: {} },
  ])
  return register
}
