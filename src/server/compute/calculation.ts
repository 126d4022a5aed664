/**
 * What a calculation is: the contract between a functions module the operator installs and the
 * compute service. A module exports one named async function (its name is the calculation's
 * name) and may declare its argument `schema`, the bucket grants it needs (`inputs`,
 * `outputs`), `limits` and a `description`. See docs/compute.md.
 *
 * @example
 * ```ts
 * // functions/count-objects.ts
 * import type { CalculationContext } from 'parkit/server';
 * export const schema = { type: 'object', properties: { prefix: { type: 'string' } } };
 * export const inputs = ['data'];
 * export async function countObjects(args: { prefix?: string }, context: CalculationContext) {
 *   const names = await context.inputs.data!.getAllObjectNames({ prefix: args.prefix, signal: context.signal });
 *   return { count: names.length };
 * }
 * ```
 *
 * @module
 */
import type { BucketReader } from '../../access/bucket-reader.js';
import type { BucketWriter } from '../../access/bucket-writer.js';
import type { ArgumentSchema } from './schema.js';

/** A progress report from a calculation: a fraction, or steps done of a total, and a short message. */
export interface ProgressReport {
  /** 0 to 1. Derived from `done / total` when those are given. */
  readonly fraction?: number;
  /** Steps (objects, bytes, rows…) done. */
  readonly done?: number;
  /** Steps in all, when known. */
  readonly total?: number;
  /** What is happening, in a few words (at most 200 characters are kept). */
  readonly message?: string;
}

/** What a calculation receives besides its arguments. */
export interface CalculationContext {
  /** The job's id. */
  readonly jobId: string;
  /** Readers for the input grants of the executable Par, by grant name (prefix-scoped). */
  readonly inputs: Readonly<Record<string, BucketReader>>;
  /** Writers for the output grants, by grant name (prefix-scoped). */
  readonly outputs: Readonly<Record<string, BucketWriter>>;
  /**
   * Aborted when the job is stopped or runs out of time: pass it to every operation and return
   * (or throw) promptly. A job still running after the grace period is killed.
   */
  readonly signal: AbortSignal;
  /** Report progress (cheap: reports are coalesced before they leave the worker). */
  progress(report: ProgressReport): void;
  /** Add a line to the job's log (`console.log` and `console.error` are captured too). */
  log(message: string): void;
}

/** A calculation function. Its result must be JSON (at most 256 KiB); name outputs in it. */
export type CalculationFunction = (
  args: Record<string, unknown>,
  context: CalculationContext,
) => Promise<unknown>;

/** Limits a calculation may declare (capped by the server's own). */
export interface CalculationLimits {
  /** Longest run, in milliseconds (from start, not counting time queued). */
  readonly timeoutMs?: number;
  /** Largest JavaScript heap, in MiB. */
  readonly memoryMb?: number;
}

/** What the compute service knows of a registered calculation (from its module). */
export interface CalculationInfo {
  /** The exported function's name. */
  readonly name: string;
  /** The module's file name inside the functions directory. */
  readonly file: string;
  readonly description?: string;
  /** Its argument schema (default: an object with any properties). */
  readonly schema: ArgumentSchema;
  /** Input grant names it needs, when declared. */
  readonly inputs?: readonly string[];
  /** Output grant names it needs, when declared. */
  readonly outputs?: readonly string[];
  readonly limits: CalculationLimits;
}

/** Calculation names: a JavaScript identifier of 1–64 characters (letters, digits, `_`, `$`). */
export const CALCULATION_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;
/** Grant names: 1–64 letters, digits, `_` or `-`, starting with a letter. */
export const GRANT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
