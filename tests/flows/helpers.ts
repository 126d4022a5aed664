/**
 * Helpers for the flows server tests: a real server on loopback with the fixture calculations of
 * `tests/flows/functions`, an injected clock the test moves, the scheduler ticked by hand
 * (`pollMs: 0`), buckets `src` and `out` with writers that go through the access API (so writes
 * poke the engine), and a small JSON client for the admin API.
 */
import { resolve } from 'node:path';
import type { BucketReader, BucketWriter } from '../../src/index.js';
import type { ServerOptions } from '../../src/server/index.js';
import { startServer, type TestServer } from '../server/helpers.js';

/** The fixture calculations. */
export const FUNCTIONS = resolve(import.meta.dirname, 'functions');

/** An admin API answer. */
export interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
  readonly body: any;
}

/** A flows test server. */
export interface FlowServer {
  readonly base: TestServer;
  /** Writes to the `src` bucket (through the access API). */
  readonly src: BucketWriter;
  /** Writes to the `out` bucket. */
  readonly out: BucketWriter;
  /** Reads the `out` bucket. */
  readonly outReader: BucketReader;
  /** Move the server clock forward by `seconds`. */
  advance(seconds: number): void;
  /** The server clock, epoch ms. */
  now(): number;
  /** Call the admin API. */
  api(method: string, path: string, body?: unknown): Promise<Answer>;
  /** One scheduler pass, then wait for what it started. */
  tick(): Promise<readonly { id: string; trigger: string }[]>;
  /** Wait for runs and reactions in progress. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** A clock starting now, moved only by the test (Pars minted on it stay valid for the client). */
export function testClock(start = Date.now()) {
  let time = start;
  return {
    now: () => time,
    advance: (seconds: number) => {
      time += seconds * 1000;
    },
  };
}

/**
 * Start a flows test server.
 *
 * @param options - server options (a data directory to restart on, a store, flows settings…)
 * @param clock - the clock (default: a fresh test clock)
 */
export async function startFlowServer(
  options: Partial<ServerOptions> = {},
  clock = testClock(),
): Promise<FlowServer> {
  const base = await startServer({
    functions: FUNCTIONS,
    now: clock.now,
    ...options,
    flows: { pollMs: 0, ...options.flows },
  });
  const api = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base.server.url}/admin/v1/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${base.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  const buckets = (await base.admin.listBuckets()).map((bucket) => bucket.name);
  const writer = async (bucket: string) => {
    if (!buckets.includes(bucket)) await base.admin.createBucket(bucket);
    const par = await base.admin.createPar({
      bucket,
      permissions: ['read', 'write', 'list', 'delete'],
      expires: { hours: 2 },
      recipients: [base.recipient],
    });
    return {
      writer: (await par.write(base.identity)) as BucketWriter,
      reader: (await par.read(base.identity)) as BucketReader,
    };
  };
  const out = await writer('out');
  return {
    base,
    src: (await writer('src')).writer,
    out: out.writer,
    outReader: out.reader,
    advance: clock.advance,
    now: clock.now,
    api,
    async tick() {
      const started = await base.server.flows.tick();
      await base.server.flows.idle();
      return started;
    },
    idle: () => base.server.flows.idle(),
    stop: () => base.stop(),
  };
}

/** A concat flow from the `src` inputs given into `out/<name>/result.txt`. */
export function concatFlow(
  name: string,
  policy: string,
  inputs: Record<string, { key?: string; prefix?: string; version?: number }>,
  extra: Record<string, unknown> = {},
) {
  return {
    name,
    calculation: 'concat',
    policy,
    inputs: Object.fromEntries(
      Object.entries(inputs).map(([input, where]) => [input, { bucket: 'src', ...where }]),
    ),
    outputs: { result: { bucket: 'out', prefix: `${name}/` } },
    ...extra,
  };
}
