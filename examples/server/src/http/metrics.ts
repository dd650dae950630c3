// GET /metrics (Prometheus): the pipeline's and the live hub's metrics, HTTP requests by route, and the outbox's lag.
import type { FastifyInstance } from 'fastify'
import { registerPipelineMetrics } from 'matchfeed'
import { registerIdMappingMetrics } from 'matchfeed/id-mapping'
import { type LiveHub, registerLiveMetrics } from 'matchfeed/live'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Runtime } from '../runtime.js'
import type { Storage } from '../storage.js'

const OUTBOX_LAG_SQL = `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS lag
  FROM match_events_outbox WHERE done_at IS NULL`

export async function installMetrics(app: FastifyInstance, runtime: Runtime, hub: LiveHub) {
  const register = new Registry()
  await registerPipelineMetrics(runtime.pipeline, { register })
  await registerLiveMetrics(hub, { register })
  if (runtime.idMap) await registerIdMappingMetrics(runtime.idMap, { register })
  const requests = new Counter({
    name: 'matchfeed_server_http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [register],
  })
  const duration = new Histogram({
    name: 'matchfeed_server_http_request_duration_seconds',
    help: 'Time from request to the last byte of the answer',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  })
  if (runtime.relay) registerOutboxMetrics(register, runtime.storage)

  // Counted on the raw response: webhook routes answer through the Node adapter (reply.hijack()).
  app.addHook('onRequest', async (request, reply) => {
    const started = process.hrtime.bigint()
    reply.raw.once('finish', () => {
      // Unknown paths share one label: a label per URL would grow without bound.
      const route = request.routeOptions.url ?? 'unmatched'
      requests.inc({ method: request.method, route, status: String(reply.raw.statusCode) })
      duration.observe({ method: request.method, route }, Number(process.hrtime.bigint() - started) / 1e9)
    })
  })
  app.get('/metrics', async (_request, reply) => {
    reply.type(register.contentType)
    return register.metrics()
  })
}

/** The outbox's backlog (rows not relayed yet, the oldest one's age), read at scrape time. */
export function registerOutboxMetrics(register: Registry, storage: Storage) {
  const lag = new Gauge({
    name: 'matchfeed_server_outbox_lag_seconds',
    help: 'Age of the oldest outbox row not relayed yet',
    registers: [],
  })
  const pending = new Gauge({
    name: 'matchfeed_server_outbox_pending_rows',
    help: 'Outbox rows not relayed yet',
    registers: [],
    async collect() {
      const { rows } = await storage.client.query(OUTBOX_LAG_SQL).catch(() => ({ rows: [] }))
      const row = rows[0] as { pending: number; lag: number } | undefined
      this.set(row?.pending ?? Number.NaN)
      lag.set(row?.lag ?? Number.NaN)
    },
  })
  // In this order: one query at the first gauge's collect sets both.
  register.registerMetric(pending)
  register.registerMetric(lag)
}
