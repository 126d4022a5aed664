/**
 * The argument schemas calculations declare: a small subset of JSON Schema (2020-12 keywords,
 * same meaning), checked here without a dependency. A schema using a keyword outside the subset
 * is refused when the calculation is loaded, so an operator never believes a rule is enforced
 * when it is not.
 *
 * Keywords: `type` (one name or a list: `string`, `number`, `integer`, `boolean`, `null`,
 * `array`, `object`), `enum`, `const`, `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `minLength`, `maxLength`, `pattern`, `items`, `minItems`, `maxItems`,
 * `properties`, `required`, `additionalProperties` (boolean), `default`, and the annotations
 * `title`, `description`, `examples`.
 *
 * @module
 */

/** One argument schema (the subset described in docs/compute.md). */
export interface ArgumentSchema {
  readonly type?: SchemaType | readonly SchemaType[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly items?: ArgumentSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly properties?: Readonly<Record<string, ArgumentSchema>>;
  readonly required?: readonly string[];
  /** Whether properties not listed are allowed (default: false when `properties` is given). */
  readonly additionalProperties?: boolean;
  readonly default?: unknown;
  readonly title?: string;
  readonly description?: string;
  readonly examples?: readonly unknown[];
}

/** The JSON types a schema names. */
export type SchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/** One way a value breaks its schema: where (a dotted path) and what. */
export interface SchemaViolation {
  readonly path: string;
  readonly message: string;
}

const TYPES = new Set<string>(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems'] as const;
const KEYWORDS = new Set<string>([
  'type',
  'enum',
  'const',
  ...NUMBERS,
  ...COUNTS,
  'pattern',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'default',
  'title',
  'description',
  'examples',
  '$schema',
]);
const MAX_DEPTH = 16;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check that a declared schema uses only the supported subset, correctly.
 *
 * @param schema - what the calculation declared
 * @param where - its path, for messages
 * @returns the schema, typed
 * @throws TypeError naming the first problem
 */
export function checkSchema(schema: unknown, where = 'schema', depth = 0): ArgumentSchema {
  if (depth > MAX_DEPTH) throw new TypeError(`${where}: nested too deeply`);
  if (!isPlainObject(schema)) throw new TypeError(`${where} must be an object`);
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword))
      throw new TypeError(`${where}: the keyword ${JSON.stringify(keyword)} is not supported`);
  }
  const { type } = schema;
  if (type !== undefined) {
    const names = Array.isArray(type) ? type : [type];
    if (names.length === 0 || !names.every((name) => typeof name === 'string' && TYPES.has(name)))
      throw new TypeError(`${where}.type must name JSON types (${[...TYPES].join(', ')})`);
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0))
    throw new TypeError(`${where}.enum must be a non-empty array`);
  for (const keyword of NUMBERS) {
    const value = schema[keyword];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
      throw new TypeError(`${where}.${keyword} must be a number`);
  }
  for (const keyword of COUNTS) {
    const value = schema[keyword];
    if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < 0))
      throw new TypeError(`${where}.${keyword} must be a non-negative integer`);
  }
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') throw new TypeError(`${where}.pattern must be a string`);
    try {
      new RegExp(schema.pattern, 'u');
    } catch {
      throw new TypeError(`${where}.pattern is not a valid regular expression`);
    }
  }
  if (schema.items !== undefined) checkSchema(schema.items, `${where}.items`, depth + 1);
  if (schema.properties !== undefined) {
    if (!isPlainObject(schema.properties)) throw new TypeError(`${where}.properties must be an object`);
    for (const [name, property] of Object.entries(schema.properties)) {
      checkSchema(property, `${where}.properties.${name}`, depth + 1);
    }
  }
  if (
    schema.required !== undefined &&
    (!Array.isArray(schema.required) || !schema.required.every((name) => typeof name === 'string'))
  ) {
    throw new TypeError(`${where}.required must be an array of property names`);
  }
  if (schema.additionalProperties !== undefined && typeof schema.additionalProperties !== 'boolean')
    throw new TypeError(
      `${where}.additionalProperties must be true or false (schemas there are not supported)`,
    );
  for (const keyword of ['title', 'description'] as const) {
    if (schema[keyword] !== undefined && typeof schema[keyword] !== 'string')
      throw new TypeError(`${where}.${keyword} must be a string`);
  }
  if (schema.default !== undefined) {
    const problems = validate(schema as ArgumentSchema, schema.default, `${where}.default`);
    if (problems.length > 0) throw new TypeError(`${where}.default breaks its own schema`);
  }
  return schema as ArgumentSchema;
}

