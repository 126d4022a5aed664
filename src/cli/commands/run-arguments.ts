/**
 * `--arg NAME=VALUE` and `--arg NAME:=JSON` for `parkit run` and `parkit share-calc`: values are
 * read as the calculation's schema says (numbers, booleans, arrays and objects from their text),
 * strings otherwise; `:=` takes the value as JSON whatever the schema.
 *
 * @module
 */

/** The part of an argument schema this needs. */
interface PropertySchema {
  readonly type?: unknown;
  readonly enum?: readonly unknown[];
}

function typesOf(schema: PropertySchema | undefined): string[] {
  if (schema === undefined) return [];
  if (Array.isArray(schema.type)) return schema.type.map(String);
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((value) => typeof value))];
  return [];
}

function json(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TypeError(`--arg ${name}: the value is not valid JSON`);
  }
}

function coerce(name: string, text: string, schema: PropertySchema | undefined): unknown {
  const types = typesOf(schema);
  if (types.includes('string') || types.length === 0) return text;
  if (types.includes('integer') || types.includes('number')) {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new TypeError(`--arg ${name} must be a number`);
    return value;
  }
  if (types.includes('boolean')) {
    if (text !== 'true' && text !== 'false') throw new TypeError(`--arg ${name} must be true or false`);
    return text === 'true';
  }
  return json(text, name);
}

/**
 * Turn `--arg` values into an arguments object.
 *
 * @param values - each `NAME=VALUE` or `NAME:=JSON`
 * @param properties - the calculation's argument schemas by name, if known
 * @throws TypeError for a malformed `--arg` or a value its schema cannot take
 */
export function parseArgs(
  values: readonly string[],
  properties: Readonly<Record<string, PropertySchema>> = {},
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const value of values) {
    const match = /^([A-Za-z_$][\w$.-]*)(:?=)([\s\S]*)$/.exec(value);
    if (match === null) throw new TypeError('--arg takes NAME=VALUE (or NAME:=JSON)');
    const [, name = '', operator, text = ''] = match;
    if (name === '__proto__' || name === 'constructor' || name === 'prototype')
      throw new TypeError(`--arg ${name} is not an allowed name`);
    if (Object.hasOwn(args, name)) throw new TypeError(`--arg ${name} is given twice`);
    args[name] = operator === ':=' ? json(text, name) : coerce(name, text, properties[name]);
  }
  return args;
}

/**
 * Collect a repeatable option's values.
 *
 * @param value - this value
 * @param previous - the ones before
 */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
