// Always fails: a run that exhausts its retries.
export async function broken() {
  throw new Error('broken: always fails');
}
