/**
 * One attempt at one request, with a timeout on progress: through the platform client when the
 * default transport is in use (on Node, `node:http`: uploads streamed with bounded memory,
 * keep-alive), through the context's `fetch` otherwise. No retries and no status handling here;
 * `send()` in `http.ts` does those.
 *
 * @internal
 * @module
 */
import { platformFetch, platformHttp, RequestTimeoutError } from '../platform/http-client.js';
import type { SendContext } from './dialects/dialect.js';

/** A request body the platform client can send. */
export type PlainBody = Uint8Array | ReadableStream<Uint8Array> | undefined;

const encoder = new TextEncoder();

/**
 * The body as bytes or a stream, or `null` when only `fetch` can send it (Blob, FormData, …).
 *
 * @param body - any fetch body
 */
export function plainBody(body: RequestInit['body']): PlainBody | null {
  if (body === undefined || body === null) return undefined;
  if (body instanceof Uint8Array || body instanceof ReadableStream) return body as PlainBody;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return null;
}

// Pass a stream through, calling `touch` whenever a chunk moves.
function touching(stream: ReadableStream<Uint8Array>, touch: () => void): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await reader.read();
        touch();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** One attempt at a request: what `send()` decided, and the caller's request for the rest. */
export interface Attempt {
  readonly method: string;
  readonly headers: Headers;
  readonly body: RequestInit['body'];
  readonly signal: AbortSignal | undefined;
  /** The caller's request, for what only a fetch understands (credentials, cache, …). */
  readonly init: RequestInit;
}

async function viaFetch(
  context: SendContext,
  url: string,
  attempt: Attempt,
  body: RequestInit['body'],
  timeout: number,
): Promise<Response> {
  const controller = new AbortController();
  const outer = attempt.signal;
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  outer?.addEventListener('abort', forward, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (extra = 0) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeout)), timeout + extra);
  };
  // fetch cannot report how far a byte body has gone: allow it 1 MiB/s on top of the timeout.
  arm(body instanceof Uint8Array ? body.length / 1048.576 : 0);
  const sent = body instanceof ReadableStream ? touching(body, () => arm()) : body;
  const stop = () => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  };
  let response: Response;
  try {
    response = await context.fetch(url, {
      redirect: 'follow',
      ...attempt.init,
      method: attempt.method,
      headers: attempt.headers,
      body: sent ?? null,
      signal: controller.signal,
      ...(sent instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    stop();
    const reason = controller.signal.reason;
    throw reason instanceof RequestTimeoutError ? reason : error;
  }
  if (response.body === null) {
    stop();
    return response;
  }
  arm();
  const bodyReader = response.body.getReader();
  const watched = new ReadableStream<Uint8Array>(
    {
      async pull(stream) {
        try {
          const { value, done } = await bodyReader.read();
          if (done) {
            stop();
            stream.close();
          } else {
            arm();
            stream.enqueue(value);
          }
        } catch (error) {
          stop();
          const reason = controller.signal.reason;
          throw reason instanceof RequestTimeoutError ? reason : error;
        }
      },
      cancel(reason) {
        stop();
        return bodyReader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(watched, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Send one attempt.
 *
 * @param context - the dialect context (its `fetch` decides the transport)
 * @param url - where
 * @param attempt - method, headers, body and signal, and the caller's request
 * @param timeout - milliseconds without progress before the attempt fails with RequestTimeoutError
 * @returns the response, body unread
 */
export async function sendOnce(
  context: SendContext,
  url: string,
  attempt: Attempt,
  timeout: number,
): Promise<Response> {
  const body = plainBody(attempt.body);
  if (context.fetch === platformFetch && body !== null) {
    const client = platformHttp();
    if (client !== undefined) {
      return (await client).request(url, {
        method: attempt.method,
        headers: attempt.headers,
        body,
        signal: attempt.signal,
        timeout,
      });
    }
  }
  return viaFetch(
    context,
    url,
    attempt,
    (body === null ? attempt.body : body) as RequestInit['body'],
    timeout,
  );
}
