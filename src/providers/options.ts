import type { z } from 'zod'
import { MatchfeedError } from '../errors.js'

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
  throw new MatchfeedError(`${provider}: ${kind} ${optionPath(issue.path)}: ${issue.message}`, {
    code: 'invalid_option',
  })
}

function optionPath(path: readonly PropertyKey[]): string {
  const joined = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`))
  return joined.join('') || '(options)'
}
