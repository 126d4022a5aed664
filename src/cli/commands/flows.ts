/**
 * `parkit flows create|ls|show|rm|run|runs`: flows on a parkit server from the terminal —
 * register one (from a JSON file and/or flags), list and show them, delete one, run one now and
 * list its runs. Connection options as `parkit bucket` (`--server`/`PARKIT_SERVER` or `--data`;
 * the admin key never as a flag value).
 *
 * @module
 */
import type { Command } from 'commander';
import { sleep } from '../../access/retry.js';
import { type FlowPageOptions, ParkitFlows } from '../../flows/client.js';
import { JobError } from '../../par/errors.js';
import { examples, interruptSignal } from '../common.js';
import { printJson } from '../json.js';
import { type ConnectionOptions, connect, resolveConnection, withConnection } from './bucket.js';
import { type DefinitionFlags, flowDefinition, positiveFlag } from './flows-definition.js';
import { flowLine, runLine, showFlow, showRun } from './flows-output.js';
import { collect, parseArgs } from './run-arguments.js';

/** How often `flows run --wait` reads the run record again. */
const WAIT_POLL_MS = 250;

/** Flags of the flows, data, provenance and lineage commands. */
export interface FlowFlags extends ConnectionOptions {
  json?: boolean;
  limit?: string;
}

/**
 * The flows client the connection options name.
 *
 * @param flags - `--server`, `--data`, `--admin-key-file`
 */
export async function flowsClient(flags: ConnectionOptions): Promise<ParkitFlows> {
  return new ParkitFlows(await resolveConnection(flags));
}

/**
 * Every item of a listing, up to `--limit` (all pages without it).
 *
 * @param flags - `--limit`
 * @param list - the `all…` iterator of the client, given its page options
 */
export async function take<T>(
  flags: { limit?: string },
  list: (options: FlowPageOptions) => AsyncIterable<T>,
): Promise<T[]> {
  const max = flags.limit === undefined ? Number.POSITIVE_INFINITY : positiveFlag(flags.limit, '--limit');
  const found: T[] = [];
  for await (const item of list({ limit: Math.min(1000, max), signal: interruptSignal() })) {
    found.push(item);
    if (found.length >= max) break;
  }
  return found;
}

/**
 * Add `--limit` and `--json` to a listing.
 *
 * @param command - the listing command
 * @param json - the help of `--json`
 */
export function listing(command: Command, json: string): Command {
  return command.option('--limit <n>', 'at most this many (default: every page)').option('--json', json);
}

function createCommand(flows: Command): void {
  withConnection(
    flows
      .command('create')
      .description('register a flow: a calculation over tracked inputs, or an ingestion')
      .argument('[name]', 'the flow name (lower case; default: "name" of --file)'),
  )
    .option('--file <flow.json>', 'a flow definition as JSON (flags override it)')
    .option('--calculation <name>', 'the calculation each run starts')
    .option('--arg <name=value>', 'bind an argument (NAME:=JSON for a JSON value); repeatable', collect, [])
    .option(
      '--input <data>',
      'input NAME=BUCKET/KEY or NAME=BUCKET/PREFIX* [@VERSION] (repeatable)',
      collect,
      [],
    )
    .option('--output <where>', 'output NAME=BUCKET[/PREFIX] (repeatable)', collect, [])
    .option('--policy <policy>', 'none (default), ingestion, timer, any or all')
    .option('--every <interval>', 'timer and ingestion: time between runs (90s, 15m, 1h, 1d)')
    .option('--retries <n>', 'attempts in all before a failed run is given up (default 3)')
    .option('--retry-delay <interval>', 'time between attempts (default 30s)')
    .option(
      '--ingest-url <url>',
      'ingestion: the URL to fetch, or @FILE holding it (a signed URL is a secret)',
    )
    .option(
      '--ingest-par <token>',
      "ingestion: a Par sealed to the server's flow recipient (token, @file or -)",
    )
    .option('--ingest-to <bucket/key>', 'ingestion: the object it fetches into')
    .option('--json', 'print the flow as JSON')
    .addHelpText(
      'after',
      examples(
        'parkit flows create q3-checks --calculation checksumReport --input data=reports/q3/* \\',
        '    --output reports=reports/checks/ --policy any --data ./data',
        'parkit flows create --file flow.json --json',
        'parkit flows create feed --policy ingestion --every 1h --ingest-url @feed-url.txt --ingest-to raw/feed.csv',
      ),
    )
    .action(async (name: string | undefined, flags: FlowFlags & DefinitionFlags & { arg: string[] }) => {
      let properties: Record<string, { type?: unknown }> = {};
      if (flags.arg.length > 0 && flags.calculation !== undefined) {
        const found = (await (await connect(flags)).listCalculations()).find(
          (c) => c.name === flags.calculation,
        );
        properties = (found?.schema as { properties?: Record<string, { type?: unknown }> })?.properties ?? {};
      }
      const definition = await flowDefinition(name, {
        ...flags,
        ...(flags.arg.length === 0 ? {} : { arguments: parseArgs(flags.arg, properties) }),
      });
      const flow = await (await flowsClient(flags)).createFlow(definition, { signal: interruptSignal() });
      if (flags.json) printJson(flow);
      else process.stdout.write(`created flow ${flow.name} (${flow.id}), policy ${flow.policy}\n`);
    });
}

