/**
 * Submissions: one record per attempt (`obs-submissions/{sequence}~{tag}~{id}`), ids sortable by
 * creation time. Every change is a read, a change and a conditional replace at the version
 * read; a replace that lost a race is redone on the new version, so concurrent updates of one
 * submission (metrics from parallel workers) all land.
 *
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { RunEnvironmentData, Slot, Submission } from '../../observe/model.js';
import { ApiError } from '../http/api-error.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';
import { iso } from './fields.js';
import { COLLECTIONS, submissionPrefix, submissionRecordId } from './keys.js';

/** Attempts of one change before answering 409 `SUBMISSION_BUSY`. */
const MAX_ATTEMPTS = 64;

const isPrecondition = (error: unknown) =>
  error instanceof StoreError && error.code === 'PRECONDITION_FAILED';

function newId(now: number): string {
  const stamp = iso(now).replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

const pause = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

/** What a new submission starts with. */
export interface NewSubmission {
  readonly stage?: string;
  readonly runEnvironments?: readonly RunEnvironmentData[];
}

/** Submissions of slots. */
export class SubmissionStore {
  readonly #records: RecordStore;

  /** @param records - the record store */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /**
   * Create a submission in a slot.
   *
   * @param slot - the slot
   * @param start - stage and run environments
   * @param now - epoch ms
   */
  async create(slot: Slot, start: NewSubmission, now: number): Promise<Submission> {
    const time = iso(now);
    for (;;) {
      const submission: Submission = {
        v: 1,
        sequence: slot.sequence,
        tag: slot.tag,
        id: newId(now),
        ...(start.stage === undefined ? {} : { stage: start.stage }),
        created: time,
        modified: time,
        runEnvironments: (start.runEnvironments ?? []).map((data) => ({
          ...(start.stage === undefined ? {} : { stage: start.stage }),
          data,
          recorded: time,
        })),
        metrics: [],
        quality: [],
        statuses: [],
      };
      try {
        await this.#records.create(COLLECTIONS.submissions, this.#id(submission), submission);
        return submission;
      } catch (error) {
        // 24 random bits in the same millisecond: draw again.
        if (!isPrecondition(error)) throw error;
      }
    }
  }

  #id(ref: { sequence: string; tag: string; id: string }): string {
    return submissionRecordId(ref.sequence, ref.tag, ref.id);
  }

  /**
   * One submission.
   *
   * @param sequence - the sequence name
   * @param tag - the slot tag
   * @param id - the submission id
   */
  async get(sequence: string, tag: string, id: string): Promise<Submission | undefined> {
    return (
      await this.#records.get<Submission>(COLLECTIONS.submissions, submissionRecordId(sequence, tag, id))
    )?.value;
  }

  /**
   * Every submission id of a slot, oldest first.
   *
   * @param sequence - the sequence name
   * @param tag - the slot tag
   */
  async ids(sequence: string, tag: string): Promise<string[]> {
    const prefix = submissionPrefix(sequence, tag);
    const found: string[] = [];
    let start: string | undefined;
    do {
      const page = await this.#records.listIds(COLLECTIONS.submissions, {
        prefix,
        ...(start === undefined ? {} : { start }),
        limit: 1000,
      });
      for (const id of page.ids) found.push(id.slice(prefix.length));
      start = page.next;
    } while (start !== undefined);
    return found;
  }

  /**
   * A page of a slot's submissions, oldest first.
   *
   * @param sequence - the sequence name
   * @param tag - the slot tag
   * @param limit - most submissions
   * @param after - only ids after this (a cursor)
   */
  async page(
    sequence: string,
    tag: string,
    limit: number,
    after: string | undefined,
  ): Promise<{ submissions: Submission[]; next?: string }> {
    const ids = (await this.ids(sequence, tag)).filter((id) => after === undefined || id > after);
    const chosen = ids.slice(0, limit);
    const read = await Promise.all(chosen.map((id) => this.get(sequence, tag, id)));
    const submissions = read.filter((item): item is Submission => item !== undefined);
    return {
      submissions,
      ...(ids.length > limit ? { next: chosen.at(-1) as string } : {}),
    };
  }

  /**
   * Change a submission, redoing the change on the latest version until it lands.
   *
   * @param sequence - the sequence name
   * @param tag - the slot tag
   * @param id - the submission id
   * @param change - the new value from the current one (throws ApiError to refuse)
   * @throws ApiError 404 `SUBMISSION_NOT_FOUND`, 409 `SUBMISSION_BUSY` / `SUBMISSION_FULL`
   */
  async update(
    sequence: string,
    tag: string,
    id: string,
    change: (current: Submission) => Submission,
  ): Promise<Submission> {
    const key = submissionRecordId(sequence, tag, id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#records.get<Submission>(COLLECTIONS.submissions, key);
      if (current === undefined) throw new ApiError(404, 'SUBMISSION_NOT_FOUND', 'no such submission');
      const next = change(current.value);
      try {
        await this.#records.replace(COLLECTIONS.submissions, key, next, current.etag);
        return next;
      } catch (error) {
        if (error instanceof RangeError) {
          throw new ApiError(409, 'SUBMISSION_FULL', 'the submission record has reached its largest size');
        }
        if (!isPrecondition(error)) throw error;
        await pause(attempt);
      }
    }
    throw new ApiError(409, 'SUBMISSION_BUSY', 'the submission is changing too often; try again');
  }
}
