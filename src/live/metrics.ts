import { type MetricsOptions, type PrometheusRegistry, scrapeTimeMetrics } from '../pipeline/prometheus.js'
import type { LiveHub, LiveHubMetrics } from './hub.js'

const METRICS: [keyof LiveHubMetrics, string, 'counter' | 'gauge', string][] = [
  ['clients', 'live_clients', 'gauge', 'WebSocket clients connected to the live hub.'],
  ['subscriptions', 'live_subscriptions', 'gauge', 'Match subscriptions of the live hub’s clients.'],
  ['matches', 'live_matches', 'gauge', 'Matches the live hub follows.'],
  ['messagesSent', 'live_messages_sent_total', 'counter', 'Messages the live hub queued to its clients.'],
  ['bytesSent', 'live_bytes_sent_total', 'counter', 'Bytes the live hub queued to its clients.'],
  ['resyncs', 'live_resyncs_total', 'counter', 'Clients told to resync and disconnected.'],
  [
    'sendBufferHighWaterBytes',
    'live_send_buffer_high_water_bytes',
    'gauge',
    'The most bytes one client’s send buffer held.',
  ],
]

/**
 * Exposes a live hub's metrics in a prom-client registry, beside the pipeline's (`registerPipelineMetrics`):
 * the same `matchfeed_` family, read from `hub.metrics()` at scrape time, no labels.
 */
export async function registerLiveMetrics(
  hub: LiveHub,
  options: MetricsOptions = {},
): Promise<PrometheusRegistry> {
  const { register, add } = await scrapeTimeMetrics(options, 'registerLiveMetrics')
  for (const [key, name, type, help] of METRICS)
    add(name, help, type, () => [{ value: hub.metrics()[key], labels: {} }])
  return register
}
