/**
 * Every error matchfeed throws on purpose is a MatchfeedError: a stable `code` to branch on, and
 * `retryable` to tell a caller (or the pipeline) whether trying the same thing again can succeed.
 * Messages never contain secrets.
 */
export class MatchfeedError extends Error {
  readonly code: string
  readonly retryable: boolean

  constructor(message: string, options: { code: string; retryable?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code
    this.retryable = options.retryable ?? false
    markClasses(new.target)
  }

  /**
   * Whether `value` is an error of this class, also when it comes from another copy of matchfeed (the ESM
   * and the CJS build can both be loaded in one process, and then `instanceof` says no).
   * `SinkError.isInstance(e)`, `ProviderPayloadError.isInstance(e)`, … work the same way.
   */
  static isInstance<T extends abstract new (...args: never[]) => MatchfeedError>(
    this: T,
    value: unknown,
  ): value is InstanceType<T> {
    return (
      typeof value === 'object' &&
      value !== null &&
      // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass isInstance is called on
      (value as Record<symbol, unknown>)[Symbol.for(`matchfeed.${this.name}`)] === true
    )
  }
}

/** Marks the prototypes of an error class and its matchfeed ancestors once, by a registry-wide symbol. */
function markClasses(target: abstract new (...args: never[]) => unknown): void {
  for (let c = target; c !== Error && typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const mark = Symbol.for(`matchfeed.${c.name}`)
    if (Object.hasOwn(c.prototype, mark)) return
    Object.defineProperty(c.prototype, mark, { value: true })
  }
}

/**
 * A provider payload that cannot be read: names the provider, the field (a dotted path such as
 * `events[12].location`) and the reason. Never retryable: the same bytes fail the same way.
 */
export class ProviderPayloadError extends MatchfeedError {
  readonly provider: string
  readonly field: string
  readonly reason: string

  constructor(provider: string, field: string, reason: string, options: { cause?: unknown } = {}) {
    super(`${provider}: ${field || '(payload)'}: ${reason}`, {
      code: 'invalid_payload',
      retryable: false,
      cause: options.cause,
    })
    this.provider = provider
    this.field = field
    this.reason = reason
  }
}

/**
 * A provider payload refused for its size before it was read in full: more items, elements or attributes
 * than the configured bound. The reason names the bound and the option that sets it. A webhook handler
 * answers 413. Never retryable.
 */
export class PayloadTooLargeError extends ProviderPayloadError {
  override readonly code = 'payload_too_large'
}

/**
 * The one form of an options mistake: MatchfeedError `invalid_option` reading
 * `<function>: option <name>: <reason>` — the function the user called, the option as they write it.
 * Reasons never echo a secret. `kind` replaces the word `option` (`poller option`).
 */
export function invalidOption(
  owner: string,
  option: string,
  reason: string,
  { kind = 'option', cause }: { kind?: string; cause?: unknown } = {},
): MatchfeedError {
  return new MatchfeedError(`${owner}: ${kind} ${option}: ${reason}`, { code: 'invalid_option', cause })
}
