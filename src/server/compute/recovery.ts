/**
 * Jobs nobody runs any more: an unfinished job whose instance is gone — this server restarted
 * (alone on its store, every unfinished job at start is such a job), or, on a shared store, the
 * instance running it has not beaten for three heartbeats — is marked failed (`interrupted`)
 * and its worker grants closed. The mark is a conditional replace, so a live owner's own write
 * always wins.
 *
 * @internal
 * @module
 */
import type { ServerContext } from '../context.js';
import { isFinal, type JobRecord } from './job-record.js';
import type { JobStore } from './job-store.js';
import { closeWorkerGrants } from './worker-grants.js';

/** What recovery needs. */
export interface RecoveryOptions {
  readonly store: JobStore;
  readonly context: Omit<ServerContext, 'compute'>;
  /** This instance (its own jobs are never touched). */
  readonly instanceId: string;
  /** Whether this instance alone uses the store. */
  readonly exclusive: boolean;
  readonly heartbeatMs: number;
  /** Whether a job runs here. */
  readonly isLocal: (id: string) => boolean;
}

async function markInterrupted(options: RecoveryOptions, id: string): Promise<void> {
  const stored = await options.store.get(id);
  if (stored !== undefined && !isFinal(stored.value.state)) {
    const record = stored.value;
    const failed: JobRecord = {
      ...record,
      state: 'failed',
      version: record.version + 1,
      finished: new Date(options.context.now()).toISOString(),
      error: { reason: 'interrupted', message: 'the server running the job stopped before it finished' },
    };
    if (!(await options.store.replace(failed, stored.etag))) return;
    await closeWorkerGrants(options.context, record.grantIds);
  }
  await options.store.finish(id);
}

/**
 * Mark every orphaned unfinished job failed.
 *
 * @param options - the store, this instance, the heartbeat
 */
export async function recoverJobs(options: RecoveryOptions): Promise<void> {
  const now = options.context.now();
  for (const { id, owner } of await options.store.active()) {
    if (owner === options.instanceId || options.isLocal(id)) continue;
    if (!options.exclusive) {
      const beat = await options.store.lastBeat(owner);
      if (beat !== undefined && now - beat <= 3 * options.heartbeatMs) continue;
    }
    await markInterrupted(options, id);
  }
}
