/**
 * The Node implementation of {@link PlatformHttp}: `node:http`/`node:https` with keep-alive
 * agents. Request bodies that are streams are written as they are read, with backpressure, so an
 * upload holds a few chunks in memory whatever its size; answers are web `Response`s whose body
 * (`node-response.ts`) streams the socket, paused while the reader is behind, and is read
 * natively by the download engine without a web stream in between.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import type { PlatformHttp, PlatformRequest } from './http-client.js';
import { RequestTimeoutError } from './http-client.js';
import { NodeResponse } from './node-response.js';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

function failure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

// The answer's headers, added straight to the Response's own (a Headers copied in costs more).
function answerWith(response: Response, raw: readonly string[]): Response {
  const headers = response.headers;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return response;
}

// Abort the request when the signal fires, until it is over. (Node's own `signal` option costs
// several microseconds a request, a fair share of a small one.)
function abortWith(request: http.ClientRequest, signal: AbortSignal | undefined): void {
  if (signal === undefined) return;
  const abort = () => request.destroy(new DOMException('This operation was aborted', 'AbortError'));
  signal.addEventListener('abort', abort, { once: true });
  request.once('close', () => signal.removeEventListener('abort', abort));
}

async function writeBody(
  request: http.ClientRequest,
  body: ReadableStream<Uint8Array>,
  answered: () => boolean,
): Promise<void> {
  const reader = body.getReader();
  const read = () => {
    const next = reader.read();
    next.catch(() => undefined);
    return next;
  };
  try {
    let next = read();
    while (!answered() && !request.destroyed) {
      const { value, done } = await next;
      if (done) break;
      // Read the next chunk while this one goes out: the source and the socket work at once.
      next = read();
      if (!request.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            request.off('drain', go);
            request.off('close', go);
            resolve();
          };
          request.on('drain', go);
          request.on('close', go);
        });
      }
    }
    if (!request.destroyed) request.end();
  } finally {
    if (answered() || request.destroyed) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function once(url: URL, init: PlatformRequest): Promise<http.IncomingMessage> {
  const agent = agents[url.protocol as keyof typeof agents];
  if (agent === undefined) return Promise.reject(failure('EPROTO', `cannot send ${url.protocol} requests`));
  const headers: Record<string, string> = {};
  init.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body;
  if (body instanceof Uint8Array && headers['content-length'] === undefined) {
    headers['content-length'] = String(body.length);
  }
  const client = url.protocol === 'https:' ? https : http;
  if (init.signal?.aborted) return Promise.reject(init.signal.reason);
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = client.request(url, { method: init.method, headers, agent });
    abortWith(request, init.signal);
    request.setTimeout(init.timeout, () => request.destroy(new RequestTimeoutError(init.timeout)));
    request.on('error', (error) => reject(init.signal?.aborted ? init.signal.reason : error));
    request.on('response', (response) => {
      answered = true;
      // Later failures reach the body stream; keep them from being unhandled here.
      response.on('error', () => undefined);
      resolve(response);
    });
    if (body === undefined) request.end();
    else if (body instanceof Uint8Array) request.end(body);
    else {
      writeBody(request, body, () => answered).catch((error: unknown) => {
        request.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    }
  });
}

/** The `node:http`/`node:https` client. */
export const nodeHttp: PlatformHttp = {
  async request(url, init) {
    let target = new URL(url);
    let headers = init.headers;
    for (let redirects = 0; ; redirects++) {
      const response = await once(target, { ...init, headers });
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      const follow = (init.method === 'GET' || init.method === 'HEAD') && REDIRECTS.has(status);
      if (follow && location !== undefined && redirects < MAX_REDIRECTS) {
        response.resume();
        const next = new URL(location, target);
        if (next.origin !== target.origin) {
          headers = new Headers(headers);
          headers.delete('authorization');
          headers.delete('cookie');
        }
        target = next;
        continue;
      }
      const empty = init.method === 'HEAD' || status === 204 || status === 205 || status === 304;
      if (empty) response.resume();
      const answer = { status, statusText: response.statusMessage ?? '' };
      return answerWith(
        empty ? new Response(null, answer) : new NodeResponse(response, answer),
        response.rawHeaders,
      );
    }
  },
};
