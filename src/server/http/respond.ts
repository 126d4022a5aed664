/**
 * Writing responses: JSON bodies and JSON errors.
 *
 * @internal
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from './api-error.js';

/**
 * Send a JSON body.
 *
 * @param response - the response
 * @param status - HTTP status
 * @param body - JSON-representable value
 */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/**
 * Send an error as `{ code, message }`. When the request body was not read, the connection is
 * closed after the answer rather than draining an unwanted upload.
 *
 * @param request - the request
 * @param response - the response
 * @param error - the refusal
 */
export function sendError(request: IncomingMessage, response: ServerResponse, error: ApiError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (!request.complete) response.setHeader('connection', 'close');
  if (error.status === 401) response.setHeader('www-authenticate', 'Bearer realm="parkit-admin"');
  sendJson(response, error.status, { ...error.details, code: error.code, message: error.message });
}

/**
 * Send an empty answer.
 *
 * @param response - the response
 * @param status - HTTP status
 * @param headers - headers to set
 */
export function sendEmpty(
  response: ServerResponse,
  status: number,
  headers: Record<string, string | number> = {},
): void {
  response.writeHead(status, headers);
  response.end();
}
