/**
 * Submissions: one record per attempt (`obs-submissions/{sequence}~{tag}~{id}`), ids sortable by
 * creation time and listed by their slot (the id is added to the slot before the submission is
 * written). Every change goes through {@link changeRecord}: concurrent updates of one submission
 * (metrics from parallel workers) all land.
 *
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { RunEnvironmentData, Slot, Submission } from '../../observe/model.js';
import { ApiError } from '../http/api-error.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';
import { changeRecord } from './conditional.js';
import { iso } from './fields.js';
import { COLLECTIONS, submissionRecordId } from './keys.js';
import type { SlotStore } from './slots.js';

const isPrecondition = (error: unknown) =>
  error instanceof StoreError && error.code === 'PRECONDITION_FAILED';

function newId(now: number): string {
  const stamp = iso(now).replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

const REFUSALS = {
  missing: () => new ApiError(404, 'SUBMISSION_NOT_FOUND', 'no such submission'),
  busy: () => new ApiError(409, 'SUBMISSION_BUSY', 'the submission is changing too often; try again'),
  full: () => new ApiError(409, 'SUBMISSION_FULL', 'the submission record has reached its largest size'),
};

/** What a new submission starts with. */
export interface NewSubmission {
  readonly stage?: string;
  readonly runEnvironments?: readonly RunEnvironmentData[];
}

/** Submissions of slots. */
export class SubmissionStore {
  readonly #records: RecordStore;
  readonly #slots: SlotStore;

  /**
   * @param records - the record store
   * @param slots - the slots (which list their submissions)
   */
  constructor(records: RecordStore, slots: SlotStore) {
    this.#records = records;
    this.#slots = slots;
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
      const id = newId(now);
      // 24 random bits in the same millisecond: on a clash, draw again.
      if (!(await this.#slots.addSubmission(slot.sequence, slot.tag, id))) continue;
      const submission: Submission = {
        v: 1,
        sequence: slot.sequence,
        tag: slot.tag,
        id,
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
   * Every submission id of a slot, oldest first (as its slot lists them).
   *
   * @param sequence - the sequence name
   * @param tag - the slot tag
   */
  async ids(sequence: string, tag: string): Promise<string[]> {
    return [...((await this.#slots.get(sequence, tag))?.submissions ?? [])];
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
  update(
    sequence: string,
    tag: string,
    id: string,
    change: (current: Submission) => Submission,
  ): Promise<Submission> {
    return changeRecord(
      this.#records,
      COLLECTIONS.submissions,
      submissionRecordId(sequence, tag, id),
      change,
      REFUSALS,
    );
  }
}
