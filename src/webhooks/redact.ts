import type { HeaderBag } from './headers.js'

/** What a redacted header's value becomes. */
const REDACTED = '[redacted]'

const ALWAYS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie'])
// Names that say they carry a credential: x-api-key, x-auth-token, x-hub-signature-256, webhook-signature, …
const CREDENTIAL_NAME =
  /(^|[-_])(api[-_]?key|apikey|key|token|secret|password|passwd|auth|credentials?|session|signature|sig)s?([-_]|$)/

/**
 * @internal A copy of the headers safe to hand to hooks and logs: lower-case names, one string each, and
 * every credential-bearing value (the fixed set above, names that say so, and `extra`) replaced by
 * `[redacted]`. Verification reads the original headers; nothing after it needs a credential.
 */
export function createHeaderRedactor(
  extra: readonly string[],
): (headers: HeaderBag) => Record<string, string> {
  const sensitive = new Map<string, boolean>()
  for (const name of extra) sensitive.set(name.toLowerCase(), true)
  const isSensitive = (name: string): boolean => {
    let known = sensitive.get(name)
    if (known === undefined) {
      known = ALWAYS.has(name) || CREDENTIAL_NAME.test(name)
      // Header names come from senders: remember a bounded number of them.
      if (sensitive.size < 1000) sensitive.set(name, known)
    }
    return known
  }
  return (headers) => {
    const out: Record<string, string> = Object.create(null)
    const add = (name: string, value: string) => {
      const lower = name.toLowerCase()
      out[lower] = isSensitive(lower) ? REDACTED : value
    }
    if (
      typeof (headers as Headers).forEach === 'function' &&
      typeof (headers as Headers).get === 'function'
    ) {
      ;(headers as Headers).forEach((value, name) => {
        add(name, value)
      })
    } else {
      const bag = headers as Record<string, string | string[] | undefined>
      for (const name of Object.keys(bag)) {
        const value = bag[name]
        if (typeof value === 'string') add(name, value)
        else if (Array.isArray(value)) add(name, value.join(', '))
      }
    }
    return out
  }
}
