/**
 * Helpers for the compute tests: a real server (real socket) with the fixture functions of
 * `tests/compute/functions`, a bucket `data` seeded with a few objects, and a way to mint an
 * executable Par and open its runner as its holder.
 */
import { resolve } from 'node:path';
import type {
  BucketWriter,
  ComputeRunner,
  ExecutableParRequest,
  JobStatus,
  Par,
  ParkitAdmin,
} from '../../src/index.js';
import type { ParkitServer, ServerOptions } from '../../src/server/index.js';
import { startServer } from '../server/helpers.js';

/** The fixture functions. */
export const FUNCTIONS = resolve(import.meta.dirname, 'functions');

/** What the `data` bucket is seeded with. */
export const SEED: Readonly<Record<string, string>> = {
  'in/a.txt': 'alpha\n',
  'in/b.txt': 'bravo bravo\n',
  'in/deep/c.csv': 'x,y\n1,2\n3,4\n',
  'secret/hidden.txt': 'not for jobs\n',
};

/** A running compute server and its helpers. */
export interface ComputeServer {
  readonly server: ParkitServer;
  readonly admin: ParkitAdmin;
  readonly adminKey: string;
  readonly dataDir: string;
  readonly identity: string;
  readonly recipient: string;
  /** A write+read+list+delete Par on the whole `data` bucket, for setting up and checking. */
  readonly owner: BucketWriter;
  readonly ownerPar: Par;
  /** Mint an executable Par (sealed to `recipient`) and open its runner. */
  runner(
    request: Omit<ExecutableParRequest, 'recipients' | 'expires'> & Partial<ExecutableParRequest>,
  ): Promise<{
    par: Par;
    runner: ComputeRunner;
  }>;
  stop(): Promise<void>;
}

/**
 * Start a server with the fixture functions.
 *
 * @param options - server options (compute limits…)
 */
export async function startComputeServer(options: Partial<ServerOptions> = {}): Promise<ComputeServer> {
  const base = await startServer({ functions: FUNCTIONS, ...options });
  const { admin, identity, recipient } = base;
  const buckets = (await admin.listBuckets()).map((bucket) => bucket.name);
  if (!buckets.includes('data')) await admin.createBucket('data');
  if (!buckets.includes('private')) await admin.createBucket('private');
  const ownerPar = await admin.createPar({
    bucket: 'data',
    permissions: ['read', 'write', 'list', 'delete'],
    expires: { hours: 2 },
    recipients: [recipient],
  });
  const owner = (await ownerPar.write(identity)) as BucketWriter;
  for (const [key, text] of Object.entries(SEED)) await owner.setStringObject(key, text);
  return {
    server: base.server,
    admin,
    adminKey: base.adminKey,
    dataDir: base.dataDir,
    identity,
    recipient,
    owner,
    ownerPar,
    async runner(request) {
      const par = await admin.createExecutablePar({
        expires: { hours: 1 },
        recipients: [recipient],
        ...request,
      });
      return { par, runner: await par.execute(identity) };
    },
    stop: () => base.stop(),
  };
}

/** Resolve once a job's status satisfies `test` (following it with long polls). */
export async function until(
  job: { wait(o: { onProgress: (s: JobStatus) => void; signal: AbortSignal }): Promise<JobStatus> },
  test: (status: JobStatus) => boolean,
): Promise<JobStatus> {
  const controller = new AbortController();
  let seen: JobStatus | undefined;
  try {
    const final = await job.wait({
      signal: controller.signal,
      onProgress(status) {
        if (seen === undefined && test(status)) {
          seen = status;
          controller.abort();
        }
      },
    });
    if (seen === undefined && test(final)) return final;
  } catch (error) {
    if (seen === undefined) throw error;
  }
  if (seen === undefined) throw new Error('the job ended without reaching the state waited for');
  return seen;
}

/** Milliseconds since `start`. */
export const since = (start: number) => performance.now() - start;
