/**
 * Checking a flow as the admin API receives it: its shape (400 `INVALID_FLOW`, with the field
 * at fault), then what it names (404 `CALCULATION_NOT_FOUND` / `BUCKET_NOT_FOUND`), then its
 * arguments and grants against the calculation. Nothing is stored before every check passed.
 *
 * @internal
 * @module
 */

import { Par } from '../../par/par.js';
import type { BucketRegistry } from '../admin/bucket-registry.js';
import { GRANT_NAME } from '../compute/calculation.js';
import type { RegisteredCalculation } from '../compute/discover.js';
import { type ExecutionGrant, executionGrantOf, MAX_GRANTS } from '../compute/execution-grant.js';
import type { ComputeService } from '../compute/service.js';
import { ApiError } from '../http/api-error.js';
import { checkKey, checkPrefix, isBucketName } from '../storage/names.js';
import { FLOW_NAME } from './flow-store.js';
import type { FlowInput, FlowOutput, FlowPolicy, FlowRecord, IngestionSpec, RetryPolicy } from './model.js';

/** What a valid create request becomes (before id, time and state are added). */
export type FlowDefinition = Omit<FlowRecord, 'v' | 'id' | 'created' | 'state'>;

const POLICIES: readonly FlowPolicy[] = ['none', 'ingestion', 'timer', 'any', 'all'];
const FIELDS = [
  'name',
  'calculation',
  'arguments',
  'inputs',
  'outputs',
  'policy',
  'intervalSeconds',
  'ingestion',
  'retry',
];
/** Longest interval, in seconds (a year). */
export const MAX_INTERVAL_SECONDS = 366 * 24 * 3600;
/** Most retry attempts. */
export const MAX_ATTEMPTS = 100;
/** Longest retry delay, in seconds (a day). */
export const MAX_RETRY_DELAY_SECONDS = 24 * 3600;

const bad = (field: string, message: string) =>
  new ApiError(400, 'INVALID_FLOW', `${field}: ${message}`, { field });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyFields(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw bad(field, `unknown field ${JSON.stringify(extra.slice(0, 64))}`);
}

function validKey(value: unknown, field: string, check: (text: string) => string): string {
  if (typeof value !== 'string' || value === '') throw bad(field, 'must be a non-empty string');
  try {
    return check(value);
  } catch (error) {
    throw bad(field, error instanceof Error ? error.message : 'not a valid key');
  }
}

function bucketOf(value: unknown, field: string): string {
  if (!isBucketName(value)) throw bad(field, 'must name a bucket');
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max)
    throw bad(field, `must be an integer from ${min} to ${max}`);
  return value as number;
}

function named<T>(
  value: unknown,
  field: string,
  each: (item: unknown, where: string) => T,
): Record<string, T> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw bad(field, 'must be an object of named entries');
  const names = Object.keys(value);
  if (names.length > MAX_GRANTS) throw bad(field, `at most ${MAX_GRANTS} entries`);
  const result: Record<string, T> = {};
  for (const name of names) {
    if (!GRANT_NAME.test(name)) throw bad(field, `${JSON.stringify(name.slice(0, 64))} is not a valid name`);
    result[name] = each(value[name], `${field}.${name}`);
  }
  return result;
}

function inputOf(value: unknown, field: string): FlowInput {
  if (!isRecord(value)) throw bad(field, 'must be { bucket, key } or { bucket, prefix }');
  onlyFields(value, ['bucket', 'key', 'prefix', 'version'], field);
  const bucket = bucketOf(value.bucket, `${field}.bucket`);
  if ((value.key === undefined) === (value.prefix === undefined))
    throw bad(field, 'must have exactly one of key and prefix');
  const version =
    value.version === undefined ? {} : { version: integer(value.version, `${field}.version`, 1, 1e9) };
  if (value.key !== undefined)
    return { bucket, key: validKey(value.key, `${field}.key`, checkKey), ...version };
  if (typeof value.prefix !== 'string') throw bad(`${field}.prefix`, 'must be a string');
  const prefix = value.prefix === '' ? '' : validKey(value.prefix, `${field}.prefix`, checkPrefix);
  return { bucket, prefix, ...version };
}

function outputOf(value: unknown, field: string): FlowOutput {
  if (!isRecord(value)) throw bad(field, 'must be { bucket, prefix? }');
  onlyFields(value, ['bucket', 'prefix'], field);
  const bucket = bucketOf(value.bucket, `${field}.bucket`);
  if (value.prefix === undefined || value.prefix === '') return { bucket };
  return { bucket, prefix: validKey(value.prefix, `${field}.prefix`, checkPrefix) };
}

function ingestionOf(value: unknown): IngestionSpec {
  if (!isRecord(value)) throw bad('ingestion', 'must be { url | par, bucket, key }');
  onlyFields(value, ['url', 'par', 'bucket', 'key'], 'ingestion');
  if ((value.url === undefined) === (value.par === undefined))
    throw bad('ingestion', 'must have exactly one of url and par');
  const target = {
    bucket: bucketOf(value.bucket, 'ingestion.bucket'),
    key: validKey(value.key, 'ingestion.key', checkKey),
  };
  if (value.url !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof value.url === 'string' && value.url.length <= 4096 ? new URL(value.url) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw bad('ingestion.url', 'must be an http or https URL');
    return { url: url.href, ...target };
  }
  if (typeof value.par !== 'string' || value.par.length === 0 || value.par.length > 64 * 1024)
    throw bad('ingestion.par', 'must be a Par token');
  let par: Par;
  try {
    par = Par.fromToken(value.par);
  } catch {
    throw bad('ingestion.par', 'is not a valid Par token');
  }
  if (!par.isObject() || !par.allows('read'))
    throw bad('ingestion.par', 'must be a Par that reads one object');
  return { par: value.par, ...target };
}

