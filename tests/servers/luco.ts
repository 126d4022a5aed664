/**
 * A local Luco-compatible API for tests, following PROTOCOLS.md §4 and the requests LucoPy
 * sends (LucoPy 1.2.x: LucoApi.py, Submissions.py, ApiCore.py): slot search and unscheduled slot
 * creation, submissions, run environments, metrics (v2), quality (v1 body), status, the
 * submission read (v2), and the find endpoints. Every API request must carry a bearer token the
 * server issued and that has not expired on the server's clock (401 otherwise). An Azure AD
 * v2.0-shaped token endpoint issues tokens for client credentials (HTTP Basic, form body,
 * `{resource}/.default` scope).
 *
 * Refusals are ASP.NET problem details (`{ type, title, status, detail, errors? }`). The
 * definition query parameter is one JSON object per parameter (LucoPy sends Python's repr of
 * the same dict; parkit sends JSON).
 *
 * Luco has no public server to run, so this is a protocol double (DESIGN.md decision 7).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An Azure client the token endpoint knows. */
export interface LucoTestClient {
  readonly secret: string;
  /** The API's resource id (scope `{resource}/.default`). */
  readonly resource: string;
}

/** How the double behaves. */
export interface LucoServerOptions {
  /** The server's clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** Azure clients by client id. */
  readonly clients?: Record<string, LucoTestClient>;
  /** Seconds a token from the token endpoint lives (default 3600). */
  readonly tokenLifetime?: number;
  /** The tenant of the token endpoint (default `tenant-1`). */
  readonly tenant?: string;
}

/** A request the API received. */
export interface LucoRequestSeen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

interface SlotRecord {
  readonly slotId: number;
  readonly sequence: string;
  readonly tag: string;
  readonly expectedBy: number;
}

interface SubmissionRecord {
  readonly slotSubmissionId: number;
  readonly slotId: number;
  status: string | null;
  readonly startedOn: number;
  endedOn: number | null;
  readonly metrics: { stage: string | null; metric: string; value: number }[];
  readonly quality: Record<string, unknown>[];
  readonly statuses: Record<string, unknown>[];
  readonly runEnvironments: Record<string, unknown>[];
}

/** A running double. */
export interface LucoServer {
  /** The API base URL (`…/api`). */
  readonly url: string;
  /** The token endpoint. */
  readonly tokenUrl: string;
  /** Every API request, oldest first. */
  readonly requests: LucoRequestSeen[];
  /** How many tokens the token endpoint issued. */
  tokensIssued(): number;
  /** A token for an identity object (as a vault would hand out). */
  issueToken(lifetimeSeconds: number): { token: string; expires: number };
  /** Forget every token: the next request with any of them gets 401. */
  revokeTokens(): void;
  /** Register a slot sequence (its definition as `{ key: value }`, in order). */
  addSequence(definition: Record<string, string>): void;
  /** The next API request is answered with this status and body instead. */
  failNext(status: number, body: unknown): void;
  /** A submission's state. */
  submission(id: number): SubmissionRecord | undefined;
  /** A slot's state. */
  slot(id: number): SlotRecord | undefined;
  close(): Promise<void>;
}

const problem = (status: number, title: string, detail?: string, errors?: Record<string, string[]>) => ({
  type: 'https://tools.ietf.org/html/rfc7231',
  title,
  status,
  ...(detail === undefined ? {} : { detail }),
  ...(errors === undefined ? {} : { errors }),
});

function send(response: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

/** Read `SlotSequenceDefinition` query parameters (JSON objects) into a sequence key. */
function definitionKey(values: readonly unknown[]): string | undefined {
  const entries: { position: number; key: string; value: string }[] = [];
  for (const raw of values) {
    try {
      const entry = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
        position?: unknown;
        key?: unknown;
        value?: unknown;
      };
      if (
        typeof entry.position !== 'number' ||
        typeof entry.key !== 'string' ||
        typeof entry.value !== 'string'
      )
        return undefined;
      entries.push(entry as { position: number; key: string; value: string });
    } catch {
      return undefined;
    }
  }
  if (entries.length === 0) return undefined;
  entries.sort((a, b) => a.position - b.position);
  return JSON.stringify(entries.map(({ key, value }) => [key, value]));
}

const seconds = (text: string): number | undefined => {
  const match = /^(-?)(\d+):(\d\d):(\d\d):(\d\d)$/.exec(text);
  if (match === null) return undefined;
  const [, sign, d, h, m, s] = match;
  return (sign === '-' ? -1 : 1) * (Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s));
};

