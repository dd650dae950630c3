import { z } from 'zod'
import { invalidOption } from '../errors.js'
import { formatPath, issueReason, valueAt } from './payload.js'

/**
 * A provider's options checked against their schema. The first problem becomes a MatchfeedError
 * `invalid_option` naming the provider and the option: `opta: option f7: Invalid input`.
 */
export function checkedOptions<S extends z.ZodType>(
  provider: string,
  schema: S,
  options: unknown,
  kind = 'option',
): z.output<S> {
  const checked = schema.safeParse(options)
  if (checked.success) return checked.data
  const issue = checked.error.issues[0]!
  const reason = issueReason(issue, valueAt(options, issue.path))
  throw invalidOption(provider, formatPath('', issue.path, '(options)'), reason, { kind })
}

/** A poller's options checked against its schema: the first issue as a typed `invalid_option` error. */
export function parsePollerOptions<S extends z.ZodType>(
  provider: string,
  schema: S,
  options: unknown,
): z.output<S> {
  return checkedOptions(provider, schema, options, 'poller option')
}

/** A zod field holding a function of type T (checked as a function; its signature is the type's). */
export const fn = <T>() => z.custom<T>((v) => typeof v === 'function')
