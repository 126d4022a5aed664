// Ends its own thread (process.exit in a worker ends the worker, not the server).
export async function quit() {
  process.exit(7);
}
