/**
 * The server's request handler and state, without a socket: what {@link createServer} listens
 * with, and what in-process tests call directly.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleHolderClose } from './access/close.js';
import { handleAccess } from './access/handler.js';
import { adminKeyDigest } from './admin/auth.js';
import { BucketRegistry } from './admin/bucket-registry.js';
import { handleAdmin } from './admin/handler.js';
import { isCalculationPath } from './compute/calculation-path.js';
import { loadFunctions } from './compute/discover.js';
import { handleCalculation } from './compute/routes.js';
import { type ComputeServerContext, ComputeService } from './compute/service.js';
import type { ComputeSettings } from './compute/settings.js';
import type { ServerContext } from './context.js';
import { FlowEngine, type FlowSettings } from './flows/engine.js';
import { ApiError, toApiError } from './http/api-error.js';
import { loggablePath, type RequestLogger } from './http/log.js';
import { sendError, sendJson } from './http/respond.js';
import { ParRegistry } from './pars/registry.js';
import { decodeSigningKey, storedSigningKey } from './pars/signing-key.js';
import { TokenSigner } from './pars/token.js';
import { RecordStore } from './storage/records.js';
import type { ObjectStore } from './storage/store.js';

/** Default largest PUT body: 5 GiB. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 ** 3;
/** Default longest Par lifetime: 30 days. */
export const DEFAULT_MAX_LIFETIME_SECONDS = 30 * 24 * 3600;
/** Default namespace in access URLs. */
export const DEFAULT_NAMESPACE = 'parkit';

/** Settings of the handler. */
export interface AppOptions {
  /** Where objects and records live. */
  readonly store: ObjectStore;
  /** The admin key. */
  readonly adminKey: string;
  /** Token signing key (base64url, ≥ 32 bytes); default: created once and kept in the store. */
  readonly signingKey?: string;
  /** Base of access URLs in minted Pars. */
  readonly publicUrl: () => string;
  /** Namespace in access URLs (default `parkit`). */
  readonly namespace?: string;
  /** Largest PUT body in bytes (default 5 GiB). */
  readonly maxBodyBytes?: number;
  /** Longest Par lifetime minted, in seconds (default 30 days). */
  readonly maxLifetimeSeconds?: number;
  /** The clock, epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Receives one entry per request. */
  readonly log?: RequestLogger;
  /** A functions directory: run its calculations through executable Pars (see docs/compute.md). */
  readonly functions?: string;
  /** Limits of the compute service. */
  readonly compute?: ComputeSettings;
  /** Where job workers reach this server (default: `publicUrl`). */
  readonly internalUrl?: () => string;
  /** Whether this server alone uses the store (then jobs left unfinished by an earlier run are failed at start). */
  readonly exclusiveStore?: boolean;
  /** Settings of the flows engine (scheduler period, lease lifetime). */
  readonly flows?: FlowSettings;
}

/** A request handler with its state. */
export interface App {
  /** Handle one request. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Delete expired Par records now; returns how many. */
  sweep(): Promise<number>;
  /** End the compute service's jobs (marked interrupted) and wait for their workers. */
  close(): Promise<void>;
  /** @internal The flows engine: `tick()` runs the scheduler once, `idle()` waits for runs in progress. */
  readonly flows: FlowEngine;
  /** @internal The shared state. */
  readonly context: ServerContext;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/**
 * Build the handler over a store.
 *
 * @param options - store, keys and limits
 * @throws RangeError / TypeError for bad options
 */
export async function createApp(options: AppOptions): Promise<App> {
  const records = new RecordStore(options.store);
  const key =
    options.signingKey === undefined ? await storedSigningKey(records) : decodeSigningKey(options.signingKey);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(namespace))
    throw new RangeError('namespace must be 1-63 letters, digits, "_" or "-"');
  const base: ComputeServerContext = {
    store: options.store,
    records,
    pars: new ParRegistry(records),
    buckets: new BucketRegistry(records),
    signer: new TokenSigner(key),
    adminKeyDigest: adminKeyDigest(options.adminKey),
    namespace,
    maxBodyBytes: positive(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes'),
    maxLifetimeSeconds: positive(
      options.maxLifetimeSeconds,
      DEFAULT_MAX_LIFETIME_SECONDS,
      'maxLifetimeSeconds',
    ),
    now: options.now ?? Date.now,
    publicUrl: options.publicUrl,
  };
  const compute =
    options.functions === undefined
      ? undefined
      : await ComputeService.create(base, {
          ...options.compute,
          functions: await loadFunctions(options.functions),
          internalUrl: options.internalUrl ?? options.publicUrl,
          exclusive: options.exclusiveStore === true,
          secrets: [options.adminKey, Buffer.from(key).toString('base64url')],
        });
  const secrets = [options.adminKey, Buffer.from(key).toString('base64url')];
  const flows = new FlowEngine(
    { ...base, compute },
    { ...options.flows, exclusive: options.exclusiveStore === true, secrets },
  );
  const context: ServerContext = { ...base, compute, flows };
  await flows.start();
  const log = options.log;

  const route = async (request: IncomingMessage, response: ServerResponse, path: string, query: string) => {
    if (path.startsWith('/p/')) {
      if (isCalculationPath(path)) return handleCalculation(context, request, response, path, query);
      return handleAccess(context, request, response, path, query);
    }
    if (path.startsWith('/admin/v1/')) return handleAdmin(context, request, response, path, query);
    if (path === '/access/v1/close') return handleHolderClose(context, request, response);
    if (path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      return sendJson(response, 200, { status: 'ok' });
    }
    throw new ApiError(404, 'NOT_FOUND', 'no such resource');
  };

  return {
    context,
    flows,
    sweep: () => context.pars.sweep(context.now()),
    close: async () => {
      // Flows stop scheduling first; their runs end `interrupted` as the jobs are stopped.
      flows.stopping();
      await compute?.close();
      await flows.close();
    },
    async handle(request, response) {
      const started = performance.now();
      const raw = request.url ?? '/';
      const mark = raw.indexOf('?');
      const path = mark < 0 ? raw : raw.slice(0, mark);
      const query = mark < 0 ? '' : raw.slice(mark + 1);
      let code: string | undefined;
      let internal: string | undefined;
      try {
        await route(request, response, path, query);
      } catch (error) {
        const refusal = toApiError(error);
        code = refusal.code;
        if (refusal.status >= 500 && !(error instanceof ApiError)) {
          internal =
            error instanceof Error
              ? `${error.name}: ${(error as NodeJS.ErrnoException).code ?? error.message}`
              : 'unknown';
        }
        // A client gone mid-transfer leaves nothing to answer.
        if (request.destroyed && response.headersSent) response.destroy();
        else sendError(request, response, refusal);
      }
      if (log !== undefined) {
        log({
          time: new Date().toISOString(),
          method: request.method ?? '',
          path: loggablePath(path),
          status: response.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...(code === undefined ? {} : { code }),
          ...(internal === undefined ? {} : { error: internal }),
        });
      }
    },
  };
}
