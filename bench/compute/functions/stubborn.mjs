// Reports that it runs, then ignores its abort signal (stopped only by the kill after the grace period).
export async function stubborn(_args, context) {
  context.progress({ fraction: 0, message: 'not listening' });
  await new Promise((done) => setTimeout(done, 60_000));
}
