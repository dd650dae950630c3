import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createPipeline } from '../../src/pipeline/index.js'
import { memorySink } from '../../src/sinks/memory.js'
import { makeEvent } from '../helpers/events.js'

const ev = (matchId: string, n: number, version = 0, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ matchId, providerEventId: `e${n}`, seq: n, version, ...extra })

describe('registerPipelineMetrics', () => {
  it('exposes counters, gauges and histograms in Prometheus text, without match ids', async () => {
    const { registerPipelineMetrics } = await import('../../src/pipeline/index.js')
    const pipeline = createPipeline({ sinks: [memorySink({ name: 'db' })] })
    const registry = await registerPipelineMetrics(pipeline)
    await pipeline.emit([ev('m1', 1), ev('m1', 2)], 'opta')
    await pipeline.emit([ev('m1', 2)], 'opta')
    const text = await registry.metrics()
    expect(text).toContain('matchfeed_events_received_total{source="opta"} 3')
    expect(text).toContain('matchfeed_sink_events_total{sink="db",outcome="delivered"} 2')
    expect(text).toContain('matchfeed_sink_events_total{sink="db",outcome="deduplicated"} 1')
    expect(text).toContain('matchfeed_sink_pending_events{sink="db"} 0')
    expect(text).toContain('# TYPE matchfeed_delivery_latency_seconds histogram')
    expect(text).toContain('matchfeed_delivery_latency_seconds_bucket{sink="db",le="+Inf"} 2')
    expect(text).toContain('matchfeed_delivery_latency_seconds_count{sink="db"} 2')
    expect(text).not.toContain('m1')
    expect(registry.contentType).toContain('text/plain')
  })
})
