/**
 * Sequence-level routes: define, read, list and delete sequences; list and find-or-create
 * slots; list, find and report submissions across a sequence's slots.
 *
 * @internal
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { encodeCursor } from '../http/cursor.js';
import { readJsonObject } from '../http/json-body.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import { decodeWalkCursor } from './cursor.js';
import { deliveryReport } from './deliveries.js';
import {
  flag,
  hasNoBody,
  instant,
  onlyFields,
  onlyParams,
  pageLimit,
  sequenceName,
  slotTag,
} from './fields.js';
import { windowBounds } from './keys.js';
import { observatory } from './observatory.js';
import { queryDirection, queryOffset, queryOrder, queryTime, queryWindow } from './queries.js';
import { checkDefinition } from './sequence-body.js';
import type { SlotRequest } from './slots.js';

const noResult = () => new ApiError(404, 'NO_SUBMISSION_FOUND', 'no submission matches');

/**
 * `GET /observe/sequences?limit&cursor`.
 *
 * @param context - the server
 * @param response - the response
 * @param params - the query
 */
export async function listSequences(
  context: ServerContext,
  response: ServerResponse,
  params: URLSearchParams,
) {
  onlyParams(params, ['limit', 'cursor']);
  const cursor = params.get('cursor');
  const page = await observatory(context.records).sequences.list(
    pageLimit(params, 100, 1000),
    cursor === null ? undefined : sequenceName(cursor, 'cursor'),
  );
  sendJson(response, 200, page);
}

/**
 * `PUT /observe/sequences/{name}[?overwrite=true]`.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param name - from the path
 * @param params - the query
 */
export async function putSequence(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  name: string,
  params: URLSearchParams,
) {
  onlyParams(params, ['overwrite']);
  const definition = checkDefinition(name, await readJsonObject(request));
  const put = await observatory(context.records).sequences.put(
    definition,
    context.now(),
    flag(params, 'overwrite', false),
  );
  sendJson(response, put.outcome === 'created' ? 201 : 200, put);
}

/**
 * `GET /observe/sequences/{name}`.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 */
export async function getSequence(context: ServerContext, response: ServerResponse, name: string) {
  sendJson(response, 200, { sequence: await observatory(context.records).sequences.get(sequenceName(name)) });
}

/**
 * `DELETE /observe/sequences/{name}`: only a sequence without slots.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 */
export async function deleteSequence(context: ServerContext, response: ServerResponse, name: string) {
  await observatory(context.records).sequences.delete(sequenceName(name));
  sendEmpty(response, 204);
}

/**
 * The slot a body names: `{ tag?, at?, expected? }`.
 *
 * @param body - the JSON body (other fields already checked by the caller)
 */
export function slotRequest(body: Record<string, unknown>): SlotRequest {
  return {
    ...(body.tag === undefined ? {} : { tag: slotTag(body.tag) }),
    ...(body.at === undefined ? {} : { at: instant(body.at, 'at') }),
    ...(body.expected === undefined ? {} : { expected: instant(body.expected, 'expected') }),
  };
}

/**
 * `POST /observe/sequences/{name}/slots` `{ tag?, at?, expected? }`: find or create a slot.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param name - from the path
 */
export async function findOrCreateSlot(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  name: string,
) {
  const body = hasNoBody(request.headers) ? {} : await readJsonObject(request);
  onlyFields(body, ['tag', 'at', 'expected'], 'the slot');
  const { sequences, slots } = observatory(context.records);
  const sequence = await sequences.get(sequenceName(name));
  const found = await slots.findOrCreate(sequence, slotRequest(body), context.now());
  sendJson(response, found.created ? 201 : 200, { slot: found.slot });
}

/**
 * `GET /observe/sequences/{name}/slots?after&before&order&limit&cursor`.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 * @param params - the query
 */
export async function listSlots(
  context: ServerContext,
  response: ServerResponse,
  name: string,
  params: URLSearchParams,
) {
  onlyParams(params, ['after', 'before', 'order', 'limit', 'cursor']);
  const { sequences, slots } = observatory(context.records);
  const sequence = (await sequences.get(sequenceName(name))).name;
  const order = queryOrder(params, 'oldest');
  const { after, before } = queryWindow(params);
  const limit = pageLimit(params, 100, 1000);
  const text = params.get('cursor');
  const cursor = text === null ? undefined : decodeWalkCursor(text, `${sequence}~`, order);
  const bounds = windowBounds(order, sequence, after, before);
  const found = [];
  let next: string | undefined;
  for await (const { indexId, slot } of slots.walk(sequence, order, {
    start: cursor?.k ?? bounds.start,
    end: bounds.end,
  })) {
    if (found.length === limit) {
      next = encodeCursor({ o: order, k: indexId });
      break;
    }
    found.push(slot);
  }
  sendJson(response, 200, { slots: found, ...(next === undefined ? {} : { next }) });
}

