// Never ends by itself; ends (failing) when its job is stopped: a run the server is closed under.
export async function forever(_args, context) {
  context.progress({ message: 'waiting forever' });
  await new Promise((_done, fail) => {
    context.signal.addEventListener('abort', () => fail(new Error('forever: stopped')));
  });
}
