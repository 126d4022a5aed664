/**
 * Share events over HTTP with the CloudEvents SDK (`cloudevents`): build a spec-validated
 * CloudEvent, encode it in structured (`application/cloudevents+json`) or binary (`ce-*`
 * headers) mode, POST it to a sink, and decode what arrives into a typed, checked result.
 * Node only: the SDK's HTTP transport and types need Node (the plain-object forms in
 * `share-event.ts` run everywhere).
 *
 * @module
 */
import { CloudEvent, HTTP, type Message } from 'cloudevents';
import { networkError } from '../access/http.js';
import { FormatError, RemoteServiceError } from '../par/errors.js';
import type { Par } from '../par/par.js';
import { redactUrl } from '../par/redact.js';
import { type CartFile, isPacificaEvent, pacificaCartFiles } from './pacifica-event.js';
import {
  type ReceivedShare,
  readShareEvent,
  SHARE_EVENT_TYPE,
  type ShareEventData,
  type ShareEventOptions,
  shareEvent,
} from './share-event.js';

/** The two CloudEvents HTTP modes. */
export type HttpMode = 'structured' | 'binary';

/** An HTTP request's parts, as the SDK encodes them. */
export interface HttpMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What arrived: a parkit share, or a Pacifica ingest event's files. */
export type ReceivedEvent =
  | { readonly kind: 'share'; readonly share: ReceivedShare; readonly event: CloudEvent<unknown> }
  | { readonly kind: 'pacifica'; readonly files: CartFile[]; readonly event: Record<string, unknown> };

/** Largest event body accepted (the token of a Par is a few KiB). */
export const MAX_EVENT_BYTES = 1 << 20;

/**
 * A share event for a Par as an SDK CloudEvent (validated against the CloudEvents 1.0 schema).
 *
 * @param par - the sealed Par
 * @param options - source, id, time
 * @example
 * ```ts
 * const event = shareCloudEvent(par, { source: 'urn:team:analytics' });
 * ```
 */
export function shareCloudEvent(par: Par, options: ShareEventOptions = {}): CloudEvent<ShareEventData> {
  return new CloudEvent<ShareEventData>({ ...shareEvent(par, options) });
}

/**
 * Encode a CloudEvent for HTTP.
 *
 * @param event - the event
 * @param mode - `structured` (default) or `binary`
 */
export function encodeHttp(event: CloudEvent<unknown>, mode: HttpMode = 'structured'): HttpMessage {
  if (mode !== 'structured' && mode !== 'binary')
    throw new RangeError("mode must be 'structured' or 'binary'");
  const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return { headers, body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
}

/**
 * POST a CloudEvent to a sink (a `parkit watch` listener, a broker, Pacifica Notifications…).
 *
 * @param sink - the http(s) URL
 * @param event - the event
 * @param options - mode, fetch, cancellation
 * @returns the sink's status
 * @throws RemoteServiceError when the sink answers other than 2xx; TransferError for a network failure
 */
export async function sendCloudEvent(
  sink: string,
  event: CloudEvent<unknown>,
  options: { readonly mode?: HttpMode; readonly fetch?: typeof fetch; readonly signal?: AbortSignal } = {},
): Promise<number> {
  if (typeof sink !== 'string' || !URL.canParse(sink) || !/^https?:$/.test(new URL(sink).protocol))
    throw new TypeError('sink must be an http(s) URL');
  const { headers, body } = encodeHttp(event, options.mode);
  const send = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await send(sink, {
      method: 'POST',
      headers,
      body,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    throw networkError(error, { method: 'POST', url: sink });
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw new RemoteServiceError(`the sink refused the event (${response.status} POST ${redactUrl(sink)})`, {
      status: response.status,
      method: 'POST',
      url: redactUrl(sink),
    });
  }
  return response.status;
}

function lowerCase(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.join(', ');
  }
  return out;
}

function plainJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    // No cause: a JSON.parse message quotes the body, which holds a token.
    throw new FormatError('the request body is not JSON', { field: 'body' });
  }
}

/**
 * Decode an HTTP request into a checked event: a CloudEvents 1.0 share event in either mode, or
 * a Pacifica ingest event (as Pacifica Notifications posts it, plain JSON).
 *
 * @param headers - request headers (any case)
 * @param body - request body (UTF-8)
 * @returns the share (its Par decoded and matching its metadata) or the Pacifica files
 * @throws FormatError for anything else: no event, a batch, bad attributes, bad data, a
 *   relabelled token, an unknown type
 */
export function decodeHttp(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string | Uint8Array,
): ReceivedEvent {
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: false }).decode(body);
  if (text.length > MAX_EVENT_BYTES) throw new FormatError('the event is too large', { field: 'body' });
  const normalised = lowerCase(headers);
  const structured = /^application\/cloudevents\+json\b/i.test(normalised['content-type'] ?? '');
  if (!structured && normalised['ce-specversion'] === undefined) {
    // Not a CloudEvents HTTP message: Pacifica Notifications posts its events as plain JSON.
    const plain = plainJson(text);
    if (isPacificaEvent(plain))
      return { kind: 'pacifica', files: pacificaCartFiles(plain), event: plain as Record<string, unknown> };
    throw new FormatError('the request carries no CloudEvent', { field: 'body' });
  }
  if (structured) plainJson(text);
  let decoded: CloudEvent<unknown> | CloudEvent<unknown>[];
  try {
    decoded = HTTP.toEvent({ headers: normalised, body: text } as Message) as
      | CloudEvent<unknown>
      | CloudEvent<unknown>[];
  } catch {
    throw new FormatError('the request is not a valid CloudEvent', { field: 'body' });
  }
  if (Array.isArray(decoded)) throw new FormatError('batches of events are not accepted', { field: 'body' });
  if (decoded.type === SHARE_EVENT_TYPE) {
    const raw = structured ? (plainJson(text) as Record<string, unknown>) : undefined;
    // Check what was sent, not what the SDK filled in (it invents a missing id or time).
    const attributes = raw ?? {
      specversion: normalised['ce-specversion'],
      type: normalised['ce-type'],
      id: normalised['ce-id'],
      source: normalised['ce-source'],
      subject: normalised['ce-subject'],
      datacontenttype: normalised['content-type'],
      data: decoded.data,
    };
    return { kind: 'share', share: readShareEvent(attributes), event: decoded };
  }
  if (isPacificaEvent(decoded)) {
    const plain = { type: decoded.type, data: decoded.data };
    return { kind: 'pacifica', files: pacificaCartFiles(plain), event: plain };
  }
  throw new FormatError(
    `events of this type are not accepted (only ${SHARE_EVENT_TYPE} and Pacifica ingest)`,
    {
      field: 'type',
    },
  );
}
