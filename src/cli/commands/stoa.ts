/**
 * `parkit stoa order|sign|fetch|pars`: the Stoa client's operations from the terminal. Signed
 * URLs are secrets: `sign` shows them redacted unless `--reveal`; `pars` seals them to
 * recipients and prints tokens instead.
 *
 * @module
 */
import type { Command } from 'commander';
import { redactUrl } from '../../par/redact.js';
import { examples, interruptSignal } from '../common.js';
import { printJson, toJsonLine } from '../json.js';
import { type StoaFlags, stoaClient, stoaOptions } from './stoa-client.js';

const PRODUCT = '--product-group weather --product observations --workspace apps --owner team-42';

function failures(list: readonly { key: string; error: Error }[]): { key: string; message: string }[] {
  return list.map(({ key, error }) => ({ key, message: error.message }));
}

/**
 * Register the command and its subcommands.
 *
 * @param program - the root command
 */
export function stoaCommand(program: Command): void {
  const stoa = program
    .command('stoa')
    .description('order, sign, fetch or hand over files of a Stoa data product')
    .addHelpText('after', examples(`STOA_EMAIL=me@example.com STOA_PASSWORD=… parkit stoa order ${PRODUCT}`));

  stoaOptions(stoa.command('order').description('list the file keys of one page of the product'))
    .addHelpText('after', examples(`parkit stoa order ${PRODUCT} --limit 5`))
    .action(async (flags: StoaFlags) => {
      const keys = await stoaClient(flags).order({ signal: interruptSignal() });
      if (flags.json) printJson(keys);
      else for (const key of keys) process.stdout.write(`${key}\n`);
    });

  stoaOptions(
    stoa.command('sign').description('sign every ordered key (URLs shown redacted unless --reveal)'),
  )
    .option('--reveal', 'print the pre-signed URLs themselves (they grant access)')
    .option('--concurrency <n>', 'sign requests in flight (default 10)')
    .addHelpText(
      'after',
      examples(`parkit stoa sign ${PRODUCT}`, `parkit stoa sign ${PRODUCT} --reveal --json`),
    )
    .action(async (flags: StoaFlags & { reveal?: boolean; concurrency?: string }) => {
      const signed = await stoaClient(flags).sign({
        signal: interruptSignal(),
        ...(flags.concurrency === undefined ? {} : { concurrency: Number(flags.concurrency) }),
      });
      const shown = Object.fromEntries(
        Object.entries(signed).map(([key, url]) => [key, flags.reveal ? url : redactUrl(url)]),
      );
      if (flags.json) printJson(shown);
      else for (const [key, url] of Object.entries(shown)) process.stdout.write(`${key}\t${url}\n`);
      if (!flags.reveal && !flags.json)
        process.stderr.write('(signed URLs are secrets: add --reveal to print them)\n');
    });

  stoaOptions(stoa.command('fetch').description('download and decode every ordered file; print the rows'))
    .option('--format <json|columns>', 'records (one JSON object per line) or columns', 'json')
    .option('--partial', 'keep the rows of the files that worked, and list the failures')
    .option('--concurrency <n>', 'downloads in flight (default 10)')
    .addHelpText(
      'after',
      examples(
        `parkit stoa fetch ${PRODUCT} > rows.ndjson`,
        `parkit stoa fetch ${PRODUCT} --format columns --json`,
      ),
    )
    .action(async (flags: StoaFlags & { format: string; partial?: boolean; concurrency?: string }) => {
      if (flags.format !== 'json' && flags.format !== 'columns')
        throw new RangeError('--format must be json or columns');
      const result = await stoaClient(flags).fetch({
        format: flags.format,
        partial: flags.partial === true,
        signal: interruptSignal(),
        ...(flags.concurrency === undefined ? {} : { concurrency: Number(flags.concurrency) }),
      });
      if (flags.json) {
        printJson({ ...result, failures: failures(result.failures) });
      } else if (result.format === 'json') {
        for (const row of result.rows) process.stdout.write(`${toJsonLine(row)}\n`);
      } else {
        process.stdout.write(`${toJsonLine(result.columns)}\n`);
      }
      for (const failure of failures(result.failures))
        process.stderr.write(`parkit: failed ${failure.key}: ${failure.message}\n`);
      if (result.failures.length > 0) process.exitCode = 8;
    });

  stoaOptions(
    stoa
      .command('pars')
      .description('wrap every signed file as a read-only Par sealed to --to; print the tokens'),
  )
    .requiredOption('--to <recipient...>', 'age1… recipients')
    .addHelpText('after', examples(`parkit stoa pars ${PRODUCT} --to age1… > tokens.txt`))
    .action(async (flags: StoaFlags & { to: string[] }) => {
      const pars = await stoaClient(flags).pars({ recipients: flags.to, signal: interruptSignal() });
      if (flags.json) {
        printJson(
          pars.map((par) => ({
            key: par.target.key,
            token: par.toToken(),
            fingerprint: par.fingerprint(),
            expires: par.expires.toISO(),
          })),
        );
      } else for (const par of pars) process.stdout.write(`${par.toToken()}\n`);
    });
}
