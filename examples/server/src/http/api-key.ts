// The manual-entry route's API keys, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'

export const API_KEY_HEADER = 'x-api-key'

/** Whether `given` is one of `keys`. Hashing first gives equal lengths, so the comparison leaks nothing. */
export function createApiKeyCheck(keys: readonly string[]): (given: string | undefined) => boolean {
  const digests = keys.map(sha256)
  return (given) => {
    if (!given) return false
    const digest = sha256(given)
    let found = false
    for (const d of digests) found = timingSafeEqual(d, digest) || found
    return found
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
