/**
 * `parkit reseal`: hand a grant you hold to other recipients (same fingerprint, new token).
 *
 * @module
 */
import type { Command } from 'commander';
import {
  type CommonOptions,
  examples,
  identityOption,
  outputOptions,
  parAndIdentity,
  TOKEN_HELP,
} from '../common.js';
import { printJson } from '../json.js';

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function resealCommand(program: Command): void {
  const command = program
    .command('reseal')
    .description('seal the same grant to other recipients and print the new token')
    .argument('[token]', TOKEN_HELP, '-')
    .requiredOption('--to <recipient...>', 'age1… recipients (repeat or list several)');
  identityOption(command);
  outputOptions(command);
  command
    .addHelpText(
      'after',
      examples(
        'parkit reseal @mine.txt --to age1qyq… > for-bob.txt',
        'parkit reseal par1… --to age1aaa… age1bbb… --json',
      ),
    )
    .action(async (token: string, options: CommonOptions & { to: string[] }) => {
      const { par, identity } = await parAndIdentity(token, options);
      const resealed = await par.reseal(identity, options.to);
      if (options.json) {
        printJson({
          token: resealed.toToken(),
          fingerprint: resealed.fingerprint(),
          recipients: options.to.length,
        });
      } else {
        process.stdout.write(`${resealed.toToken()}\n`);
      }
    });
}
