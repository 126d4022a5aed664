/**
 * `parkit close`: revoke a grant at its issuer, where the driver can.
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
export function closeCommand(program: Command): void {
  const command = program
    .command('close')
    .description('revoke the grant at its issuer (exit 9 when the driver cannot revoke)')
    .argument('[token]', TOKEN_HELP, '-');
  identityOption(command);
  outputOptions(command);
  command
    .addHelpText('after', examples('parkit close @shared.txt', 'parkit close par1… --json'))
    .action(async (token: string, options: CommonOptions) => {
      const { par, identity } = await parAndIdentity(token, options);
      await par.close(identity);
      if (options.json) printJson({ fingerprint: par.fingerprint(), closed: true });
      else process.stdout.write(`closed ${par.fingerprint()}\n`);
    });
}