function retryOf(value: unknown): RetryPolicy {
  if (value === undefined) return { maxAttempts: 3, delaySeconds: 30 };
  if (!isRecord(value)) throw bad('retry', 'must be { maxAttempts?, delaySeconds? }');
  onlyFields(value, ['maxAttempts', 'delaySeconds'], 'retry');
  return {
    maxAttempts:
      value.maxAttempts === undefined ? 3 : integer(value.maxAttempts, 'retry.maxAttempts', 1, MAX_ATTEMPTS),
    delaySeconds:
      value.delaySeconds === undefined
        ? 30
        : integer(value.delaySeconds, 'retry.delaySeconds', 0, MAX_RETRY_DELAY_SECONDS),
  };
}

/**
 * Check the shape of a create request.
 *
 * @param body - the parsed JSON body
 * @throws ApiError 400 `INVALID_FLOW`
 */
export function flowDefinitionOf(body: Record<string, unknown>): FlowDefinition {
  onlyFields(body, FIELDS, 'flow');
  if (typeof body.name !== 'string' || !FLOW_NAME.test(body.name))
    throw bad('name', 'must be 1-59 lowercase letters, digits or "-"');
  const policy = body.policy ?? 'none';
  if (!POLICIES.includes(policy as FlowPolicy)) throw bad('policy', `must be one of ${POLICIES.join(', ')}`);
  const inputs = named(body.inputs, 'inputs', inputOf);
  const outputs = named(body.outputs, 'outputs', outputOf);
  const definition: Record<string, unknown> = {
    name: body.name,
    policy,
    inputs,
    outputs,
    retry: retryOf(body.retry),
  };
  if (policy === 'ingestion') {
    if (body.calculation !== undefined) throw bad('calculation', 'an ingestion flow has no calculation');
    if (body.arguments !== undefined) throw bad('arguments', 'an ingestion flow has no arguments');
    if (Object.keys(inputs).length + Object.keys(outputs).length > 0)
      throw bad('inputs', 'an ingestion flow has no inputs or outputs (its dataset is ingestion.bucket/key)');
    definition.ingestion = ingestionOf(body.ingestion);
  } else {
    if (body.ingestion !== undefined)
      throw bad('ingestion', 'only an ingestion flow has an ingestion source');
    if (typeof body.calculation !== 'string' || body.calculation === '')
      throw bad('calculation', 'must name a calculation');
    definition.calculation = body.calculation;
    if (body.arguments !== undefined) {
      if (!isRecord(body.arguments)) throw bad('arguments', 'must be an object');
      definition.arguments = body.arguments;
    }
  }
  if (policy === 'timer' && body.intervalSeconds === undefined)
    throw bad('intervalSeconds', 'a timer flow needs an interval');
  if (body.intervalSeconds !== undefined) {
    if (policy !== 'timer' && policy !== 'ingestion')
      throw bad('intervalSeconds', 'only timer and ingestion flows have an interval');
    definition.intervalSeconds = integer(body.intervalSeconds, 'intervalSeconds', 1, MAX_INTERVAL_SECONDS);
  }
  if ((policy === 'any' || policy === 'all') && Object.keys(inputs).length === 0)
    throw bad('inputs', `an ${policy} flow needs at least one input`);
  return definition as unknown as FlowDefinition;
}

/**
 * The execution grant a flow's runs get: its inputs read-only, its outputs read-write.
 *
 * @param flow - a flow with a calculation
 */
export function flowGrant(flow: FlowDefinition, calculation: RegisteredCalculation): ExecutionGrant {
  const inputs = Object.fromEntries(
    Object.entries(flow.inputs).map(([name, input]) => [
      name,
      { bucket: input.bucket, prefix: input.key ?? input.prefix ?? '', permissions: ['read', 'list'] },
    ]),
  );
  const outputs = Object.fromEntries(
    Object.entries(flow.outputs).map(([name, output]) => [
      name,
      {
        bucket: output.bucket,
        prefix: output.prefix ?? '',
        permissions: ['read', 'write', 'list', 'delete'],
      },
    ]),
  );
  try {
    return executionGrantOf({ arguments: flow.arguments ?? {}, inputs, outputs }, calculation);
  } catch (error) {
    if (error instanceof ApiError && error.status === 400)
      throw new ApiError(400, 'INVALID_FLOW', error.message, {
        field: error.details?.argument === undefined ? 'flow' : `arguments.${error.details.argument}`,
      });
    throw error;
  }
}

/**
 * Check what a flow names: its calculation (and its arguments and grants against it) and
 * every bucket.
 *
 * @param flow - a flow of valid shape
 * @param compute - the compute service, if the server has one
 * @param buckets - the bucket registry
 * @throws ApiError 404 `CALCULATION_NOT_FOUND` / `BUCKET_NOT_FOUND`, 400 `INVALID_FLOW`
 */
export async function checkReferences(
  flow: FlowDefinition,
  compute: ComputeService | undefined,
  buckets: BucketRegistry,
): Promise<void> {
  const named = [
    ...Object.values(flow.inputs).map((input) => input.bucket),
    ...Object.values(flow.outputs).map((output) => output.bucket),
    ...(flow.ingestion === undefined ? [] : [flow.ingestion.bucket]),
  ];
  for (const bucket of new Set(named))
    if (!(await buckets.exists(bucket)))
      throw new ApiError(404, 'BUCKET_NOT_FOUND', `no bucket named ${bucket}`);
  if (flow.calculation === undefined) return;
  if (compute === undefined)
    throw new ApiError(
      404,
      'CALCULATION_NOT_FOUND',
      'this server runs no calculations (start it with functions)',
    );
  flowGrant(flow, compute.calculation(flow.calculation));
}
