/**
 * `LucoRecorder`: a {@link SubmissionRecorder} that records to a Luco-compatible API, so the
 * Downloader and flow runs export their submissions to Luco the same way they record them on
 * the parkit server (or both, with `combineRecorders`).
 *
 * @module
 */
import { type Clock, readClock, systemClock } from '../../par/expiry.js';
import type { SubmissionHandle, SubmissionRecorder, SubmissionStart } from '../recorder.js';
import type { LucoClient } from './client.js';
import type { LucoSequenceDefinition } from './options.js';

/** How parkit sequences map to Luco. */
export interface LucoRecorderOptions {
  /**
   * The Luco slot sequence definition of a parkit sequence name (default `{ name: sequence }`).
   * A record maps names; a function computes them.
   */
  readonly definitions?:
    | Readonly<Record<string, LucoSequenceDefinition>>
    | ((sequence: string) => LucoSequenceDefinition);
  /** Clock for the default tag, today's UTC date (default: the system clock). */
  readonly now?: Clock;
}

/**
 * Records submissions to Luco.
 *
 * @example
 * ```ts
 * const recorder = new LucoRecorder(luco, { definitions: { 'sales-daily': { source: 'sales', cadence: 'daily' } } });
 * await downloader.download(token, { observe: { recorder, sequence: 'sales-daily' } });
 * ```
 */
export class LucoRecorder implements SubmissionRecorder {
  readonly #client: LucoClient;
  readonly #definitions: LucoRecorderOptions['definitions'];
  readonly #now: Clock;

  /**
   * @param client - the Luco client
   * @param options - sequence mapping, clock
   * @throws TypeError for a bad mapping
   */
  constructor(client: LucoClient, options: LucoRecorderOptions = {}) {
    if (typeof client?.createSubmission !== 'function') throw new TypeError('client must be a LucoClient');
    const definitions = options.definitions;
    if (definitions !== undefined && typeof definitions !== 'function' && typeof definitions !== 'object') {
      throw new TypeError('definitions must be a record or a function');
    }
    this.#client = client;
    this.#definitions = definitions;
    this.#now = options.now ?? systemClock;
  }

  #definition(sequence: string): LucoSequenceDefinition {
    const definitions = this.#definitions;
    if (definitions === undefined) return { name: sequence };
    if (typeof definitions === 'function') return definitions(sequence);
    const found = Object.hasOwn(definitions, sequence) ? definitions[sequence] : undefined;
    if (found === undefined)
      throw new TypeError(`no Luco slot sequence definition for ${JSON.stringify(sequence)}`);
    return found;
  }

  /**
   * Find or create the slot, create a submission (with the run environment, if given).
   *
   * @param start - sequence, tag (default today's UTC date), stage, run environment
   */
  async start(start: SubmissionStart): Promise<SubmissionHandle> {
    const call = start.signal === undefined ? {} : { signal: start.signal };
    const tag = start.tag ?? readClock(this.#now).toUTC().toFormat('yyyy-MM-dd');
    const slotId = await this.#client.findSlotId(tag, this.#definition(start.sequence), call);
    const ref = await this.#client.createSubmission(slotId, {
      ...call,
      ...(start.stage === undefined ? {} : { stage: start.stage }),
      ...(start.runEnvironment === undefined ? {} : { runEnvironments: [start.runEnvironment] }),
    });
    const client = this.#client;
    return {
      ref: { sequence: start.sequence, tag, id: `${ref.slotId}/${ref.submissionId}` },
      submitMetrics: (stage, metrics, options) => client.submitMetrics(ref, stage, metrics, options),
      submitQuality: (result, options) => client.submitQuality(ref, result, options),
      submitStatus: (status, options) => client.submitStatus(ref, status, options),
      submitCompletedStatus: (options) => client.submitCompletedStatus(ref, options),
    };
  }
}
