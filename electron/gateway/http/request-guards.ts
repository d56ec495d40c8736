import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { badRequest } from '../services/errors';

/**
 * Every route reads its query parameters as single strings; a repeated one (`?token=a&token=b`)
 * would arrive as an array and break that assumption, so it is refused for every route at once.
 */
export function refuseRepeatedQuery(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  // A callback hook, not async: it runs on every request and a promise per request is measurable.
  const query = request.query as Record<string, unknown> | undefined;
  for (const name in query) {
    if (Array.isArray(query[name])) return done(badRequest(`Query parameter '${name.slice(0, 40)}' was given more than once`));
  }
  done();
}

/** Fastify's router errors (malformed percent-encoding, over-long path parameters) answer {detail} too. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment of this URL is too long'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'The URL is malformed (check its percent-encoding)'
        : 'The request could not be routed';
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  void reply.code(status).type('application/json').send({ detail });
}

const CLIENT_ERROR_DETAIL: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: 'The request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: 'The request took too long to arrive' },
};

/** Requests Node refuses before Fastify sees them (headers too large, unparseable HTTP): {detail} on the socket. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = CLIENT_ERROR_DETAIL[error.code ?? ''] ?? { status: 400, detail: 'The request is not valid HTTP' };
  const body = JSON.stringify({ detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
