// The API keys of the routes an operator calls (manual entry, the id map), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify'
import { createIpAllowlist } from 'matchfeed/webhooks'
import type { Config } from '../config.js'
import type { Runtime } from '../runtime.js'
import { sendError } from './errors.js'
import { refuseNotReady } from './readiness.js'

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

/**
 * The preParsing hook of the operator's routes: refused before the body is read (after the rate limit, which
 * runs on onRequest) — not migrated yet (503), then the address (403, MANUAL_ALLOW_IPS), then the key (401).
 */
export function operatorAccess(config: Config, runtime: Runtime) {
  const keyMatches = createApiKeyCheck(config.MANUAL_API_KEYS)
  const allowlist =
    config.MANUAL_ALLOW_IPS.length > 0 ? createIpAllowlist(config.MANUAL_ALLOW_IPS) : undefined
  return async (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload) => {
    if (!runtime.storage.migrated) return refuseNotReady(reply)
    if (allowlist && !allowlist.allows(request.ip))
      return sendError(reply, 403, 'forbidden_ip', 'this address may not call this route')
    if (!keyMatches(request.headers[API_KEY_HEADER] as string | undefined))
      return sendError(reply, 401, 'invalid_api_key', `missing or unknown ${API_KEY_HEADER}`)
    return payload
  }
}
