/** Fetch `Headers`, or a plain object such as Node's `IncomingHttpHeaders`. */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>

/**
 * A header value, looked up case-insensitively. Several values (an array in a plain object) are joined
 * with `', '`, which is what fetch `Headers` and Node's `IncomingHttpHeaders` already do with repeated
 * headers, so every kind of bag gives the same string. An empty array gives `undefined`.
 */
export function getHeader(headers: HeaderBag, name: string): string | undefined {
  // Duck-typed so Headers from another realm or a polyfill work too.
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const bag = headers as Record<string, string | string[] | undefined>
  const lower = name.toLowerCase()
  let value = Object.hasOwn(bag, lower) ? bag[lower] : undefined
  if (value === undefined) {
    // Hand-built objects may use any case; Node's are already lowercase, so this loop is rarely reached.
    for (const key of Object.keys(bag)) {
      if (key.length === lower.length && key.toLowerCase() === lower && bag[key] !== undefined) {
        value = bag[key]
        break
      }
    }
  }
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(', ')
  return undefined
}
