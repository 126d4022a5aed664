/**
 * The delivery-observability records as they travel over the wire (and as the parkit server
 * stores them): slot sequences, slots, submissions with their metrics, quality results, run
 * environments and status history. Plain JSON: times are ISO 8601 UTC strings with
 * milliseconds. See docs/observability.md.
 *
 * @module
 */

/** One ordered parameter of a slot sequence (LucoPy's `{key: value}` list: order matters). */
export interface SequenceParameter {
  readonly key: string;
  readonly value: string;
}

/**
 * When a sequence's deliveries are expected: every `everySeconds` from `start` (until `end`,
 * if given). Each expected delivery's slot tag is its time formatted with `tagFormat` (a luxon
 * format, in UTC).
 */
export interface SequenceSchedule {
  /** Seconds between expected deliveries (86 400 for daily). */
  readonly everySeconds: number;
  /** The first expected delivery (ISO instant). */
  readonly start: string;
  /** No deliveries expected after this (ISO instant). */
  readonly end?: string;
  /**
   * luxon format of slot tags. Default `yyyy-MM-dd` when `everySeconds` is a whole number of
   * days, else `yyyy-MM-dd'T'HH:mm:ss'Z'`.
   */
  readonly tagFormat: string;
}

/** A named, parameterised stream of expected deliveries. */
export interface SlotSequence {
  readonly v: 1;
  /** 1–64 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
  readonly name: string;
  readonly description?: string;
  /** Ordered parameters (LucoPy's slot sequence definition). */
  readonly parameters: readonly SequenceParameter[];
  /** Absent for unscheduled sequences (each slot has its own unique tag). */
  readonly schedule?: SequenceSchedule;
  readonly created: string;
  readonly modified: string;
}

/** What defines a sequence when it is created or updated. */
export interface SequenceDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: readonly SequenceParameter[];
  /** `tagFormat` may be left out (see {@link SequenceSchedule.tagFormat}). */
  readonly schedule?: Omit<SequenceSchedule, 'tagFormat'> & { readonly tagFormat?: string };
}

/** One expected delivery of a sequence. */
export interface Slot {
  readonly v: 1;
  readonly sequence: string;
  /** The date tag (scheduled sequences) or unique tag: 1–100 letters, digits, `._:+-`. */
  readonly tag: string;
  /** When the delivery is expected (ISO instant): the schedule point, or given at creation. */
  readonly expected: string;
  /** Whether the tag is a point of the sequence's schedule. */
  readonly scheduled: boolean;
  readonly created: string;
  /** Ids of its submissions, oldest first. */
  readonly submissions: readonly string[];
}

/** One metric value. Zero and negative values are values. */
export interface Metric {
  readonly stage: string;
  readonly metric: string;
  readonly value: number;
  /** When it was last set. */
  readonly recorded: string;
}

/** What a quality check decided for the pipeline. */
export type QualityAction = 'continued' | 'cancelled';

/** One quality result (LucoPy's `submit_quality`). */
export interface QualityResult {
  readonly stage: string;
  /** The tool that checked, e.g. `parkit-sha256`, `great_expectations`. */
  readonly tool: string;
  /** What it found (text; structured results as JSON text). */
  readonly results: string;
  readonly dataset?: string;
  readonly action: QualityAction;
  readonly recorded: string;
}

/** One status of a submission's history. `Completed` at stage `Submission` marks completion. */
export interface SubmissionStatus {
  readonly status: string;
  readonly stage?: string;
  readonly type?: string;
  readonly message?: string;
  readonly modifiedBy?: string;
  readonly time: string;
}

/** Flat facts about where a submission ran (host, versions, job ids). */
export type RunEnvironmentData = Readonly<Record<string, string | number | boolean | null>>;

/** One run environment entry. */
export interface RunEnvironment {
  readonly stage?: string;
  readonly data: RunEnvironmentData;
  readonly recorded: string;
}

/** One attempt to fill a slot. */
export interface Submission {
  readonly v: 1;
  readonly sequence: string;
  readonly tag: string;
  /** Sortable by creation time: `yyyyMMddTHHmmssSSSZ-` and 6 random hex digits. */
  readonly id: string;
  readonly stage?: string;
  readonly created: string;
  readonly modified: string;
  readonly runEnvironments: readonly RunEnvironment[];
  /** One entry per (stage, metric); a later value replaces an earlier one. */
  readonly metrics: readonly Metric[];
  readonly quality: readonly QualityResult[];
  /** Oldest first. */
  readonly statuses: readonly SubmissionStatus[];
  /** The latest status, if any. */
  readonly status?: string;
  /** When `Completed`/`Submission` was first recorded; a completed submission stays completed. */
  readonly completed?: string;
}

/** Where a submission is. */
export interface SubmissionRef {
  readonly sequence: string;
  readonly tag: string;
  readonly id: string;
}

/** A submission with its slot (sequence-level listings and finds). */
export interface SlotSubmission {
  readonly slot: Slot;
  readonly submission: Submission;
}

/** Which way `findClosest` looks from its target time. */
export type FindDirection = 'historic' | 'future' | 'either' | 'exact';

/** The answer of `findClosest`. */
export interface ClosestSubmission extends SlotSubmission {
  /** The time searched from (ISO instant). */
  readonly target: string;
  /** Whether the slot is expected exactly at the target. */
  readonly exact: boolean;
  /** Slot's expected time minus the target, in seconds (negative: before). */
  readonly differenceSeconds: number;
  /**
   * The slot's position counted in slots from the target: 0 at the target, −1 the nearest
   * slot before it, +1 the nearest after, and so on (slots without a matching submission count).
   */
  readonly slotsApart: number;
}

/** One expected delivery in a delivery report. */
export interface Delivery {
  readonly tag: string;
  readonly expected: string;
  /** Whether a slot record exists (a submission was made or the slot was asked for). */
  readonly slot: boolean;
  /** How many submissions the slot has. */
  readonly submissions: number;
  /** The latest completed submission's id. */
  readonly completed?: string;
  /** The latest submission's latest status. */
  readonly status?: string;
}

/** The completion mark (LucoPy's `submit_completed_status`). */
export const COMPLETED_STATUS = Object.freeze({ status: 'Completed', stage: 'Submission' });

/** Statuses, metrics and other limits the server enforces. */
export const OBSERVE_LIMITS = Object.freeze({
  /** Distinct (stage, metric) pairs per submission. */
  metrics: 1000,
  /** Metrics per request. */
  metricsPerRequest: 200,
  quality: 100,
  statuses: 200,
  runEnvironments: 20,
  runEnvironmentKeys: 64,
  parameters: 32,
  /** Largest page of a listing. */
  pageSize: 1000,
  /** Largest delivery report (schedule points). */
  deliveries: 1000,
  /** Most slots one find walks before giving up. */
  scanSlots: 10_000,
  /** Submissions per slot. */
  submissionsPerSlot: 10_000,
});
