/**
 * The whole Stoa client in a real browser (Debian's Chromium, driven by playwright-core): the
 * core bundled for the browser logs in, orders, signs, downloads and decodes real Parquet
 * (snappy through hysnappy's WebAssembly, gzip, brotli, zstd) from the local Stoa server. The
 * page is given the server's origin (playwright serves it there), so no CORS is involved.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readings } from '../helpers/parquet.js';
import { launchChromium } from '../helpers/runtimes.js';
import { EMAIL, PASSWORD, PRODUCT, parquetFiles, stoaServer } from '../helpers/stoa.js';
import type { StoaServer } from '../servers/stoa.js';

const root = resolve(import.meta.dirname, '../..');
let server: StoaServer;
let bundle = '';

beforeAll(async () => {
  server = await stoaServer();
  server.addDataset(PRODUCT, parquetFiles(8, 30, ['SNAPPY', 'GZIP', 'BROTLI', 'ZSTD']));
  const built = await build({
    stdin: {
      contents: `import { StoaClient } from './src/index.ts';
window.stoaFetch = async (options) => {
  const client = new StoaClient(options);
  const json = await client.fetch({ format: 'json' });
  const columns = await client.fetch({ format: 'columns' });
  return { rows: json.rows, files: json.files.length, ids: columns.columns.id, authenticated: client.isAuthenticated() };
};`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  bundle = built.outputFiles[0]?.text ?? '';
}, 120_000);
afterAll(() => server.close());

describe('StoaClient in a browser', () => {
  it('fetches and decodes every codec', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.route(`${server.base}/app/**`, (route) =>
        route.request().url().endsWith('.js')
          ? route.fulfill({ contentType: 'text/javascript', body: bundle })
          : route.fulfill({
              contentType: 'text/html',
              body: '<!doctype html><script type="module" src="/app/bundle.js"></script>',
            }),
      );
      await page.goto(`${server.base}/app/index.html`);
      await page.waitForFunction(() => 'stoaFetch' in window);
      const result = (await page.evaluate(
        (options) => (window as never as { stoaFetch(o: unknown): Promise<unknown> }).stoaFetch(options),
        {
          authentication: 'rest',
          email: EMAIL,
          password: PASSWORD,
          ...PRODUCT,
          ascending: true,
          urls: server.urls,
        },
      )) as { rows: unknown[]; files: number; ids: number[]; authenticated: boolean };
      expect(result.files).toBe(8);
      expect(result.rows).toEqual(readings(0, 240));
      expect(result.ids).toEqual(readings(0, 240).map((row) => row.id));
      expect(result.authenticated).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
