/**
 * What an executable Par authorises beyond its signed claims, kept in its registry entry on the
 * server (never trusted from the holder): the calculation, the arguments the issuer bound, the
 * ones the holder may set, the bucket grants the job gets, and the run limit.
 *
 * @module
 */
import type { Permission } from '../../par/permissions.js';
import { ApiError } from '../http/api-error.js';
import { StoreError } from '../storage/errors.js';
import { checkPrefix, isBucketName } from '../storage/names.js';
import { type CalculationInfo, GRANT_NAME } from './calculation.js';
import { type ArgumentSchema, validate } from './schema.js';

/** One bucket grant of a job: a bucket, optionally a key prefix of it, and what it may do there. */
export interface BucketGrant {
  readonly bucket: string;
  readonly prefix?: string;
  readonly permissions: readonly Permission[];
}

/** The server-side part of an executable Par. */
export interface ExecutionGrant {
  readonly v: 1;
  /** The calculation's name. */
  readonly calculation: string;
  /** Arguments fixed by the issuer. */
  readonly bound: Readonly<Record<string, unknown>>;
  /** Arguments the holder may set. */
  readonly settable: readonly string[];
  /** Input grants by name (read, list). */
  readonly inputs: Readonly<Record<string, BucketGrant>>;
  /** Output grants by name (write; also read, list, delete when given). */
  readonly outputs: Readonly<Record<string, BucketGrant>>;
  /** Most runs (absent: no limit). */
  readonly maxRuns?: number;
}

/** Largest bound-arguments document, in bytes of JSON. */
export const MAX_ARGUMENTS_BYTES = 32 * 1024;
/** Most grants of each kind. */
export const MAX_GRANTS = 16;
/** Highest run limit. */
export const MAX_RUNS = 1_000_000;

const INPUT_PERMISSIONS: readonly Permission[] = ['read', 'list'];
const OUTPUT_PERMISSIONS: readonly Permission[] = ['read', 'write', 'list', 'delete'];
const invalid = (code: string, message: string) => new ApiError(400, code, message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function grantOf(
  value: unknown,
  where: string,
  allowed: readonly Permission[],
  fallback: Permission[],
): BucketGrant {
  if (!isRecord(value)) throw invalid('INVALID_GRANTS', `${where} must be { bucket, prefix?, permissions? }`);
  const { bucket, prefix, permissions, ...rest } = value;
  if (Object.keys(rest).length > 0) throw invalid('INVALID_GRANTS', `${where} has unknown fields`);
  if (!isBucketName(bucket)) throw invalid('INVALID_GRANTS', `${where}.bucket must name a bucket`);
  let checkedPrefix: string | undefined;
  if (prefix !== undefined && prefix !== '') {
    if (typeof prefix !== 'string') throw invalid('INVALID_GRANTS', `${where}.prefix must be a string`);
    try {
      checkedPrefix = checkPrefix(prefix);
    } catch (error) {
      if (error instanceof StoreError) throw invalid('INVALID_GRANTS', `${where}.prefix: ${error.message}`);
      throw error;
    }
  }
  const asked = permissions === undefined ? fallback : permissions;
  if (!Array.isArray(asked) || asked.length === 0 || !asked.every((p) => allowed.includes(p as Permission)))
    throw invalid('INVALID_GRANTS', `${where}.permissions must be some of ${allowed.join(', ')}`);
  return Object.freeze({
    bucket,
    ...(checkedPrefix === undefined ? {} : { prefix: checkedPrefix }),
    permissions: Object.freeze(allowed.filter((p) => (asked as Permission[]).includes(p))),
  });
}

function grantsOf(
  value: unknown,
  kind: 'inputs' | 'outputs',
  declared: readonly string[] | undefined,
): Record<string, BucketGrant> {
  const given = value ?? {};
  if (!isRecord(given)) throw invalid('INVALID_GRANTS', `${kind} must be an object of named grants`);
  const names = Object.keys(given);
  if (names.length > MAX_GRANTS) throw invalid('INVALID_GRANTS', `at most ${MAX_GRANTS} ${kind}`);
  const grants: Record<string, BucketGrant> = {};
  for (const name of names) {
    if (!GRANT_NAME.test(name))
      throw invalid('INVALID_GRANTS', `${kind}: ${JSON.stringify(name.slice(0, 64))} is not a grant name`);
    if (declared !== undefined && !declared.includes(name))
      throw invalid(
        'INVALID_GRANTS',
        `the calculation takes no ${kind === 'inputs' ? 'input' : 'output'} named ${name}`,
      );
    grants[name] =
      kind === 'inputs'
        ? grantOf(given[name], `inputs.${name}`, INPUT_PERMISSIONS, ['read', 'list'])
        : grantOf(given[name], `outputs.${name}`, OUTPUT_PERMISSIONS, ['write']);
  }
  for (const name of declared ?? []) {
    if (!(name in grants))
      throw invalid(
        'INVALID_GRANTS',
        `the calculation needs ${kind === 'inputs' ? 'an input' : 'an output'} named ${name}`,
      );
  }
  return grants;
}

function propertySchema(schema: ArgumentSchema, name: string): ArgumentSchema | undefined {
  if (schema.properties !== undefined && Object.hasOwn(schema.properties, name))
    return schema.properties[name];
  if (schema.additionalProperties === true || schema.properties === undefined) return {};
  return undefined;
}

function boundOf(value: unknown, calculation: CalculationInfo): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid('ARGUMENT_REJECTED', 'arguments must be an object of bound values');
  if (JSON.stringify(value).length > MAX_ARGUMENTS_BYTES)
    throw invalid('ARGUMENT_REJECTED', `the bound arguments exceed ${MAX_ARGUMENTS_BYTES} bytes of JSON`);
  for (const [name, item] of Object.entries(value)) {
    const schema = propertySchema(calculation.schema, name);
    if (schema === undefined)
      throw new ApiError(
        400,
        'ARGUMENT_REJECTED',
        `arguments.${name} is not an argument of this calculation`,
        {
          argument: name,
        },
      );
    const problem = validate(schema, item, `arguments.${name}`)[0];
    if (problem !== undefined)
      throw new ApiError(400, 'ARGUMENT_REJECTED', problem.message, {
        argument: problem.path.replace(/^arguments\./, ''),
      });
  }
  return structuredClone(value);
}