/** Start the double on a free loopback port. */
export async function startLucoServer(options: LucoServerOptions = {}): Promise<LucoServer> {
  const now = options.now ?? Date.now;
  const tenant = options.tenant ?? 'tenant-1';
  const tokens = new Map<string, number>();
  const sequences = new Set<string>();
  const slots: SlotRecord[] = [];
  const submissions: SubmissionRecord[] = [];
  const requests: LucoRequestSeen[] = [];
  let issued = 0;
  let failure: { status: number; body: unknown } | undefined;

  const mint = (lifetime: number) => {
    const token = `luco-${randomBytes(18).toString('base64url')}`;
    const expires = now() + lifetime * 1000;
    tokens.set(token, expires);
    return { token, expires };
  };

  const tokenEndpoint = async (request: IncomingMessage, response: ServerResponse) => {
    const form = new URLSearchParams(await readBody(request));
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const [id, secret] = basic === undefined ? [] : Buffer.from(basic, 'base64').toString('utf8').split(':');
    const client = id === undefined ? undefined : options.clients?.[id];
    if (client === undefined || client.secret !== secret) {
      return send(response, 401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
      });
    }
    if (form.get('grant_type') !== 'client_credentials')
      return send(response, 400, { error: 'unsupported_grant_type' });
    if (form.get('scope') !== `${client.resource}/.default`) {
      return send(response, 400, {
        error: 'invalid_scope',
        error_description: 'AADSTS70011: The provided scope is not valid.',
      });
    }
    issued++;
    const lifetime = options.tokenLifetime ?? 3600;
    send(response, 200, {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: mint(lifetime).token,
    });
  };

  const slotOf = (text: string | undefined) => slots.find((slot) => String(slot.slotId) === text);
  const submissionOf = (slotText: string | undefined, idText: string | undefined) =>
    submissions.find((s) => String(s.slotId) === slotText && String(s.slotSubmissionId) === idText);
  const view = (submission: SubmissionRecord) => ({
    slotSubmissionId: submission.slotSubmissionId,
    status: submission.status,
    startedOn: new Date(submission.startedOn).toISOString(),
    endedOn: submission.endedOn === null ? null : new Date(submission.endedOn).toISOString(),
  });
  const completed = (s: SubmissionRecord) => s.endedOn !== null;

  const api = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    query: URLSearchParams,
  ) => {
    const method = request.method ?? 'GET';
    const text = method === 'POST' ? await readBody(request) : '';
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return send(
          response,
          400,
          problem(400, 'One or more validation errors occurred.', 'The body is not JSON.'),
        );
      }
    }
    requests.push({
      method,
      path,
      query,
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body,
    });
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const expiry = bearer === undefined ? undefined : tokens.get(bearer);
    if (expiry === undefined || expiry <= now()) {
      response.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      return send(response, 401, problem(401, 'Unauthorized'));
    }
    if (failure !== undefined) {
      const { status, body: answer } = failure;
      failure = undefined;
      return send(response, status, answer);
    }
    const part = path.split('/').filter((p) => p !== '');
    const fields = (body ?? {}) as Record<string, unknown>;

    if (method === 'GET' && path === '/slots/search/') {
      const key = definitionKey(query.getAll('SlotSequenceDefinition'));
      const slot = slots.find((s) => s.sequence === key && s.tag === query.get('Tag'));
      if (slot === undefined) return send(response, 404, problem(404, 'Not Found', 'No slot has this tag.'));
      return send(response, 200, { slotId: slot.slotId });
    }
    if (method === 'POST' && path === '/slots/') {
      if (typeof fields.tag !== 'string' || fields.tag === '') {
        return send(
          response,
          400,
          problem(400, 'One or more validation errors occurred.', undefined, {
            tag: ['The Tag field is required.'],
          }),
        );
      }
      const key = definitionKey(
        Array.isArray(fields.slotSequenceDefinition) ? fields.slotSequenceDefinition : [],
      );
      if (key === undefined || !sequences.has(key)) {
        return send(response, 404, problem(404, 'Not Found', 'No slot sequence matches the definition.'));
      }
      if (slots.some((s) => s.sequence === key && s.tag === fields.tag)) {
        return send(response, 409, problem(409, 'Conflict', 'A slot with this tag exists.'));
      }
      const date = /^\d{4}-\d\d-\d\d$/.test(fields.tag) ? Date.parse(`${fields.tag}T00:00:00Z`) : now();
      const slot = { slotId: slots.length + 101, sequence: key, tag: fields.tag, expectedBy: date };
      slots.push(slot);
      return send(response, 200, { slotId: slot.slotId });
    }
    if (method === 'GET' && path === '/slotsequences/submissions') {
      const key = definitionKey(query.getAll('SlotSequenceDefinition'));
      if (key === undefined || !sequences.has(key))
        return send(response, 404, problem(404, 'Not Found', 'No slot sequence matches the definition.'));
      const flag = (name: string) => (query.get(name) ?? 'true').toLowerCase() === 'true';
      const after = query.get('ExpectedAfterUtc');
      const before = query.get('ExpectedBeforeUtc');
      let found = slots
        .filter((s) => s.sequence === key)
        .filter((s) => after === null || s.expectedBy >= Date.parse(after))
        .filter((s) => before === null || s.expectedBy < Date.parse(before))
        .sort((a, b) => b.expectedBy - a.expectedBy)
        .map((slot) => {
          let subs = submissions
            .filter((s) => s.slotId === slot.slotId)
            .sort((a, b) => b.slotSubmissionId - a.slotSubmissionId);
          if (flag('OnlyCompletedSubmissions')) subs = subs.filter(completed);
          if (flag('OnlyLatestSubmission')) subs = subs.slice(0, 1);
          return {
            slotId: slot.slotId,
            tag: slot.tag,
            expectedBy: new Date(slot.expectedBy).toISOString(),
            submissions: subs.map(view),
          };
        });
      if (flag('OnlyDeliveredSlots')) found = found.filter((s) => s.submissions.length > 0);
      if (flag('OnlyLatestSlot')) found = found.slice(0, 1);
      return send(response, 200, { slots: found });
    }
    // /slots/{s}/submissions[/{id}[/…]] and /v2/slots/{s}/submissions/{id}[/…]
    const v2 = part[0] === 'v2';
    const [p0, slotText, p2, idText, action] = v2 ? part.slice(1) : part;
    if (p0 !== 'slots' || p2 !== 'submissions') return send(response, 404, problem(404, 'Not Found'));
    const slot = slotOf(slotText);
    if (slot === undefined) return send(response, 404, problem(404, 'Not Found', 'No such slot.'));
    if (idText === undefined) {
      if (method !== 'POST' || v2) return send(response, 405, problem(405, 'Method Not Allowed'));
      const submission: SubmissionRecord = {
        slotSubmissionId: submissions.length + 5001,
        slotId: slot.slotId,
        status: null,
        startedOn: now(),
        endedOn: null,
        metrics: [],
        quality: [],
        statuses: [],
        runEnvironments: [],
      };
      submissions.push(submission);
      return send(response, 200, { slotSubmissionId: submission.slotSubmissionId });
    }
    const submission = submissionOf(slotText, idText);
    if (submission === undefined)
      return send(response, 404, problem(404, 'Not Found', 'No such submission.'));
    const route = `${method} ${v2 ? 'v2/' : ''}${action ?? ''}`;
    switch (route) {
      case 'GET v2/':
        return send(response, 200, {
          slotSequence: {
            definition: {
              name: (JSON.parse(slot.sequence) as [string, string][]).map(([key, value]) => ({
                slotParameter: { key, value },
              })),
              type: { slotSequenceTypeName: 'Unscheduled' },
            },
            parameters: { slotParameterGroups: [] },
            delivery: [],
          },
          slot: { slotId: slot.slotId, tag: slot.tag, expectedBy: new Date(slot.expectedBy).toISOString() },
          submission: view(submission),
        });
      case 'POST runenvironment': {
        if (!Array.isArray(fields.runData)) {
          return send(
            response,
            400,
            problem(400, 'One or more validation errors occurred.', undefined, {
              runData: ['The RunData field is required.'],
            }),
          );
        }
        submission.runEnvironments.push(
          ...(fields.runData as Record<string, unknown>[]).map((data) => ({ stage: fields.stage, data })),
        );
        return send(response, 200, {});
      }
      case 'POST v2/metrics': {
        const list = fields.metrics;
        if (
          !Array.isArray(list) ||
          list.some((m) => typeof m?.metric !== 'string' || typeof m?.value !== 'number')
        ) {
          return send(
            response,
            400,
            problem(400, 'One or more validation errors occurred.', undefined, {
              metrics: ['Each metric needs a name and a numeric value.'],
            }),
          );
        }
        for (const { metric, value } of list as { metric: string; value: number }[]) {
          submission.metrics.push({ stage: (fields.stage as string | null) ?? null, metric, value });
        }
        return send(response, 200, {});
      }
      case 'GET metrics': {
        const stages = query.getAll('stages');
        const names = query.getAll('metrics');
        return send(response, 200, {
          slotSubmissionMetrics: submission.metrics.filter(
            (m) =>
              (stages.length === 0 || stages.includes(m.stage ?? '')) &&
              (names.length === 0 || names.includes(m.metric)),
          ),
        });
      }
      case 'POST quality': {
        if (fields.action !== 'Continued' && fields.action !== 'Cancelled') {
          return send(
            response,
            400,
            problem(400, 'One or more validation errors occurred.', undefined, {
              action: ['Action must be Continued or Cancelled.'],
            }),
          );
        }
        submission.quality.push(fields);
        return send(response, 200, {});
      }
      case 'POST status': {
        if (typeof fields.status !== 'string') {
          return send(
            response,
            400,
            problem(400, 'One or more validation errors occurred.', undefined, {
              status: ['The Status field is required.'],
            }),
          );
        }
        submission.statuses.push(fields);
        submission.status = fields.status;
        if (fields.status === 'Completed' && fields.stage === 'Submission') submission.endedOn = now();
        return send(response, 200, {});
      }
      case 'GET search': {
        const offset =
          query.get('TimeDifference') === null ? 0 : seconds(query.get('TimeDifference') as string);
        if (offset === undefined)
          return send(
            response,
            400,
            problem(400, 'One or more validation errors occurred.', undefined, {
              TimeDifference: ['Use d:HH:MM:SS.'],
            }),
          );
        const direction = query.get('FindClosest') ?? 'historic';
        const onlyCompleted = (query.get('OnlyCompletedSubmissions') ?? 'false').toLowerCase() === 'true';
        const target = slot.expectedBy + offset * 1000;
        const ordered = slots
          .filter((s) => s.sequence === slot.sequence)
          .sort((a, b) => a.expectedBy - b.expectedBy);
        const candidates = ordered.filter((s) =>
          direction === 'historic'
            ? s.expectedBy <= target
            : direction === 'future'
              ? s.expectedBy >= target
              : direction === 'exact'
                ? s.expectedBy === target
                : true,
        );
        candidates.sort((a, b) => Math.abs(a.expectedBy - target) - Math.abs(b.expectedBy - target));
        for (const candidate of candidates) {
          const subs = submissions
            .filter((s) => s.slotId === candidate.slotId && (!onlyCompleted || completed(s)))
            .sort((a, b) => b.slotSubmissionId - a.slotSubmissionId);
          if (subs[0] === undefined) continue;
          return send(response, 200, {
            slotId: candidate.slotId,
            slotSubmissionId: subs[0].slotSubmissionId,
            isExactMatch: candidate.expectedBy === target,
            timeDifference: (candidate.expectedBy - target) / 1000,
            slotDifference: ordered.indexOf(candidate) - ordered.indexOf(slot),
          });
        }
        return send(response, 404, problem(404, 'Not Found', 'No submission matches the search.'));
      }
      default:
        return send(response, 404, problem(404, 'Not Found'));
    }
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://luco.invalid');
    const handle =
      request.method === 'POST' && url.pathname === `/${tenant}/oauth2/v2.0/token`
        ? tokenEndpoint(request, response)
        : url.pathname.startsWith('/api/')
          ? api(request, response, url.pathname.slice(4), url.searchParams)
          : Promise.resolve(send(response, 404, problem(404, 'Not Found')));
    handle.catch(() => {
      if (!response.headersSent) send(response, 500, problem(500, 'Internal Server Error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/api`,
    tokenUrl: `${base}/${tenant}/oauth2/v2.0/token`,
    requests,
    tokensIssued: () => issued,
    issueToken: (lifetime) => mint(lifetime),
    revokeTokens: () => tokens.clear(),
    addSequence(definition) {
      sequences.add(JSON.stringify(Object.entries(definition)));
    },
    failNext(status, body) {
      failure = { status, body };
    },
    submission: (id) => submissions.find((s) => s.slotSubmissionId === id),
    slot: (id) => slots.find((s) => s.slotId === id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
