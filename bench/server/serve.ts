/**
 * The parkit server in its own process for the benchmark: `serve.ts DATA_DIR` prints its URL.
 */
import { createServer } from '../../src/server/index.js';

const server = await createServer({ dataDir: process.argv[2] as string });
console.log(server.url);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
