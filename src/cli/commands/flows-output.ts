/**
 * What `parkit flows`, `data`, `provenance` and `lineage` print without `--json`: one
 * tab-separated line per listed item (`-` for an empty cell), or a few labelled lines for one
 * flow or run.
 *
 * @module
 */
import type { DateTime } from 'luxon';
import type { DataVersion, Flow, FlowRun, Lineage, RunData, TrackedData } from '../../flows/model.js';

type Cell = string | number | DateTime | undefined;

const out = (text: string) => process.stdout.write(`${text}\n`);

/**
 * Print one tab-separated line.
 *
 * @param cells - the cells (undefined prints `-`)
 */
export function line(...cells: Cell[]): void {
  out(
    cells
      .map((cell) => (cell === undefined ? '-' : typeof cell === 'object' ? cell.toISO() : String(cell)))
      .join('\t'),
  );
}

const versionText = (data: { data: string; version: number }) => `${data.data}@${data.version}`;
const dataList = (list: readonly RunData[]) => (list.length === 0 ? '-' : list.map(versionText).join(','));

function source(flow: Flow): string {
  if (flow.ingestion !== undefined) return `ingest→${flow.ingestion.bucket}/${flow.ingestion.key}`;
  return flow.calculation ?? '-';
}

/** One line for a flow: name, policy, calculation (or ingestion target), last outcome, last run, next due. */
export function flowLine(flow: Flow): void {
  line(flow.name, flow.policy, source(flow), flow.state.lastOutcome, flow.state.lastRun, flow.state.nextDue);
}

/** A flow, one labelled line per fact. */
export function showFlow(flow: Flow): void {
  out(`flow ${flow.name} (${flow.id})`);
  out(
    `  policy     ${flow.policy}${flow.intervalSeconds === undefined ? '' : ` every ${flow.intervalSeconds}s`}`,
  );
  out(`  runs       ${source(flow)}`);
  if (flow.arguments !== undefined) out(`  arguments  ${JSON.stringify(flow.arguments)}`);
  for (const [name, input] of Object.entries(flow.inputs)) {
    const where = 'key' in input ? `${input.bucket}/${input.key}` : `${input.bucket}/${input.prefix}*`;
    out(`  input      ${name} = ${where}${input.version === undefined ? ' (latest)' : `@${input.version}`}`);
  }
  for (const [name, output] of Object.entries(flow.outputs))
    out(`  output     ${name} = ${output.bucket}/${output.prefix ?? ''}`);
  out(`  retry      ${flow.retry.maxAttempts} attempts, ${flow.retry.delaySeconds}s apart`);
  out(`  created    ${flow.created.toISO()}`);
  const { lastRun, lastOutcome, nextDue, failures } = flow.state;
  out(`  last run   ${lastRun === undefined ? '-' : `${lastRun.toISO()} ${lastOutcome ?? ''}`.trim()}`);
  if (flow.state.read !== undefined) {
    const read = Object.entries(flow.state.read).map(([name, version]) => `${name}@${version}`);
    out(`  last read  ${read.join(', ')}`);
  }
  out(`  next due   ${nextDue?.toISO() ?? '-'}${flow.state.retrying ? ' (a retry)' : ''}`);
  out(`  failures   ${failures}`);
}

/** One line for a run: id, flow, state, trigger, attempt, started, ended, inputs read, outputs written. */
export function runLine(run: FlowRun): void {
  line(
    run.id,
    run.flowName,
    run.state,
    run.trigger,
    run.attempt,
    run.started,
    run.ended,
    dataList(run.inputs),
    dataList(run.outputs),
  );
}

/** A run's provenance record, one labelled line per fact. */
export function showRun(run: FlowRun): void {
  out(`run ${run.id} of ${run.flowName} (${run.flow})`);
  out(`  state      ${run.state}${run.error === undefined ? '' : `: ${run.error}`}`);
  out(`  trigger    ${run.trigger}, attempt ${run.attempt}`);
  if (run.jobId !== undefined) out(`  job        ${run.jobId}`);
  out(`  started    ${run.started.toISO()}`);
  out(`  ended      ${run.ended?.toISO() ?? '-'}`);
  for (const input of run.inputs)
    out(`  read       ${input.name} = ${versionText(input)} sha256 ${input.checksum}`);
  for (const output of run.outputs)
    out(`  wrote      ${output.name} = ${versionText(output)} sha256 ${output.checksum}`);
}

/** One line for tracked data: id, latest version, its checksum, size and time. */
export function dataLine(data: TrackedData): void {
  const latest = data.latest;
  line(data.id, latest?.version, latest?.checksum, latest?.size, latest?.created);
}

/** One line for a data version: version, checksum, size, content type, created. */
export function versionLine(version: DataVersion): void {
  line(version.version, version.checksum, version.size, version.contentType, version.created);
}

/** A lineage graph: the root, then one line per edge (`from → to`, run id, flow). */
export function showLineage(lineage: Lineage): void {
  out(`lineage of ${versionText(lineage.root)}`);
  const flows = new Map(lineage.runs.map((run) => [run.id, run.flowName]));
  for (const edge of lineage.edges)
    line(versionText(edge.from), '→', versionText(edge.to), edge.run, flows.get(edge.run));
}
