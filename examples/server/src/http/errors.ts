// One error body for every route: { error: { code, message, field? } }, and 503s that say when to retry.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { MatchfeedError, ProviderPayloadError } from 'matchfeed'

export const RETRY_AFTER_SECONDS = 5

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  field?: string,
) {
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
  return reply
    .code(status)
    .send({ error: field === undefined ? { code, message } : { code, message, field } })
}

/** A failure of storing or reading: 503 + Retry-After when it may pass (the database is away), else 500. */
export function sendStorageFailure(reply: FastifyReply, error: unknown) {
  reply.log.error({ err: error }, 'storage failed')
  if (MatchfeedError.isInstance(error) && !error.retryable)
    return sendError(reply, 500, 'internal_error', 'the events could not be stored')
  return sendError(reply, 503, 'unavailable', 'storage is unavailable; retry later')
}

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ProviderPayloadError)
      return sendError(reply, 400, 'invalid_payload', error.message, error.field || undefined)
    if (error.validation) {
      const first = error.validation[0]
      const field =
        (first?.params as { missingProperty?: string } | undefined)?.missingProperty ??
        first?.instancePath.replace(/^\//, '').replaceAll('/', '.')
      return sendError(reply, 400, 'invalid_request', error.message, field || undefined)
    }
    const status = error.statusCode ?? 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      return sendError(reply, status, 'internal_error', 'internal error')
    }
    return sendError(reply, status, error.code?.toLowerCase() ?? 'bad_request', error.message)
  })
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  )
}