function readCommands(flows: Command): void {
  withConnection(
    listing(flows.command('ls').description('list the flows'), 'print an array of flows as JSON'),
  )
    .addHelpText('after', examples('parkit flows ls --data ./data', 'parkit flows ls --json'))
    .action(async (flags: FlowFlags) => {
      const client = await flowsClient(flags);
      const found = await take(flags, (options) => client.allFlows(options));
      if (flags.json) printJson(found);
      else for (const flow of found) flowLine(flow);
    });

  withConnection(
    flows.command('show').description('show one flow and its state').argument('<flow>', 'its name or id'),
  )
    .option('--json', 'print the flow as JSON')
    .addHelpText('after', examples('parkit flows show q3-checks'))
    .action(async (reference: string, flags: FlowFlags) => {
      const flow = await (await flowsClient(flags)).getFlow(reference, { signal: interruptSignal() });
      if (flags.json) printJson(flow);
      else showFlow(flow);
    });

  withConnection(
    listing(
      flows
        .command('runs')
        .description("list a flow's runs, newest first")
        .argument('<flow>', 'its name or id'),
      'print an array of run records as JSON',
    ),
  )
    .addHelpText('after', examples('parkit flows runs q3-checks --limit 5'))
    .action(async (reference: string, flags: FlowFlags) => {
      const client = await flowsClient(flags);
      const found = await take(flags, (options) => client.allRuns(reference, options));
      if (flags.json) printJson(found);
      else for (const run of found) runLine(run);
    });
}

function changeCommands(flows: Command): void {
  withConnection(
    flows
      .command('rm')
      .description('delete a flow (its runs stay, as provenance)')
      .argument('<flow>', 'its name or id'),
  )
    .addHelpText('after', examples('parkit flows rm q3-checks'))
    .action(async (reference: string, flags: FlowFlags) => {
      await (await flowsClient(flags)).deleteFlow(reference, { signal: interruptSignal() });
      process.stdout.write(`deleted flow ${reference}\n`);
    });

  withConnection(
    flows.command('run').description('run a flow now (trigger manual)').argument('<flow>', 'its name or id'),
  )
    .option('--wait', 'follow the run until it ends, then show its record (exit 13 unless it succeeded)')
    .option('--json', 'print the run record as JSON')
    .addHelpText('after', examples('parkit flows run q3-checks', 'parkit flows run q3-checks --wait --json'))
    .action(async (reference: string, flags: FlowFlags & { wait?: boolean }) => {
      const client = await flowsClient(flags);
      const signal = interruptSignal();
      let run = await client.runFlow(reference, { signal });
      if (!flags.wait) {
        if (flags.json) printJson(run);
        else process.stdout.write(`started run ${run.id} of ${run.flowName} (${run.state})\n`);
        return;
      }
      while (run.state === 'running') {
        await sleep(WAIT_POLL_MS, signal);
        run = await client.getProvenance(run.id, { signal });
      }
      if (flags.json) printJson(run);
      else showRun(run);
      if (run.state !== 'succeeded')
        throw new JobError(
          `run ${run.id} of ${run.flowName} ${run.state}${run.error === undefined ? '' : `: ${run.error}`}`,
          {
            reason: run.state === 'interrupted' ? 'interrupted' : 'failed',
            ...(run.jobId === undefined ? {} : { jobId: run.jobId }),
          },
        );
    });
}

/**
 * Register the command and its subcommands.
 *
 * @param program - the root command
 */
export function flowsCommand(program: Command): void {
  const flows = program
    .command('flows')
    .description('flows on a parkit server: calculations re-run when their input data changes')
    .addHelpText(
      'after',
      examples('parkit flows ls --data ./data', 'parkit flows run q3-checks --data ./data --json'),
    );
  createCommand(flows);
  readCommands(flows);
  changeCommands(flows);
}
