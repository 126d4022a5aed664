/**
 * Checking a slot sequence definition (`PUT /admin/v1/observe/sequences/{name}`).
 *
 * @internal
 * @module
 */
import type { SequenceParameter, SequenceSchedule } from '../../observe/model.js';
import { OBSERVE_LIMITS } from '../../observe/model.js';
import { invalid, line, onlyFields, sequenceName, text } from './fields.js';
import { checkSchedule } from './schedule.js';

/** A checked definition. */
export interface CheckedDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters: readonly SequenceParameter[];
  readonly schedule?: SequenceSchedule;
}

const PARAMETER_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

function parameters(value: unknown): SequenceParameter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > OBSERVE_LIMITS.parameters) {
    throw invalid(
      'INVALID_PARAMETERS',
      `parameters must be a list of at most ${OBSERVE_LIMITS.parameters} { key, value }`,
    );
  }
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalid('INVALID_PARAMETERS', `parameters[${index}] must be an object { key, value }`);
    }
    const entry = item as Record<string, unknown>;
    onlyFields(entry, ['key', 'value'], `parameters[${index}]`);
    if (typeof entry.key !== 'string' || !PARAMETER_KEY.test(entry.key)) {
      throw invalid(
        'INVALID_PARAMETERS',
        `parameters[${index}].key must be 1-64 letters, digits, "_", "." or "-"`,
      );
    }
    if (seen.has(entry.key))
      throw invalid('INVALID_PARAMETERS', `parameters[${index}].key repeats an earlier key`);
    seen.add(entry.key);
    return {
      key: entry.key,
      value: line(entry.value, `parameters[${index}].value`, 256, 'INVALID_PARAMETERS'),
    };
  });
}

/**
 * Check a definition body against the name in the path.
 *
 * @param name - the name from the path
 * @param body - the JSON body
 * @throws ApiError 400 with the field's code
 */
export function checkDefinition(name: string, body: Record<string, unknown>): CheckedDefinition {
  onlyFields(body, ['name', 'description', 'parameters', 'schedule'], 'the sequence');
  sequenceName(name);
  if (body.name !== undefined && body.name !== name) {
    throw invalid('INVALID_SEQUENCE_NAME', 'name in the body must be the name in the path');
  }
  const description =
    body.description === undefined
      ? undefined
      : text(body.description, 'description', 2000, 'INVALID_DESCRIPTION');
  const schedule =
    body.schedule === undefined || body.schedule === null ? undefined : checkSchedule(body.schedule);
  return {
    name,
    ...(description === undefined ? {} : { description }),
    parameters: parameters(body.parameters),
    ...(schedule === undefined ? {} : { schedule }),
  };
}
