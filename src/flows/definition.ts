/**
 * Checking a {@link FlowDefinition} before it is sent (TypeError / RangeError naming the field,
 * never echoing an ingestion URL or token), and the JSON body of `POST /admin/v1/flows`.
 *
 * @internal
 * @module
 */
import { Par } from '../par/par.js';
import { TOKEN_PREFIX } from '../par/token.js';
import type { DataRef, FlowDefinition, FlowInput, FlowOutput, FlowPolicy } from './model.js';

/** Flow names: 1–59 lower-case letters, digits or `-` (`flow-<name>` names its Luco sequence). */
export const FLOW_NAME = /^[a-z0-9-]{1,59}$/;

const POLICIES: readonly FlowPolicy[] = ['none', 'ingestion', 'timer', 'any', 'all'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${field} must be a non-empty string`);
  return value;
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string`);
  return value;
}

/**
 * A positive whole number.
 *
 * @param value - the candidate
 * @param field - its name, for the message
 * @throws TypeError / RangeError naming the field
 */
export function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new TypeError(`${field} must be a number`);
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${field} must be a positive integer`);
  return value;
}

function seconds(value: unknown, field: string, least: number): number {
  if (typeof value !== 'number') throw new TypeError(`${field} must be a number of seconds`);
  if (!Number.isFinite(value) || value < least)
    throw new RangeError(`${field} must be a finite number of seconds${least > 0 ? ' above 0' : ''}`);
  return value;
}

/**
 * Tracked data as `{ bucket, key }` or `{ bucket, prefix }` (not both).
 *
 * @param value - the candidate
 * @param field - its name, for the message
 * @throws TypeError naming the field
 */
export function dataRef(value: unknown, field: string): DataRef {
  if (!isObject(value)) throw new TypeError(`${field} must be { bucket, key } or { bucket, prefix }`);
  const bucket = nonEmpty(value.bucket, `${field}.bucket`);
  if (value.key !== undefined && value.prefix !== undefined)
    throw new TypeError(`${field} must have a key or a prefix, not both`);
  if (value.key !== undefined) return { bucket, key: nonEmpty(value.key, `${field}.key`) };
  return { bucket, prefix: optionalText(value.prefix, `${field}.prefix`) ?? '' };
}

/**
 * The id of tracked data: `bucket/key`, or `bucket/prefix*`.
 *
 * @param data - an id already, or the data
 * @param field - its name, for the message
 * @throws TypeError for anything else
 */
export function dataIdOf(data: string | DataRef, field: string): string {
  if (typeof data === 'string') return nonEmpty(data, field);
  const ref = dataRef(data, field);
  return 'key' in ref ? `${ref.bucket}/${ref.key}` : `${ref.bucket}/${ref.prefix}*`;
}

function names<T>(value: unknown, field: string, item: (entry: unknown, field: string) => T): Json {
  if (value === undefined) return {};
  if (!isObject(value)) throw new TypeError(`${field} must be an object of named entries`);
  const out: Json = {};
  for (const [name, entry] of Object.entries(value)) {
    if (name === '' || name === '__proto__' || name === 'constructor')
      throw new RangeError(`${field} has a name that is not allowed`);
    out[name] = item(entry, `${field}.${name}`);
  }
  return out;
}

function input(value: unknown, field: string): FlowInput {
  const ref = dataRef(value, field);
  const version = (value as Json).version;
  return version === undefined ? ref : { ...ref, version: positiveInteger(version, `${field}.version`) };
}

function output(value: unknown, field: string): FlowOutput {
  if (!isObject(value)) throw new TypeError(`${field} must be { bucket, prefix? }`);
  const prefix = optionalText(value.prefix, `${field}.prefix`);
  return { bucket: nonEmpty(value.bucket, `${field}.bucket`), ...(prefix === undefined ? {} : { prefix }) };
}

function ingestion(value: unknown): Json {
  if (!isObject(value)) throw new TypeError('ingestion must be { url | par, bucket, key }');
  if ((value.url === undefined) === (value.par === undefined))
    throw new TypeError('ingestion must have a url or a par, not both');
  const body: Json = {
    bucket: nonEmpty(value.bucket, 'ingestion.bucket'),
    key: nonEmpty(value.key, 'ingestion.key'),
  };
  if (value.url !== undefined) {
    const text = nonEmpty(value.url, 'ingestion.url');
    const url = URL.canParse(text) ? new URL(text) : undefined;
    // The URL is never quoted: a signed one is a secret.
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      throw new TypeError('ingestion.url must be an absolute http(s) URL');
    body.url = url.href;
  } else if (value.par instanceof Par) body.par = value.par.toToken();
  else {
    const token = nonEmpty(value.par, 'ingestion.par').replace(/\s+/g, '');
    if (!token.toLowerCase().startsWith(TOKEN_PREFIX))
      throw new TypeError(`ingestion.par must be a Par or its token (${TOKEN_PREFIX}…)`);
    body.par = token;
  }
  return body;
}

function retry(value: unknown): Json {
  if (!isObject(value)) throw new TypeError('retry must be { maxAttempts?, delaySeconds? }');
  return {
    ...(value.maxAttempts === undefined
      ? {}
      : { maxAttempts: positiveInteger(value.maxAttempts, 'retry.maxAttempts') }),
    ...(value.delaySeconds === undefined
      ? {}
      : { delaySeconds: seconds(value.delaySeconds, 'retry.delaySeconds', 0) }),
  };
}

/**
 * Check a flow definition and build its request body.
 *
 * @param definition - what to register
 * @throws TypeError / RangeError naming the field that is wrong
 */
export function flowBody(definition: FlowDefinition): Json {
  if (!isObject(definition)) throw new TypeError('definition must be an object');
  const { name, calculation, policy } = definition;
  if (typeof name !== 'string') throw new TypeError('name must be a string');
  if (!FLOW_NAME.test(name)) throw new RangeError('name must be 1–59 lower-case letters, digits or -');
  if (policy !== undefined && !POLICIES.includes(policy))
    throw new RangeError(`policy must be one of ${POLICIES.join(', ')}`);
  const body: Json = { name, ...(policy === undefined ? {} : { policy }) };
  if (policy === 'ingestion') {
    if (calculation !== undefined) throw new TypeError('an ingestion flow has no calculation');
    if (definition.ingestion === undefined) throw new TypeError('an ingestion flow needs ingestion');
    body.ingestion = ingestion(definition.ingestion);
  } else {
    body.calculation = nonEmpty(calculation, 'calculation');
    if (definition.ingestion !== undefined) throw new TypeError('only an ingestion flow has ingestion');
  }
  if (definition.arguments !== undefined) {
    if (!isObject(definition.arguments)) throw new TypeError('arguments must be an object');
    body.arguments = definition.arguments;
  }
  body.inputs = names(definition.inputs, 'inputs', input);
  body.outputs = names(definition.outputs, 'outputs', output);
  if (definition.intervalSeconds !== undefined) {
    if (policy !== 'timer' && policy !== 'ingestion')
      throw new TypeError('intervalSeconds is for timer and ingestion flows');
    body.intervalSeconds = seconds(definition.intervalSeconds, 'intervalSeconds', Number.MIN_VALUE);
  } else if (policy === 'timer') throw new TypeError('a timer flow needs intervalSeconds');
  if (definition.retry !== undefined) body.retry = retry(definition.retry);
  return body;
}
