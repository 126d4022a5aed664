/**
 * Slot- and submission-level routes: read a slot, create submissions (finding or creating the
 * slot), list a slot's submissions, read one, and post metrics, quality results, statuses and
 * run environments to it.
 *
 * @internal
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Submission } from '../../observe/model.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { readJsonObject } from '../http/json-body.js';
import { sendJson } from '../http/respond.js';
import { addMetrics, addQuality, addRunEnvironments, addStatus } from './changes.js';
import { checkMetrics, checkQuality, checkRunEnvironment, checkStatus } from './entry-bodies.js';
import {
  hasNoBody,
  onlyFields,
  onlyParams,
  optionalLine,
  pageLimit,
  sequenceName,
  slotTag,
  submissionId,
} from './fields.js';
import { observatory } from './observatory.js';
import { slotRequest } from './sequence-routes.js';

/** A submission's place from the path. */
export interface SubmissionPath {
  readonly sequence: string;
  readonly tag: string;
  readonly id: string;
}

const slotMissing = () => new ApiError(404, 'SLOT_NOT_FOUND', 'no such slot');

/**
 * `GET /observe/sequences/{name}/slots/{tag}`.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 * @param tag - from the path
 */
export async function getSlot(context: ServerContext, response: ServerResponse, name: string, tag: string) {
  const { sequences, slots } = observatory(context.records);
  const sequence = await sequences.get(sequenceName(name));
  const slot = await slots.get(sequence.name, slotTag(tag));
  if (slot === undefined) throw slotMissing();
  sendJson(response, 200, { slot });
}

/**
 * `POST /observe/sequences/{name}/submissions` `{ tag?, at?, expected?, stage?, runEnvironments? }`,
 * or `POST …/slots/{tag}/submissions`: create a submission, finding or creating its slot.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param name - from the path
 * @param tag - from the path, when the route names the slot
 */
export async function createSubmission(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  name: string,
  tag: string | undefined,
) {
  const body = hasNoBody(request.headers) ? {} : await readJsonObject(request);
  onlyFields(body, ['tag', 'at', 'expected', 'stage', 'runEnvironments'], 'the submission');
  if (tag !== undefined) {
    if (body.tag !== undefined && body.tag !== tag) {
      throw new ApiError(400, 'INVALID_TAG', 'tag in the body must be the tag in the path');
    }
    body.tag = slotTag(tag);
  }
  const stage = optionalLine(body.stage, 'stage', 64, 'INVALID_SUBMISSION');
  const environments =
    body.runEnvironments === undefined
      ? []
      : checkRunEnvironment({ runEnvironments: body.runEnvironments }).runEnvironments;
  const { sequences, slots, submissions } = observatory(context.records);
  const sequence = await sequences.get(sequenceName(name));
  const now = context.now();
  const { slot } = await slots.findOrCreate(sequence, slotRequest(body), now);
  const submission = await submissions.create(
    slot,
    { ...(stage === undefined ? {} : { stage }), runEnvironments: environments },
    now,
  );
  sendJson(response, 201, { slot, submission });
}

/**
 * `GET /observe/sequences/{name}/slots/{tag}/submissions?limit&cursor`: oldest first.
 *
 * @param context - the server
 * @param response - the response
 * @param name - from the path
 * @param tag - from the path
 * @param params - the query
 */
export async function listSlotSubmissions(
  context: ServerContext,
  response: ServerResponse,
  name: string,
  tag: string,
  params: URLSearchParams,
) {
  onlyParams(params, ['limit', 'cursor']);
  const { sequences, slots, submissions } = observatory(context.records);
  const sequence = await sequences.get(sequenceName(name));
  if ((await slots.get(sequence.name, slotTag(tag))) === undefined) throw slotMissing();
  const cursor = params.get('cursor');
  if (cursor !== null) {
    try {
      submissionId(cursor);
    } catch {
      throw new ApiError(400, 'INVALID_CURSOR', 'cursor is not a cursor this listing handed out');
    }
  }
  sendJson(
    response,
    200,
    await submissions.page(sequence.name, tag, pageLimit(params, 100, 1000), cursor ?? undefined),
  );
}

async function found(context: ServerContext, path: SubmissionPath): Promise<SubmissionPath> {
  const { sequences } = observatory(context.records);
  const sequence = await sequences.get(sequenceName(path.sequence));
  return { sequence: sequence.name, tag: slotTag(path.tag), id: submissionId(path.id) };
}

/**
 * `GET /observe/sequences/{name}/slots/{tag}/submissions/{id}`.
 *
 * @param context - the server
 * @param response - the response
 * @param path - the submission's place
 */
export async function getSubmission(context: ServerContext, response: ServerResponse, path: SubmissionPath) {
  const at = await found(context, path);
  const submission = await observatory(context.records).submissions.get(at.sequence, at.tag, at.id);
  if (submission === undefined) throw new ApiError(404, 'SUBMISSION_NOT_FOUND', 'no such submission');
  sendJson(response, 200, { submission });
}

/** What can be posted to a submission. */
export type SubmissionPost = 'metrics' | 'quality' | 'status' | 'run-environment';

/**
 * `POST …/submissions/{id}/metrics|quality|status|run-environment`: the body is checked in
 * full before anything is stored; the answer is the submission after the change.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param path - the submission's place
 * @param kind - what is posted
 */
export async function postToSubmission(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: SubmissionPath,
  kind: SubmissionPost,
) {
  const at = await found(context, path);
  const body = await readJsonObject(request);
  const now = context.now();
  let change: (current: Submission) => Submission;
  if (kind === 'metrics') change = addMetrics(checkMetrics(body), now);
  else if (kind === 'quality') change = addQuality(checkQuality(body), now);
  else if (kind === 'status') change = addStatus(checkStatus(body), now);
  else change = addRunEnvironments(checkRunEnvironment(body), now);
  const submission = await observatory(context.records).submissions.update(
    at.sequence,
    at.tag,
    at.id,
    change,
  );
  sendJson(response, 200, { submission });
}
