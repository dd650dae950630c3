import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { MatchfeedError } from '../../errors.js'
import { createPipeline, type Pipeline } from '../../pipeline/index.js'
import { streamTarget } from './client.js'
import { consumerSettings, type KinesisConsumerOptions } from './consumer-options.js'
import { ConsumerState, type KinesisConsumerStats } from './consumer-state.js'
import { coordinate } from './lease-coordinator.js'

export interface KinesisConsumerMetrics extends KinesisConsumerStats {
  leasesHeld: number
  /** Per shard held: how far behind the tip its last GetRecords was (Kinesis' `MillisBehindLatest`). */
  millisBehindLatest: Record<string, number>
  /** The oldest last checkpoint among the shards held, in seconds (0 when none is held). */
  checkpointAgeSeconds: number
}

export interface KinesisConsumer {
  /** Starts the lease loop; shards are taken within a moment. */
  start(): Promise<void>
  /**
   * Stops taking leases, lets each shard finish the batch in progress and checkpoint it, releases the
   * leases (another worker takes them at once), closes what it opened.
   */
  stop(): Promise<void>
  readonly running: boolean
  readonly workerId: string
  /** The stream's name (or ARN), as in the lease keys and the metrics' labels. */
  readonly stream: string
  /** The shards this worker holds a lease on now. */
  shards(): string[]
  metrics(): KinesisConsumerMetrics
}

/**
 * Reads every shard of a Kinesis stream with the Kinesis Client Library's guarantees, its leases in a
 * `LeaseStore` (Postgres, Redis) shared by any number of worker processes: one reader per shard, in order;
 * the checkpoint written only after the handler resolved; failed batches retried, then dead-lettered;
 * leases renewed at a third of their duration, expired ones taken over, balanced between live workers;
 * children of a reshard read only after their parents' ends. A worker that lost a lease (a pause, a
 * partition) has its signal aborted and cannot move that shard's checkpoint (fenced by the lease's epoch).
 */
export function createKinesisConsumer(options: KinesisConsumerOptions): KinesisConsumer {
  const owner = 'createKinesisConsumer'
  const target = streamTarget(options, owner)
  const settings = consumerSettings(options, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`)
  const label = options.streamName ?? options.streamArn!
  const c = new ConsumerState(settings, target, label)
  let pipeline: Pipeline | undefined

  return {
    async start() {
      if (c.phase !== 'idle')
        throw new MatchfeedError(`the consumer is ${c.phase}`, { code: 'invalid_state' })
      const { sdk, client } = await c.kinesis.get()
      c.sdk = sdk
      c.client = client
      if (options.sinks) {
        const run = createPipeline({ sinks: options.sinks })
        pipeline = run
        await run.start()
        c.handle = (events) => run.emit(events, 'kinesis')
      } else {
        const handler = options.handler!
        c.handle = async (events, context) => handler(events, context)
      }
      c.phase = 'running'
      c.loop = coordinate(c)
    },
    async stop() {
      if (c.phase !== 'running') return
      c.phase = 'stopping'
      c.wake?.()
      await c.loop
      const readers = [...c.held.values()].map((shard) => {
        shard.finish.abort(new MatchfeedError('the consumer stops', { code: 'stopping' }))
        return shard.reader
      })
      await Promise.all(readers)
      await pipeline?.stop()
      c.kinesis.close()
      c.phase = 'stopped'
    },
    get running() {
      return c.running
    },
    workerId: settings.workerId,
    stream: label,
    shards: () => [...c.held.keys()].sort(),
    metrics() {
      const held = [...c.held.values()]
      const oldest = Math.min(...held.map((s) => s.lastCheckpointAt))
      return {
        ...c.stats,
        leasesHeld: held.length,
        millisBehindLatest: Object.fromEntries(held.map((s) => [s.shardId, s.millisBehindLatest])),
        checkpointAgeSeconds: held.length === 0 ? 0 : (Date.now() - oldest) / 1000,
      }
    },
  }
}