/**
 * `GET /observe/sequences/{name}/submissions?after&before&order&completed&latestSubmission&latestSlot&limit&cursor`.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 * @param params - the query
 */
export async function findSubmissions(
  context: ServerContext,
  response: ServerResponse,
  name: string,
  params: URLSearchParams,
) {
  onlyParams(params, [
    'after',
    'before',
    'order',
    'completed',
    'latestSubmission',
    'latestSlot',
    'limit',
    'cursor',
  ]);
  const { sequences, finder } = observatory(context.records);
  const sequence = (await sequences.get(sequenceName(name))).name;
  const order = queryOrder(params);
  const text = params.get('cursor');
  const page = await finder.list(sequence, {
    order,
    ...queryWindow(params),
    onlyCompleted: flag(params, 'completed', false),
    onlyLatestSubmission: flag(params, 'latestSubmission', false),
    onlyLatestSlot: flag(params, 'latestSlot', false),
    limit: pageLimit(params, 100, 1000),
    cursor: text === null ? undefined : decodeWalkCursor(text, `${sequence}~`, order),
  });
  sendJson(response, 200, {
    items: page.items,
    ...(page.next === undefined ? {} : { next: encodeCursor(page.next) }),
  });
}

/**
 * `GET /observe/sequences/{name}/latest?after&before`: the latest completed submission.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 * @param params - the query
 */
export async function latestCompleted(
  context: ServerContext,
  response: ServerResponse,
  name: string,
  params: URLSearchParams,
) {
  onlyParams(params, ['after', 'before']);
  const { sequences, finder } = observatory(context.records);
  const sequence = (await sequences.get(sequenceName(name))).name;
  const { after, before } = queryWindow(params);
  const found = await finder.latestCompleted(sequence, after, before);
  if (found === undefined) throw noResult();
  sendJson(response, 200, found);
}

/**
 * `GET /observe/sequences/{name}/closest?at=…|from=TAG[&offset=s]&direction&completed`.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 * @param params - the query
 */
export async function closestSubmission(
  context: ServerContext,
  response: ServerResponse,
  name: string,
  params: URLSearchParams,
) {
  onlyParams(params, ['at', 'from', 'offset', 'direction', 'completed']);
  const { sequences, slots, finder } = observatory(context.records);
  const sequence = (await sequences.get(sequenceName(name))).name;
  const at = queryTime(params, 'at');
  const from = params.get('from');
  const offset = queryOffset(params) ?? 0;
  if ((at === undefined) === (from === null)) {
    throw new ApiError(
      400,
      'INVALID_QUERY',
      'give either at (a time) or from (a slot tag, with an optional offset)',
    );
  }
  let target: number;
  if (from !== null) {
    const slot = await slots.get(sequence, slotTag(from, 'from'));
    if (slot === undefined) throw new ApiError(404, 'SLOT_NOT_FOUND', 'no slot with the tag in from');
    target = Date.parse(slot.expected) + Math.round(offset * 1000);
  } else {
    target = (at as number) + Math.round(offset * 1000);
  }
  const found = await finder.closest(
    sequence,
    instant(target, 'the target time'),
    queryDirection(params),
    flag(params, 'completed', false),
  );
  if (found === undefined) throw noResult();
  sendJson(response, 200, found);
}

/**
 * `GET /observe/sequences/{name}/deliveries?after&before`: the delivery report.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 * @param params - the query
 */
export async function deliveries(
  context: ServerContext,
  response: ServerResponse,
  name: string,
  params: URLSearchParams,
) {
  onlyParams(params, ['after', 'before']);
  const { sequences, slots, submissions } = observatory(context.records);
  const sequence = await sequences.get(sequenceName(name));
  const { after, before } = queryWindow(params, true);
  sendJson(response, 200, {
    deliveries: await deliveryReport(slots, submissions, sequence, after as number, before as number),
  });
}
