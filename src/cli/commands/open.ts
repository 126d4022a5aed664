/**
 * `parkit open`: check that this identity opens a token, and print its URL only when asked.
 *
 * @module
 */
import type { Command } from 'commander';
import { redactUrl } from '../../par/redact.js';
import { describeTarget } from '../../par/target.js';
import {
  type CommonOptions,
  examples,
  identityOption,
  outputOptions,
  parAndIdentity,
  TOKEN_HELP,
} from '../common.js';
import { printJson } from '../json.js';

function shown(secret: string): string {
  return URL.canParse(secret) ? redactUrl(secret) : '<a non-URL secret>';
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function openCommand(program: Command): void {
  const command = program
    .command('open')
    .description('open a token with your identity; print the URL it grants only with --reveal')
    .argument('[token]', TOKEN_HELP, '-')
    .option('--reveal', 'print the secret URL itself (it grants access: treat it as a password)');
  identityOption(command);
  outputOptions(command);
  command
    .addHelpText(
      'after',
      examples(
        'parkit open par1…                 # checks it opens; shows the URL redacted',
        'parkit open @shared.txt --reveal  # prints the URL, e.g. for curl',
        'curl -fsSL "$(parkit open @shared.txt --reveal)"',
      ),
    )
    .action(async (token: string, options: CommonOptions & { reveal?: boolean }) => {
      const { par, identity } = await parAndIdentity(token, options);
      const secret = await par.url(identity);
      if (options.json) {
        printJson({
          fingerprint: par.fingerprint(),
          opens: true,
          url: shown(secret),
          ...(options.reveal ? { secret } : {}),
          secondsRemaining: Math.floor(par.secondsRemaining()),
        });
      } else if (options.reveal) {
        process.stdout.write(`${secret}\n`);
      } else {
        process.stdout.write(
          `opens: ${par.permissions.join(', ')} on ${describeTarget(par.target)} via ${shown(secret)}\n`,
        );
        process.stderr.write('(the URL is a secret: add --reveal to print it)\n');
      }
    });
}