function settableOf(value: unknown, calculation: CalculationInfo, bound: Record<string, unknown>): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string'))
    throw invalid('ARGUMENT_REJECTED', 'settable must be an array of argument names');
  for (const name of value as string[]) {
    if (propertySchema(calculation.schema, name) === undefined)
      throw new ApiError(
        400,
        'ARGUMENT_REJECTED',
        `settable: ${name} is not an argument of this calculation`,
        {
          argument: name,
        },
      );
    if (Object.hasOwn(bound, name))
      throw new ApiError(
        400,
        'ARGUMENT_REJECTED',
        `settable: ${name} is bound; it cannot also be set by the holder`,
        {
          argument: name,
        },
      );
  }
  return [...new Set(value as string[])].sort();
}

/**
 * Check an admin request for an executable Par against the calculation it names.
 *
 * @param body - the request: `arguments`, `settable`, `inputs`, `outputs`, `maxRuns`
 * @param calculation - the calculation
 * @throws ApiError 400 (`ARGUMENT_REJECTED`, `ARGUMENTS_INCOMPLETE`, `INVALID_GRANTS`, `INVALID_REQUEST`)
 */
export function executionGrantOf(
  body: Record<string, unknown>,
  calculation: CalculationInfo,
): ExecutionGrant {
  const bound = boundOf(body.arguments, calculation);
  const settable = settableOf(body.settable, calculation, bound);
  for (const name of calculation.schema.required ?? []) {
    const property = calculation.schema.properties?.[name];
    if (!Object.hasOwn(bound, name) && !settable.includes(name) && property?.default === undefined) {
      throw new ApiError(
        400,
        'ARGUMENTS_INCOMPLETE',
        `the calculation requires ${name}: bind it (arguments) or let the holder set it (settable)`,
        { argument: name },
      );
    }
  }
  const maxRuns = body.maxRuns;
  if (
    maxRuns !== undefined &&
    (!Number.isSafeInteger(maxRuns) || (maxRuns as number) < 1 || (maxRuns as number) > MAX_RUNS)
  )
    throw invalid('INVALID_REQUEST', `maxRuns must be an integer from 1 to ${MAX_RUNS}`);
  return Object.freeze({
    v: 1,
    calculation: calculation.name,
    bound,
    settable,
    inputs: grantsOf(body.inputs, 'inputs', calculation.inputs),
    outputs: grantsOf(body.outputs, 'outputs', calculation.outputs),
    ...(maxRuns === undefined ? {} : { maxRuns: maxRuns as number }),
  });
}

/** Every bucket a grant names (to check they exist when minting). */
export function grantBuckets(grant: ExecutionGrant): string[] {
  return [...new Set([...Object.values(grant.inputs), ...Object.values(grant.outputs)].map((g) => g.bucket))];
}
