import { importPeer } from '../peer.js'
import type { HistogramSnapshot } from './histogram.js'
import type { Pipeline } from './pipeline.js'

/** What matchfeed needs of a prom-client `Registry`. */
export interface PrometheusRegistry {
  registerMetric(metric: never): void
  metrics(): Promise<string>
  readonly contentType: string
}

type Labels = Record<string, string>
export interface Sample {
  value: number
  labels: Labels
  metricName?: string
}

/**
 * Exposes a pipeline's metrics in a prom-client registry (prom-client is an optional peer: install it,
 * or pass your own registry). Values are read from `pipeline.metrics()` at scrape time. Labels are low
 * cardinality — source, sink, outcome — never a match id.
 *
 *   const registry = await registerPipelineMetrics(pipeline)
 *   app.get('/metrics', async (_req, res) => res.type(registry.contentType).send(await registry.metrics()))
 */
export async function registerPipelineMetrics(
  pipeline: Pipeline,
  options: MetricsOptions = {},
): Promise<PrometheusRegistry> {
  const { register, add: metric } = await scrapeTimeMetrics(options, 'registerPipelineMetrics')
  const p = options.prefix ?? 'matchfeed_' // histogram samples carry their full metric names
  const sources = () => Object.entries(pipeline.metrics().sources)
  const sinks = () => Object.entries(pipeline.metrics().sinks)

  metric('events_received_total', 'Events received from each source.', 'counter', () =>
    sources().map(([source, s]) => ({ value: s.events, labels: { source } })),
  )
  metric('events_invalid_total', 'Events refused at the boundary as invalid MatchEvents.', 'counter', () =>
    sources().map(([source, s]) => ({ value: s.invalid, labels: { source } })),
  )
  metric('source_last_event_timestamp_seconds', 'When each source last delivered an event.', 'gauge', () =>
    sources().flatMap(([source, s]) =>
      s.lastEventAt === undefined ? [] : [{ value: s.lastEventAt / 1000, labels: { source } }],
    ),
  )
  metric('sink_events_total', 'Events per sink by outcome.', 'counter', () =>
    sinks().flatMap(([sink, c]) =>
      (
        [
          ['delivered', c.delivered],
          ['dead_lettered', c.deadLettered],
          ['dropped', c.droppedByPolicy],
          ['deduplicated', c.deduplicated],
          ['rejected', c.rejected],
        ] as const
      ).map(([outcome, value]) => ({ value, labels: { sink, outcome } })),
    ),
  )
  metric('sink_retries_total', 'Write retries per sink.', 'counter', () =>
    sinks().map(([sink, c]) => ({ value: c.retries, labels: { sink } })),
  )
  metric('sink_write_failures_total', 'Failed write attempts per sink.', 'counter', () =>
    sinks().map(([sink, c]) => ({ value: c.failedWrites, labels: { sink } })),
  )
  metric('sink_pending_events', 'Events queued for or being written to each sink.', 'gauge', () =>
    sinks().map(([sink, c]) => ({ value: c.pending, labels: { sink } })),
  )
  metric('ingest_lag_seconds', 'Provider timestamp to ingest, per source.', 'histogram', () =>
    sources().flatMap(([source, s]) => histogram(`${p}ingest_lag_seconds`, s.ingestLag, { source })),
  )
  metric('delivery_latency_seconds', 'Ingest to durable write, per sink.', 'histogram', () =>
    sinks().flatMap(([sink, c]) => histogram(`${p}delivery_latency_seconds`, c.latency, { sink })),
  )
  return register
}

function histogram(name: string, h: HistogramSnapshot, labels: Labels): Sample[] {
  return [
    ...h.buckets.map((b) => ({
      metricName: `${name}_bucket`,
      labels: { ...labels, le: b.le === Number.POSITIVE_INFINITY ? '+Inf' : String(b.le) },
      value: b.count,
    })),
    { metricName: `${name}_sum`, labels, value: h.sum },
    { metricName: `${name}_count`, labels, value: h.count },
  ]
}

/** Where matchfeed's metrics go: your prom-client registry (or a new one), under a name prefix. */
export interface MetricsOptions {
  register?: PrometheusRegistry
  /** Default `matchfeed_`. */
  prefix?: string
}

/**
 * @internal A registry (the given one, or a new prom-client one: an optional peer) and a way to add a metric
 * whose samples are read at scrape time, named `${prefix}${name}`. Shared by every `register…Metrics`.
 */
export async function scrapeTimeMetrics(options: MetricsOptions, purpose: string) {
  const register =
    options.register ??
    new (
      await importPeer<{ Registry: new () => PrometheusRegistry }>('prom-client', {
        purpose,
        alternative: 'or pass { register } yourself',
      })
    ).Registry()
  const prefix = options.prefix ?? 'matchfeed_'
  return {
    register,
    add(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', values: () => Sample[]): void {
      const full = `${prefix}${name}`
      const get = async () => ({ name: full, help, type, aggregator: 'sum', values: values() })
      register.registerMetric({ name: full, help, type, aggregator: 'sum', get } as never)
    },
  }
}
