import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ParleyError, isParleyError, type ErrorCode } from '../core/index.js';

/**
 * One error shape for every failure: `{ error: { code, message } }`. Framework errors are
 * translated into Parley's codes here so clients never see Fastify's own format.
 */

const frameworkCodes: Record<string, { code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PARLEY_API_PAYLOAD_TOO_LARGE', message: 'The request body is larger than the server accepts.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'PARLEY_API_UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'PARLEY_API_INVALID_JSON', message: 'The body is empty but its content type says JSON.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'PARLEY_API_INVALID_JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'PARLEY_API_VALIDATION', message: 'The Content-Length header does not match the body.' },
};

function describeValidation(error: FastifyError): string {
  if (!hasZodFastifySchemaValidationErrors(error)) return error.message;
  const where = error.validationContext ?? 'request';
  return error.validation
    .map((issue) => {
      const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return `${where}${path ? `.${path}` : ''}: ${issue.message}`;
    })
    .join('; ');
}

export function toParleyError(error: FastifyError | Error): ParleyError {
  if (isParleyError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return new ParleyError('PARLEY_API_VALIDATION', describeValidation(fastifyError));
  const mapped = fastifyError.code ? frameworkCodes[fastifyError.code] : undefined;
  if (mapped) return new ParleyError(mapped.code, mapped.message ?? error.message);
  if (error instanceof SyntaxError) return new ParleyError('PARLEY_API_INVALID_JSON', `The body is not valid JSON: ${error.message}`);
  const status = fastifyError.statusCode ?? 500;
  if (status === 429) return new ParleyError('PARLEY_API_RATE_LIMITED', 'Too many requests; slow down and retry after the time in the Retry-After header.');
  if (status === 413) return new ParleyError('PARLEY_API_PAYLOAD_TOO_LARGE', error.message);
  if (status === 415) return new ParleyError('PARLEY_API_UNSUPPORTED_MEDIA_TYPE', error.message);
  if (status >= 400 && status < 500) return new ParleyError('PARLEY_API_VALIDATION', error.message);
  return new ParleyError('PARLEY_INTERNAL', 'Internal error; it has been logged.', { cause: error });
}

export function sendError(reply: FastifyReply, error: ParleyError): FastifyReply {
  return reply.code(error.status).type('application/json').send({ error: { code: error.code, message: error.message } });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const parleyError = toParleyError(error);
    if (parleyError.status >= 500) request.log.error({ err: error, code: parleyError.code }, 'request failed');
    else request.log.debug({ code: parleyError.code }, 'request rejected');
    if (parleyError.code === 'PARLEY_ENGINE_TURN_PENDING' || parleyError.code === 'PARLEY_STORE_UNAVAILABLE') reply.header('retry-after', '1');
    return sendError(reply, parleyError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
