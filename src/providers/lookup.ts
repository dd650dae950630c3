/**
 * A mapping table keyed by provider strings, copied into an object without a prototype: a provider string
 * such as "constructor", "__proto__" or "toString" finds nothing (and becomes `generic`, like any unknown
 * string), never an Object.prototype member.
 */
export function lookupTable<T>(table: Readonly<Record<string, T>>): Readonly<Record<string, T | undefined>> {
  return Object.assign(Object.create(null) as Record<string, T>, table)
}
