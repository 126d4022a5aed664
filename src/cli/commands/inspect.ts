/**
 * `parkit inspect`: show what a token grants, without any key.
 *
 * @module
 */
import type { Command } from 'commander';
import { Par } from '../../par/par.js';
import { describeTarget } from '../../par/target.js';
import { readTokenArgument } from '../io.js';

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function inspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('show the metadata, fingerprint and time remaining of a token (no key needed)')
    .argument('[token]', 'the token, @file, a file path, or - for standard input', '-')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  parkit inspect par1…\n  parkit inspect @shared.txt --json\n  pbpaste | parkit inspect',
    )
    .action(async (token: string, options: { json?: boolean }) => {
      const par = Par.fromToken(await readTokenArgument(token));
      const remaining = Math.floor(par.secondsRemaining({ buffer: 0 }));
      if (options.json) {
        console.log(JSON.stringify({ ...par.toJSON(), secondsRemaining: remaining }));
        return;
      }
      const lines = [
        ['fingerprint', par.fingerprint()],
        ['grants', par.permissions.join(', ')],
        ['target', describeTarget(par.target)],
        ['driver', par.driver],
        ['name', par.name],
        ['created', par.created.toISO()],
        ['expires', `${par.expires.toISO()} (${remaining > 0 ? `${remaining} s left` : 'expired'})`],
      ] as const;
      for (const [label, value] of lines) if (value !== undefined) console.log(`${label.padEnd(12)}${value}`);
    });
}
