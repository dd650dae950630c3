export type { Sink, Source, Transform } from './contracts.js'
export { type HistogramSnapshot, LATENCY_BUCKETS } from './histogram.js'
export {
  createPipeline,
  type Pipeline,
  type PipelineEvents,
  type PipelineHealth,
  type PipelineMetrics,
  type PipelineOptions,
  type SinkStatus,
  type SourceStatus,
  type StopReport,
} from './pipeline.js'
export { type MetricsOptions, type PrometheusRegistry, registerPipelineMetrics } from './prometheus.js'
export type { DeadLetter, QueuePolicy, SinkCounters, SinkOptions } from './sink-runner.js'