function typeOf(value: unknown): SchemaType | 'undefined' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isFinite(value) ? (Number.isInteger(value) ? 'integer' : 'number') : 'other';
    case 'object':
      return 'object';
    case 'undefined':
      return 'undefined';
    default:
      return 'other';
  }
}

function matchesType(actual: string, wanted: SchemaType): boolean {
  return actual === wanted || (wanted === 'number' && actual === 'integer');
}

/**
 * Deep equality of JSON values (for `enum` and `const`).
 *
 * @param a - one value
 * @param b - the other
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/**
 * Every way a value breaks a schema (empty when it conforms). Messages quote the schema's rule,
 * never more than 40 characters of the value.
 *
 * @param schema - a schema that passed {@link checkSchema}
 * @param value - the value
 * @param path - where the value sits, for messages
 */
export function validate(schema: ArgumentSchema, value: unknown, path = 'arguments'): SchemaViolation[] {
  const problems: SchemaViolation[] = [];
  const fail = (message: string) => problems.push({ path, message: `${path} ${message}` });
  const actual = typeOf(value);
  if (actual === 'other' || actual === 'undefined') {
    fail('is not a JSON value');
    return problems;
  }
  if (schema.type !== undefined) {
    const wanted = (Array.isArray(schema.type) ? schema.type : [schema.type]) as readonly SchemaType[];
    if (!wanted.some((type) => matchesType(actual, type))) {
      fail(`must be ${wanted.join(' or ')}`);
      return problems;
    }
  }
  if (schema.const !== undefined && !jsonEqual(schema.const, value))
    fail(`must be ${describeValue(schema.const)}`);
  if (schema.enum !== undefined && !schema.enum.some((option) => jsonEqual(option, value)))
    fail(`must be one of ${schema.enum.map(describeValue).join(', ')}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`must be at most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      fail(`must be greater than ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      fail(`must be less than ${schema.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength)
      fail(`must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && length > schema.maxLength)
      fail(`must be at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      fail(`must match ${JSON.stringify(schema.pattern)}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      fail(`must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      fail(`must have at most ${schema.maxItems} items`);
    if (schema.items !== undefined) {
      const items = schema.items;
      value.forEach((item, index) => {
        problems.push(...validate(items, item, `${path}[${index}]`));
      });
    }
  }
  if (isPlainObject(value)) problems.push(...validateObject(schema, value, path));
  return problems;
}

function validateObject(
  schema: ArgumentSchema,
  value: Record<string, unknown>,
  path: string,
): SchemaViolation[] {
  const problems: SchemaViolation[] = [];
  const properties = schema.properties ?? {};
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name))
      problems.push({ path: `${path}.${name}`, message: `${path}.${name} is required` });
  }
  for (const [name, item] of Object.entries(value)) {
    const property = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (property !== undefined) problems.push(...validate(property, item, `${path}.${name}`));
    else if (
      schema.additionalProperties === false ||
      (schema.additionalProperties === undefined && schema.properties !== undefined)
    )
      problems.push({
        path: `${path}.${name}`,
        message: `${path}.${name} is not an argument of this calculation`,
      });
  }
  return problems;
}

/**
 * The value with the schema's `default`s filled in for absent properties (top level and nested
 * objects). The input is not changed.
 *
 * @param schema - the schema
 * @param value - a JSON object
 */
export function withDefaults(
  schema: ArgumentSchema,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...value };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const present = filled[name];
    if (present === undefined && property.default !== undefined)
      filled[name] = structuredClone(property.default);
    else if (isPlainObject(present) && property.properties !== undefined)
      filled[name] = withDefaults(property, present);
  }
  return filled;
}
