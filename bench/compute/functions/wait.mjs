// Reports that it runs, then waits for its abort signal (a cooperative job to stop).
export async function wait(_args, context) {
  context.progress({ fraction: 0, message: 'waiting' });
  await new Promise((_done, fail) =>
    context.signal.addEventListener('abort', () => fail(context.signal.reason), { once: true }),
  );
}
