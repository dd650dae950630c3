// GET /livez, /readyz and /api/v1/feed/health (the guide's fields done right: per source, percentiles).
import type { FastifyInstance } from 'fastify'
import type { HistogramSnapshot } from 'matchfeed'
import { RETRY_AFTER_SECONDS } from '../http/errors.js'
import { answerReadiness, probeBackends, type Reachability } from '../http/readiness.js'
import type { Runtime } from '../runtime.js'

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
/** Histograms are in seconds; the health route speaks milliseconds. */
const percentilesMs = (h: HistogramSnapshot) => ({
  count: h.count,
  p50: h.p50 * 1000,
  p95: h.p95 * 1000,
  p99: h.p99 * 1000,
})

export function feedHealth(runtime: Runtime, { storageError, streamError }: Reachability) {
  const now = Date.now()
  const health = runtime.pipeline.health()
  const metrics = runtime.pipeline.metrics()
  const sources = Object.fromEntries(
    Object.entries(health.sources).map(([name, s]) => {
      const m = metrics.sources[name]
      return [
        name,
        {
          status: s.status,
          ...(s.error !== undefined && { error: s.error }),
          liveMatches: s.liveMatches,
          eventsReceived: m?.events ?? 0,
          eventsInvalid: m?.invalid ?? 0,
          lastEventTime: iso(s.lastEventAt),
          msSinceLastEvent: s.lastEventAt === undefined ? null : now - s.lastEventAt,
          ingestLagMs: m ? percentilesMs(m.ingestLag) : null,
        },
      ]
    }),
  )
  const sinks = Object.fromEntries(
    Object.entries(metrics.sinks).map(([name, m]) => [
      name,
      {
        ...health.sinks[name],
        delivered: m.delivered,
        pending: m.pending,
        deadLettered: m.deadLettered,
        rejected: m.rejected,
        dropped: m.droppedByPolicy,
        deliveryLatencyMs: percentilesMs(m.latency),
      },
    ]),
  )
  const lastEventAt = Math.max(...Object.values(health.sources).map((s) => s.lastEventAt ?? -1))
  const down =
    storageError !== undefined ||
    streamError !== undefined ||
    !runtime.storage.migrated ||
    health.status === 'down'
  const stale = Object.values(health.sources).some((s) => s.status === 'stale')
  const storeMetrics = Object.values(metrics.sinks)[0]
  return {
    status: down ? 'down' : stale ? 'stale' : health.status === 'degraded' ? 'degraded' : 'healthy',
    storage: {
      kind: runtime.storage.kind,
      reachable: storageError === undefined,
      migrated: runtime.storage.migrated,
      ...(storageError !== undefined && { error: storageError }),
    },
    ...(runtime.kinesis && {
      kinesis: {
        stream: runtime.kinesis.stream,
        reachable: streamError === undefined,
        ...(streamError !== undefined && { error: streamError }),
      },
    }),
    eventsReceived: Object.values(metrics.sources).reduce((n, s) => n + s.events, 0),
    eventsStored: storeMetrics?.delivered ?? 0,
    eventsFailed: (storeMetrics?.rejected ?? 0) + (storeMetrics?.deadLettered ?? 0),
    lastEventTime: lastEventAt < 0 ? null : iso(lastEventAt),
    sources,
    sinks,
  }
}

export function healthRoutes(runtime: Runtime) {
  return async (scope: FastifyInstance) => {
    scope.get('/livez', async () => ({ status: 'alive' }))

    scope.get('/readyz', async (_request, reply) =>
      answerReadiness(reply, {
        storage: runtime.storage,
        kinesis: runtime.kinesis,
        notStarted: runtime.sourcesStarted ? undefined : 'sources',
      }),
    )

    scope.get('/api/v1/feed/health', async (_request, reply) => {
      const body = feedHealth(runtime, await probeBackends(runtime.storage, runtime.kinesis))
      if (body.status === 'down') reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS))
      return body
    })
  }
}
