// Returns its arguments: for argument binding, settable arguments and schema checks.
export const schema = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[a-z ]+$' },
    count: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
    mode: { enum: ['fast', 'careful'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
    options: { type: 'object', properties: { deep: { type: 'boolean' } } },
  },
  required: ['label'],
};
export async function echo(args) {
  return { args };
}
