import { invalidOption } from '../../errors.js'
import { importPeer } from '../../peer.js'

/** What matchfeed needs of a `KinesisClient` from `@aws-sdk/client-kinesis` (v3): `send` and, if it made it, `destroy`. */
export interface KinesisClientLike {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>
  destroy?(): void
}

type CommandClass = new (input: never) => unknown

/** The parts of `@aws-sdk/client-kinesis` used here: the client and the commands. */
export interface KinesisModule {
  KinesisClient: new (config: Record<string, unknown>) => KinesisClientLike
  PutRecordsCommand: CommandClass
  GetRecordsCommand: CommandClass
  GetShardIteratorCommand: CommandClass
  ListShardsCommand: CommandClass
}

/** Where a Kinesis sink or consumer gets its client, and which stream it works on. */
export interface KinesisConnectionOptions {
  /** A ready `KinesisClient`: never destroyed by matchfeed. */
  client?: KinesisClientLike
  /** Or the configuration of a client matchfeed creates (and destroys in `close()` / `stop()`). */
  clientOptions?: Record<string, unknown>
  /** The stream by name… */
  streamName?: string
  /** …or by ARN (give one of the two). */
  streamArn?: string
  /** The SDK module itself, when it cannot be imported by name (bundled code). */
  sdk?: unknown
}

/** `{ StreamName }` or `{ StreamARN }`, as every command takes it. */
export type StreamTarget = { StreamName: string } | { StreamARN: string }

export function streamTarget(options: KinesisConnectionOptions, owner: string): StreamTarget {
  if ((options.streamName === undefined) === (options.streamArn === undefined)) {
    throw invalidOption(owner, 'streamName', 'pass either `streamName` or `streamArn`')
  }
  return options.streamName !== undefined
    ? { StreamName: options.streamName }
    : { StreamARN: options.streamArn! }
}

/** Checks the connection options at once (before any I/O), so a mistake throws where the sink is created. */
export function checkConnection(options: KinesisConnectionOptions, owner: string): void {
  if ((options.client === undefined) === (options.clientOptions === undefined)) {
    throw invalidOption(owner, 'client', 'pass either `client` or `clientOptions`')
  }
  if (options.client !== undefined && typeof options.client.send !== 'function') {
    throw invalidOption(owner, 'client', 'must be a KinesisClient from @aws-sdk/client-kinesis')
  }
}

/**
 * The SDK (imported lazily, on first use) and the client: the given one, or one created from
 * `clientOptions` with the SDK's own retries off (`maxAttempts: 1`) — the sink and the consumer count every
 * attempt in their own budget. `close()` destroys only a client created here.
 */
export function lazyKinesis(options: KinesisConnectionOptions, owner: string) {
  checkConnection(options, owner)
  let pending: Promise<{ sdk: KinesisModule; client: KinesisClientLike }> | undefined
  let created: KinesisClientLike | undefined
  const load = async () => {
    const sdk = await importPeer<KinesisModule>('@aws-sdk/client-kinesis', {
      purpose: owner,
      alternative: 'and pass a KinesisClient as `client` or its configuration as `clientOptions`',
      module: options.sdk as KinesisModule | undefined,
    })
    if (options.client) return { sdk, client: options.client }
    created = new sdk.KinesisClient({ maxAttempts: 1, ...options.clientOptions })
    return { sdk, client: created }
  }
  return {
    get() {
      pending ??= load().catch((error: unknown) => {
        pending = undefined
        throw error
      })
      return pending
    },
    close() {
      created?.destroy?.()
      created = undefined
      pending = undefined
    },
  }
}

/** Sends a command built from the SDK's class, with the input typed by the caller. */
export async function sendCommand<T>(
  client: KinesisClientLike,
  Command: CommandClass,
  input: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const command = new Command(input as never)
  return (await client.send(command as never, signal ? { abortSignal: signal } : undefined)) as T
}
