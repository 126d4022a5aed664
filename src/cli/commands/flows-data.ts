/**
 * `parkit data ls|versions`, `parkit provenance ls|show` and `parkit lineage`: what the flows
 * engine tracks — data and its versions, run (provenance) records, and the lineage of a data
 * version both ways. Connection options as `parkit bucket`.
 *
 * @module
 */
import type { Command } from 'commander';
import { examples, interruptSignal } from '../common.js';
import { printJson } from '../json.js';
import { withConnection } from './bucket.js';
import { type FlowFlags, flowsClient, listing, take } from './flows.js';
import { positiveFlag } from './flows-definition.js';
import { dataLine, runLine, showLineage, showRun, versionLine } from './flows-output.js';

const DATA_ID = 'the data id: BUCKET/KEY, or BUCKET/PREFIX* (as data ls prints it)';

function dataCommand(program: Command): void {
  const data = program
    .command('data')
    .description('data the flows engine tracks, and its versions')
    .addHelpText('after', examples('parkit data ls --data ./data', 'parkit data versions reports/q3/*'));
  withConnection(
    listing(
      data.command('ls').description('list tracked data with its latest version'),
      'print an array as JSON',
    ),
  )
    .addHelpText('after', examples('parkit data ls', 'parkit data ls --json'))
    .action(async (flags: FlowFlags) => {
      const client = await flowsClient(flags);
      const found = await take(flags, (options) => client.allData(options));
      if (flags.json) printJson(found);
      else for (const item of found) dataLine(item);
    });
  withConnection(
    listing(
      data
        .command('versions')
        .description("list a data's versions, newest first")
        .argument('<data>', DATA_ID),
      'print an array of versions as JSON',
    ),
  )
    .addHelpText(
      'after',
      examples('parkit data versions reports/q3/revenue.csv', "parkit data versions 'reports/q3/*'"),
    )
    .action(async (id: string, flags: FlowFlags) => {
      const client = await flowsClient(flags);
      const found = await take(flags, (options) => client.allVersions(id, options));
      if (flags.json) printJson(found);
      else for (const version of found) versionLine(version);
    });
}

function provenanceCommand(program: Command): void {
  const provenance = program
    .command('provenance')
    .description('run records: which input versions each flow run read and which output versions it wrote')
    .addHelpText(
      'after',
      examples('parkit provenance ls --flow q3-checks', 'parkit provenance show <run id>'),
    );
  withConnection(
    listing(
      provenance.command('ls').description('list runs across flows, newest first'),
      'print an array as JSON',
    ),
  )
    .option('--flow <flow>', "only this flow's runs (name or id)")
    .addHelpText(
      'after',
      examples('parkit provenance ls --limit 10', 'parkit provenance ls --flow q3-checks --json'),
    )
    .action(async (flags: FlowFlags & { flow?: string }) => {
      const client = await flowsClient(flags);
      const flow = flags.flow;
      const found = await take(flags, (options) =>
        client.allProvenance({ ...options, ...(flow === undefined ? {} : { flow }) }),
      );
      if (flags.json) printJson(found);
      else for (const run of found) runLine(run);
    });
  withConnection(
    provenance.command('show').description('show one run record').argument('<run>', 'the run id'),
  )
    .option('--json', 'print the run record as JSON')
    .addHelpText('after', examples('parkit provenance show <run id> --json'))
    .action(async (run: string, flags: FlowFlags) => {
      const record = await (await flowsClient(flags)).getProvenance(run, { signal: interruptSignal() });
      if (flags.json) printJson(record);
      else showRun(record);
    });
}

function lineageCommand(program: Command): void {
  withConnection(
    program
      .command('lineage')
      .description('what produced a data version (upstream), or what it fed (--downstream)')
      .argument('<data>', DATA_ID),
  )
    .option('--version <n>', 'the version (default: the latest)')
    .option('--downstream', 'walk to what it fed instead of what produced it')
    .option('--depth <n>', 'runs deep to walk (1–16, default 8)')
    .option('--json', 'print { root, versions, runs, edges } as JSON')
    .addHelpText(
      'after',
      examples(
        'parkit lineage reports/checks/checksums.json',
        "parkit lineage 'reports/q3/*' --version 2 --downstream",
      ),
    )
    .action(
      async (id: string, flags: FlowFlags & { version?: string; downstream?: boolean; depth?: string }) => {
        const version = flags.version === undefined ? undefined : positiveFlag(flags.version, '--version');
        const depth = flags.depth === undefined ? undefined : positiveFlag(flags.depth, '--depth');
        const lineage = await (await flowsClient(flags)).lineage(id, {
          direction: flags.downstream ? 'downstream' : 'upstream',
          ...(version === undefined ? {} : { version }),
          ...(depth === undefined ? {} : { depth }),
          signal: interruptSignal(),
        });
        if (flags.json) printJson(lineage);
        else showLineage(lineage);
      },
    );
}

/**
 * Register `data`, `provenance` and `lineage`.
 *
 * @param program - the root command
 */
export function flowDataCommands(program: Command): void {
  dataCommand(program);
  provenanceCommand(program);
  lineageCommand(program);
}
