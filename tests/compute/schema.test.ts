/**
 * The argument-schema subset: declared schemas using anything outside it are refused (so no
 * rule is silently ignored), values are checked keyword by keyword, defaults are filled in.
 */
import { describe, expect, it } from 'vitest';
import { checkSchema, validate, withDefaults } from '../../src/server/compute/schema.js';

describe('argument schemas', () => {
  it('refuse keywords they do not enforce, and malformed rules', () => {
    expect(() => checkSchema({ type: 'object', properties: { a: { format: 'email' } } })).toThrow(
      /schema\.properties\.a: the keyword "format" is not supported/,
    );
    expect(() => checkSchema({ oneOf: [] })).toThrow(/"oneOf" is not supported/);
    expect(() => checkSchema({ type: 'text' })).toThrow(/must name JSON types/);
    expect(() => checkSchema({ pattern: '(' })).toThrow(/not a valid regular expression/);
    expect(() => checkSchema({ minLength: -1 })).toThrow(/non-negative integer/);
    expect(() => checkSchema({ additionalProperties: {} })).toThrow(/true or false/);
    expect(() => checkSchema({ type: 'integer', default: 'x' })).toThrow(/default breaks its own schema/);
    expect(() => checkSchema('object')).toThrow(/must be an object/);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 20; i++) deep = { type: 'array', items: deep };
    expect(() => checkSchema(deep)).toThrow(/nested too deeply/);
  });

  it('check values keyword by keyword, with the path of each violation', () => {
    const schema = checkSchema({
      type: 'object',
      properties: {
        n: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        id: { type: ['string', 'null'], minLength: 2 },
        list: { type: 'array', minItems: 1, items: { type: 'integer' } },
        kind: { const: 'a' },
        nested: { type: 'object', properties: { x: { type: 'boolean' } }, required: ['x'] },
        free: { type: 'object', additionalProperties: true },
      },
      required: ['n'],
    });
    expect(
      validate(schema, { n: 0.5, id: null, list: [1], kind: 'a', nested: { x: true }, free: { any: 1 } }),
    ).toEqual([]);
    const paths = (value: unknown) => validate(schema, value).map((problem) => problem.path);
    expect(paths({})).toEqual(['arguments.n']);
    expect(paths({ n: 1 })).toEqual(['arguments.n']);
    expect(paths({ n: 0.5, id: 'x' })).toEqual(['arguments.id']);
    expect(paths({ n: 0.5, list: [] })).toEqual(['arguments.list']);
    expect(paths({ n: 0.5, list: [1, 2.5] })).toEqual(['arguments.list[1]']);
    expect(paths({ n: 0.5, kind: 'b' })).toEqual(['arguments.kind']);
    expect(paths({ n: 0.5, nested: {} })).toEqual(['arguments.nested.x']);
    expect(paths({ n: 0.5, other: 1 })).toEqual(['arguments.other']);
    expect(paths({ n: Number.NaN })).toEqual(['arguments.n']);
    expect(validate(schema, { n: 0.5, kind: 'b' })[0]?.message).toBe('arguments.kind must be "a"');
  });

  it('counts characters, not UTF-16 units, for string lengths', () => {
    const schema = checkSchema({ type: 'string', maxLength: 2 });
    expect(validate(schema, '😀😀')).toEqual([]);
    expect(validate(schema, '😀😀😀')).toHaveLength(1);
  });

  it('fill in defaults without changing the input', () => {
    const schema = checkSchema({
      type: 'object',
      properties: { a: { default: 1 }, b: { type: 'object', properties: { c: { default: [1] } } } },
    });
    const input = { b: {} };
    expect(withDefaults(schema, input)).toEqual({ a: 1, b: { c: [1] } });
    expect(input).toEqual({ b: {} });
  });
});
