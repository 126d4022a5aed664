/**
 * Printing `bench/transfer/main.ts`'s figures: medians of every contender, ratios of the medians
 * to the reference, and the spread of the ratios within single rounds (how noisy the run was).
 */
import { formatNumber, median } from '../lib/measure.js';

/** One contender's figures, one entry per round. */
export interface Figures {
  /** Throughput (MB/s, or objects per second). */
  readonly speed: number[];
  /** Peak RSS above the baseline, MiB (file transfers in a child process only). */
  readonly rss: number[];
  /** CPU seconds of the transfer, all threads (child processes only). */
  readonly cpu: number[];
}

const row = (label: string, value: string, note = '') =>
  console.log(`  ${label.padEnd(36)}${value.padStart(14)}  ${note}`);

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

// The ratio of the medians, with the spread of the ratios within each round (contenders of one
// round ran back to back, under about the same load from the rest of the machine).
function ratioRow(
  name: string,
  reference: string,
  of: readonly number[],
  to: readonly number[],
  goal?: number,
) {
  const ratio = median(of) / median(to);
  const rounds = of.map((value, round) => value / (to[round] as number));
  const spread = `rounds ${formatNumber(Math.min(...rounds), 2)}–${formatNumber(Math.max(...rounds), 2)}`;
  const note =
    goal === undefined ? spread : `${spread}; goal ≥ ${formatNumber(goal, 2)}×: ${verdict(ratio >= goal)}`;
  row(`${name} / ${reference}`, `${formatNumber(ratio, 2)}×`, note);
}

/**
 * A file transfer's table: throughput, ratios to `reference`, parkit's against `goal`, peak RSS
 * (parkit's against the 64 MiB goal, by its largest round) and CPU time.
 *
 * @param title - the heading
 * @param results - figures by contender
 * @param reference - the contender the others are compared with
 * @param goal - the ratio parkit must reach
 */
export function printFiles(title: string, results: Record<string, Figures>, reference: string, goal: number) {
  console.log(title);
  const base = results[reference] as Figures;
  for (const [name, { speed }] of Object.entries(results)) row(name, `${formatNumber(median(speed))} MB/s`);
  for (const [name, { speed }] of Object.entries(results)) {
    if (name !== reference)
      ratioRow(name, reference, speed, base.speed, name === 'parkit' ? goal : undefined);
  }
  for (const [name, { rss, cpu }] of Object.entries(results)) {
    if (rss.length === 0) continue;
    const most = Math.max(...rss);
    const note = `max ${formatNumber(most, 1)}${name === 'parkit' ? `; goal < 64: ${verdict(most < 64)}` : ''}`;
    row(`${name}: peak RSS above baseline`, `${formatNumber(median(rss), 1)} MiB`, note);
    row(`${name}: CPU time`, `${formatNumber(median(cpu), 2)} s`);
  }
}

/**
 * The bulk read's table: objects per second, and parkit's ratios to the others.
 *
 * @param results - objects per second of every round, by contender
 * @param goal - the ratio to the plain fetch loop parkit must reach
 */
export function printBulk(results: Record<string, number[]>, goal: number) {
  const parkit = results.parkit as number[];
  for (const [name, speeds] of Object.entries(results)) row(name, `${formatNumber(median(speeds))} obj/s`);
  ratioRow('parkit', 'fetch', parkit, results.fetch as number[], goal);
  ratioRow('parkit', 'fetch+list', parkit, results['fetch+list'] as number[]);
  ratioRow('parkit', 'node:http', parkit, results['node:http'] as number[]);
  console.log('  (fetch+list also lists the bucket first, as getAllObjects does; node:http is the floor:');
  console.log('   a bare keep-alive node:http loop with no checks, no retries and no typed errors)');
}
