/**
 * The flow definition `parkit flows create` sends: a JSON file (`--file`, the API's
 * {@link FlowDefinition}) and/or flags, the flags winning (inputs, outputs and arguments merged
 * by name). Checking the whole is left to `ParkitFlows.createFlow`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type {
  FlowDefinition,
  FlowInput,
  FlowOutput,
  FlowPolicy,
  IngestionDefinition,
} from '../../flows/model.js';
import { readTokenArgument } from '../io.js';
import { parseSeconds } from './observe.js';

/** The flags of `flows create` that shape the definition. */
export interface DefinitionFlags {
  file?: string;
  calculation?: string;
  /** Already parsed `--arg`s (they need the calculation's schema). */
  arguments?: Record<string, unknown>;
  input: string[];
  output: string[];
  policy?: string;
  every?: string;
  retries?: string;
  retryDelay?: string;
  ingestUrl?: string;
  ingestPar?: string;
  ingestTo?: string;
}

/**
 * Parse `--input NAME=BUCKET/KEY[@VERSION]` or `NAME=BUCKET/PREFIX*[@VERSION]` (a data id, as
 * `parkit data ls` prints it, optionally pinned to a version; `NAME=BUCKET` is the whole bucket).
 *
 * @param text - what the user typed
 * @throws TypeError when malformed
 */
export function parseInput(text: string): [string, FlowInput] {
  const match = /^([A-Za-z][\w-]{0,63})=([^/@]+)(?:\/(.*?))?(?:@(\d+))?$/.exec(text);
  if (match === null)
    throw new TypeError('--input takes NAME=BUCKET/KEY or NAME=BUCKET/PREFIX* (then @VERSION)');
  const [, name = '', bucket = '', rest = '', pinned] = match;
  const version = pinned === undefined ? {} : { version: Number(pinned) };
  if (rest === '' || rest.endsWith('*'))
    return [name, { bucket, prefix: rest.replace(/\*$/, ''), ...version }];
  return [name, { bucket, key: rest, ...version }];
}

/**
 * Parse `--output NAME=BUCKET[/PREFIX]`.
 *
 * @param text - what the user typed
 * @throws TypeError when malformed
 */
export function parseOutput(text: string): [string, FlowOutput] {
  const match = /^([A-Za-z][\w-]{0,63})=([^/]+)(?:\/(.*))?$/.exec(text);
  if (match === null) throw new TypeError('--output takes NAME=BUCKET[/PREFIX]');
  const [, name = '', bucket = '', prefix = ''] = match;
  return [name, { bucket, ...(prefix === '' ? {} : { prefix }) }];
}

/**
 * A flag's positive whole number.
 *
 * @param text - what the user typed
 * @param option - the flag, for the message
 * @throws RangeError for anything else
 */
export function positiveFlag(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new RangeError(`${option} must be a positive integer`);
  return Number(text);
}

async function fromFile(path: string): Promise<Partial<FlowDefinition>> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch {
    throw new TypeError(`cannot read the flow file (${path})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    // No cause: a JSON.parse message quotes the text, which may hold an ingestion URL.
    throw new TypeError('the flow file is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new TypeError('the flow file must hold one JSON object (a flow definition)');
  return parsed as Partial<FlowDefinition>;
}

async function readUrl(text: string): Promise<string> {
  if (!text.startsWith('@')) return text;
  try {
    return (await readFile(text.slice(1), 'utf8')).trim();
  } catch {
    throw new TypeError('cannot read the --ingest-url file');
  }
}

/** The ingestion of the file, with the flags' source (`--ingest-url`/`--ingest-par`) and target. */
async function ingestion(
  flags: DefinitionFlags,
  base: Partial<IngestionDefinition> | undefined,
): Promise<Partial<IngestionDefinition> | undefined> {
  if (flags.ingestUrl === undefined && flags.ingestPar === undefined && flags.ingestTo === undefined)
    return base;
  if (flags.ingestUrl !== undefined && flags.ingestPar !== undefined)
    throw new TypeError('give --ingest-url or --ingest-par, not both');
  let found: Record<string, unknown> = { ...base };
  if (flags.ingestUrl !== undefined)
    found = { bucket: found.bucket, key: found.key, url: await readUrl(flags.ingestUrl) };
  if (flags.ingestPar !== undefined)
    found = { bucket: found.bucket, key: found.key, par: await readTokenArgument(flags.ingestPar) };
  if (flags.ingestTo !== undefined) {
    const match = /^([^/]+)\/(.+)$/.exec(flags.ingestTo);
    if (match === null) throw new TypeError('--ingest-to takes BUCKET/KEY');
    found = { ...found, bucket: match[1] as string, key: match[2] as string };
  }
  return Object.fromEntries(Object.entries(found).filter(([, value]) => value !== undefined));
}

/**
 * The definition the file and flags make.
 *
 * @param name - the name argument, if given (else the file's)
 * @param flags - the command's flags
 * @throws TypeError / RangeError for a malformed flag or file
 */
export async function flowDefinition(
  name: string | undefined,
  flags: DefinitionFlags,
): Promise<FlowDefinition> {
  const base = flags.file === undefined ? {} : await fromFile(flags.file);
  const retry = {
    ...base.retry,
    ...(flags.retries === undefined ? {} : { maxAttempts: positiveFlag(flags.retries, '--retries') }),
    ...(flags.retryDelay === undefined
      ? {}
      : { delaySeconds: parseSeconds(flags.retryDelay, '--retry-delay') }),
  };
  const found = await ingestion(flags, base.ingestion as Partial<IngestionDefinition> | undefined);
  const definition = {
    ...base,
    name: name ?? base.name,
    ...(flags.policy === undefined ? {} : { policy: flags.policy as FlowPolicy }),
    ...(flags.calculation === undefined ? {} : { calculation: flags.calculation }),
    ...(flags.arguments === undefined ? {} : { arguments: { ...base.arguments, ...flags.arguments } }),
    ...(flags.input.length === 0
      ? {}
      : { inputs: { ...base.inputs, ...Object.fromEntries(flags.input.map(parseInput)) } }),
    ...(flags.output.length === 0
      ? {}
      : { outputs: { ...base.outputs, ...Object.fromEntries(flags.output.map(parseOutput)) } }),
    ...(flags.every === undefined ? {} : { intervalSeconds: parseSeconds(flags.every, '--every') }),
    ...(Object.keys(retry).length === 0 ? {} : { retry }),
    ...(found === undefined ? {} : { ingestion: found }),
  };
  if (definition.name === undefined)
    throw new TypeError('give the flow a name (the argument, or "name" in --file)');
  return definition as FlowDefinition;
}
