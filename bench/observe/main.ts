/**
 * `npm run bench:observe`: how finds scale with the number of slots. Two servers hold one
 * hourly sequence each, 200 and 2 000 slots with one submission per slot (the newest 50 not
 * completed, so "latest completed" must walk past them). Measured over HTTP in one run,
 * interleaved: `latestCompleted` and `findClosest` (which walk the slot time index) against the
 * peer a caller without them would write — list every submission of the sequence (all pages)
 * and pick the latest completed one. Goal: the indexed finds stay flat (large/small ≈ 1×) while
 * the full scan grows with the slots.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParkitObserver, type SlotSubmission } from '../../src/index.js';
import { createServer, FileSystemStore, localRecorder, RecordStore } from '../../src/server/index.js';
import { formatNumber, median, opsPerSecond } from '../lib/measure.js';

const ADMIN_KEY = 'bench-observe-admin-key-0123456789abcdef';
const INCOMPLETE = 50;
const START = Date.parse('2024-01-01T00:00:00Z');

async function seeded(slots: number) {
  const dataDir = await mkdtemp(join(tmpdir(), `parkit-bench-observe-${slots}-`));
  const store = await FileSystemStore.open(dataDir);
  const records = new RecordStore(store);
  await records.create('obs-sequences', 'hourly', {
    v: 1,
    name: 'hourly',
    parameters: [],
    schedule: {
      everySeconds: 3600,
      start: new Date(START).toISOString(),
      tagFormat: "yyyy-MM-dd'T'HH:mm:ss'Z'",
    },
    created: new Date(START).toISOString(),
    modified: new Date(START).toISOString(),
  });
  const tag = (hour: number) => new Date(START + hour * 3_600_000).toISOString().replace('.000Z', 'Z');
  const recorder = localRecorder(records, () => Date.now());
  for (let hour = 0; hour < slots; hour += 1) {
    const handle = await recorder.start({ sequence: 'hourly', tag: tag(hour), stage: 'Load' });
    if (hour < slots - INCOMPLETE) await handle.submitCompletedStatus();
  }
  await store.close();
  const server = await createServer({ dataDir, adminKey: ADMIN_KEY });
  return {
    observer: new ParkitObserver({ url: server.url, adminKey: ADMIN_KEY }),
    middle: tag(Math.floor(slots / 2)),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function fullScan(observer: ParkitObserver): Promise<SlotSubmission | undefined> {
  let best: SlotSubmission | undefined;
  let cursor: string | undefined;
  do {
    const page = await observer.findSubmissions('hourly', {
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const item of page.items) {
      if (
        item.submission.completed !== undefined &&
        (best === undefined || item.slot.expected > best.slot.expected)
      )
        best = item;
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return best;
}

console.log('seeding 200 and 2 000 slots…');
const small = await seeded(200);
const large = await seeded(2000);
try {
  for (const side of [small, large]) {
    const [indexed, scanned] = await Promise.all([
      side.observer.latestCompleted('hourly'),
      fullScan(side.observer),
    ]);
    if (indexed?.submission.id !== scanned?.submission.id) throw new Error('the finds disagree');
  }
  const results = await opsPerSecond(
    [
      { name: 'latest 200', run: () => small.observer.latestCompleted('hourly') },
      { name: 'latest 2000', run: () => large.observer.latestCompleted('hourly') },
      { name: 'closest 200', run: () => small.observer.findClosest('hourly', { at: small.middle }) },
      { name: 'closest 2000', run: () => large.observer.findClosest('hourly', { at: large.middle }) },
      { name: 'scan 200', run: () => fullScan(small.observer) },
      { name: 'scan 2000', run: () => fullScan(large.observer) },
    ],
    { rounds: 5, roundMs: 1500 },
  );
  const rate = (name: string) => median(results.get(name) ?? []);
  console.log('finds per second (median of 5 interleaved rounds):');
  for (const kind of ['latest', 'closest', 'scan']) {
    const a = rate(`${kind} 200`);
    const b = rate(`${kind} 2000`);
    console.log(
      `  ${kind.padEnd(8)} 200 slots ${formatNumber(a, 1).padStart(8)}/s   2 000 slots ${formatNumber(b, 1).padStart(8)}/s   slowdown ${formatNumber(a / b, 2)}×`,
    );
  }
  console.log(
    `  latest completed vs full scan at 2 000 slots: ${formatNumber(rate('latest 2000') / rate('scan 2000'), 1)}× faster`,
  );
} finally {
  await small.close();
  await large.close();
}
