// Counts `steps` steps of `stepMs`, reporting progress, honouring the abort signal; optionally
// writes one object per step to outputs.out (to show partial outputs are recorded).
export const schema = {
  type: 'object',
  properties: {
    steps: { type: 'integer', minimum: 1, maximum: 100000, default: 20 },
    stepMs: { type: 'integer', minimum: 0, maximum: 60000, default: 50 },
    write: { type: 'boolean', default: false },
  },
};

const sleep = (ms, signal) =>
  new Promise((done, fail) => {
    signal.throwIfAborted();
    const timer = setTimeout(done, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        fail(signal.reason);
      },
      { once: true },
    );
  });

export async function slow(args, context) {
  for (let step = 0; step < args.steps; step++) {
    context.progress({ done: step, total: args.steps, message: `step ${step}` });
    if (args.write)
      await context.outputs.out.setStringObject(
        `${context.outputs.out.par.target.prefix ?? ''}step-${step}.txt`,
        String(step),
        { signal: context.signal },
      );
    await sleep(args.stepMs, context.signal);
  }
  context.progress({ done: args.steps, total: args.steps });
  return { steps: args.steps };
}
