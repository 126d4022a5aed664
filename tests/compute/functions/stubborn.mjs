// Ignores its abort signal: only the hard kill after the grace period ends it.
export const schema = { type: 'object', properties: { ms: { type: 'integer', default: 60000 } } };
export async function stubborn(args, context) {
  context.progress({ fraction: 0.1, message: 'not listening' });
  await new Promise((done) => setTimeout(done, args.ms));
  return { finished: true };
}
