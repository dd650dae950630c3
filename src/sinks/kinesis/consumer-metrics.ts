import { type MetricsOptions, type PrometheusRegistry, scrapeTimeMetrics } from '../../pipeline/prometheus.js'
import type { KinesisConsumer } from './consumer.js'

/**
 * Exposes a Kinesis consumer's metrics in a prom-client registry, in the pipeline's family
 * (`matchfeed_kinesis_…`; the same registry as `registerPipelineMetrics` works). Read at scrape time.
 * Labels: the stream, and for `millis_behind_latest` the shard.
 */
export async function registerKinesisConsumerMetrics(
  consumer: KinesisConsumer,
  options: MetricsOptions = {},
): Promise<PrometheusRegistry> {
  const metrics = await scrapeTimeMetrics(options, 'registerKinesisConsumerMetrics')
  const stream = { stream: consumer.stream }
  const add: typeof metrics.add = (name, ...rest) => metrics.add(`kinesis_${name}`, ...rest)
  const counter = (name: string, help: string, read: () => number) =>
    add(name, help, 'counter', () => [{ value: read(), labels: stream }])
  const m = () => consumer.metrics()
  counter('records_read_total', 'Records read with GetRecords.', () => m().recordsRead)
  counter('events_read_total', 'MatchEvents decoded from the records read.', () => m().eventsRead)
  counter(
    'lease_takeovers_total',
    'Leases taken from another worker (expired, or a hand-off forced).',
    () => m().takeovers,
  )
  counter(
    'leases_lost_total',
    'Leases lost: taken by another worker, or not renewable in time.',
    () => m().leasesLost,
  )
  counter(
    'handler_failures_total',
    'Handler calls that rejected (retried, then dead-lettered).',
    () => m().handlerFailures,
  )
  counter('dead_lettered_total', 'Records handed to deadLetter.', () => m().deadLettered)
  add('leases_held', 'Shard leases this worker holds.', 'gauge', () => [
    { value: m().leasesHeld, labels: stream },
  ])
  add('checkpoint_age_seconds', 'Age of the oldest last checkpoint among the shards held.', 'gauge', () => [
    { value: m().checkpointAgeSeconds, labels: stream },
  ])
  add('millis_behind_latest', 'How far behind the tip of its shard the last read was.', 'gauge', () =>
    Object.entries(m().millisBehindLatest).map(([shard, value]) => ({ value, labels: { ...stream, shard } })),
  )
  return metrics.register
}
