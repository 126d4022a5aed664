/**
 * `parkit run <token>`: run the calculation an executable Par authorises — start a job with the
 * `--arg`s given, follow its progress on standard error, print its result on standard output —
 * and stop the job on Ctrl-C. Also: `--describe` (what the Par runs), `--jobs` (the runs it
 * started), `--job ID` (follow one), `--stop ID`, `--logs`, `--detach`.
 *
 * @module
 */
import type { Command } from 'commander';
import type { ComputeRunner } from '../../access/compute-runner.js';
import type { Job } from '../../access/job.js';
import type { JobStatus } from '../../access/job-status.js';
import { JobError } from '../../par/errors.js';
import {
  type CommonOptions,
  examples,
  identityOption,
  interruptSignal,
  outputOptions,
  parAndIdentity,
  TOKEN_HELP,
} from '../common.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../json.js';
import { createProgress, progressMode } from '../progress.js';
import { collect, parseArgs } from './run-arguments.js';

interface RunOptions extends CommonOptions {
  readonly arg: string[];
  readonly describe?: boolean;
  readonly jobs?: boolean;
  readonly job?: string;
  readonly stop?: string;
  readonly logs?: boolean;
  readonly detach?: boolean;
}

function summary(status: JobStatus): Record<string, unknown> {
  return JSON.parse(JSON.stringify(status)) as Record<string, unknown>;
}

function line(status: JobStatus): string {
  const position = status.queuePosition === undefined ? '' : ` (queue position ${status.queuePosition})`;
  return `${status.id}\trun ${status.run}\t${status.state}${position}\t${status.created.toISO()}`;
}

async function printLogs(job: Job): Promise<void> {
  const logs = await job.logs();
  for (const entry of logs.lines)
    process.stderr.write(`${entry.time.toISO()} ${entry.stream}: ${entry.text}\n`);
  if (logs.dropped > 0) process.stderr.write(`(${logs.dropped} more lines were not kept)\n`);
}

async function follow(
  job: Job,
  calculation: string,
  options: RunOptions,
  signal: AbortSignal,
): Promise<void> {
  const progress = createProgress({
    label: `run ${calculation}`,
    mode: progressMode(options.quiet === true, options.json === true),
    units: 'steps',
  });
  let final: JobStatus;
  try {
    final = await job.wait({
      signal,
      onProgress(status) {
        const reported = status.progress;
        const detail =
          status.state === 'running'
            ? reported?.message
            : `${status.state}${status.queuePosition === undefined ? '' : ` #${status.queuePosition}`}`;
        if (reported?.total !== undefined && reported.done !== undefined)
          progress.update({
            loaded: reported.done,
            total: reported.total,
            ...(detail === undefined ? {} : { detail }),
          });
        else
          progress.update({
            loaded: Math.round((reported?.fraction ?? 0) * 100),
            total: 100,
            ...(detail === undefined ? {} : { detail }),
          });
      },
    });
  } catch (error) {
    if (!signal.aborted) throw error;
    // Ctrl-C: stop the job (it is not left running), say how it ended, exit 130.
    progress.finish();
    process.stderr.write(`parkit: stopping job ${job.id}…\n`);
    const stopped = await job.stop();
    if (options.json) printJson(summary(stopped));
    else process.stderr.write(`parkit: job ${job.id} ${stopped.state}\n`);
    process.exitCode = EXIT.interrupted;
    return;
  }
  progress.finish();
  if (options.logs) await printLogs(job);
  if (final.state !== 'succeeded') {
    if (options.json) printJson(summary(final));
    throw new JobError(`job ${job.id} ${final.state}: ${final.error?.message ?? 'no result'}`, {
      reason: final.error?.reason ?? 'failed',
      jobId: job.id,
    });
  }
  if (options.json) printJson(summary(final));
  else {
    process.stdout.write(`${JSON.stringify(final.result ?? null, null, 2)}\n`);
    const seconds =
      final.started && final.finished
        ? ` in ${(final.finished.diff(final.started).as('seconds')).toFixed(1)} s`
        : '';
    const outputs = final.outputs.length === 0 ? '' : `; wrote ${final.outputs.map((o) => o.key).join(', ')}`;
    if (!options.quiet) process.stderr.write(`job ${job.id} succeeded${seconds}${outputs}\n`);
  }
}

async function start(runner: ComputeRunner, options: RunOptions): Promise<Job> {
  if (options.arg.length === 0) return runner.start();
  const description = await runner.describe();
  const properties = (description.arguments.schema.properties ?? {}) as Record<string, { type?: unknown }>;
  return runner.start(parseArgs(options.arg, properties));
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function runCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run the calculation an executable Par authorises: start, follow, print the result')
    .argument('<token>', TOKEN_HELP)
    .option(
      '--arg <name=value>',
      'an argument the Par lets you set (NAME:=JSON for a JSON value); repeatable',
      collect,
      [],
    )
    .option('--detach', 'start the job and print its id without waiting')
    .option('--describe', 'show what the Par runs: settable arguments, grants, runs left')
    .option('--jobs', 'list the jobs this Par started')
    .option('--job <id>', 'follow an existing job instead of starting one')
    .option('--stop <id>', 'stop a job')
    .option('--logs', "print the job's log on standard error when it ends");
  identityOption(command);
  outputOptions(command);
  command
    .addHelpText(
      'after',
      examples(
        'parkit run @checksums.par --arg algorithm=sha512',
        'parkit run @checksums.par --arg limits:=\'{"max":10}\' --json',
        'parkit run @checksums.par --describe',
        'parkit run @checksums.par --jobs',
        'parkit run @checksums.par --job 3f2a… --logs',
      ),
    )
    .action(async (token: string, options: RunOptions) => {
      const { par, identity } = await parAndIdentity(token, options);
      if (!par.isCalculation())
        throw new TypeError('this Par is not executable (it is for a bucket or an object)');
      const runner = await par.execute(identity);
      const calculation = par.target.name;
      if (options.describe) {
        const description = await runner.describe();
        if (options.json) printJson(JSON.parse(JSON.stringify(description)));
        else {
          const { arguments: args, runs } = description;
          process.stdout.write(
            `${description.calculation}${description.description === undefined ? '' : `: ${description.description}`}\n` +
              `settable: ${args.settable.join(', ') || '(none)'}\nbound: ${args.bound.join(', ') || '(none)'}\n` +
              `runs: ${runs.used}${runs.max === undefined ? '' : ` of ${runs.max}`}\n`,
          );
        }
        return;
      }
      if (options.jobs) {
        const jobs = await runner.jobs();
        if (options.json) printJson(jobs.map((job) => summary(job.lastStatus as JobStatus)));
        else for (const job of jobs) process.stdout.write(`${line(job.lastStatus as JobStatus)}\n`);
        return;
      }
      if (options.stop !== undefined) {
        const stopped = await runner.job(options.stop).stop();
        if (options.json) printJson(summary(stopped));
        else process.stdout.write(`${line(stopped)}\n`);
        return;
      }
      // Ctrl-C from here on stops the job (even one still being started) rather than leaving it running.
      const signal = options.detach ? undefined : interruptSignal();
      const job = options.job !== undefined ? runner.job(options.job) : await start(runner, options);
      if (options.detach) {
        const status = job.lastStatus ?? (await job.status());
        if (options.json) printJson(summary(status));
        else process.stdout.write(`${job.id}\n`);
        return;
      }
      await follow(job, calculation, options, signal as AbortSignal);
    });
}
