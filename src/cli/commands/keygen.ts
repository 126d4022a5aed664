/**
 * `parkit keygen`: create an identity file (owner-only permissions) and print its recipient.
 *
 * @module
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { generateIdentity, identityToRecipient } from '../../seal/keys.js';
import { defaultIdentityPath } from '../io.js';

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function keygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('create an age identity file and print the recipient to share')
    .option('-o, --output <file>', 'where to write the identity', defaultIdentityPath())
    .option('--json', 'print { recipient, path } as JSON')
    .addHelpText('after', '\nExamples:\n  parkit keygen\n  parkit keygen -o team.key --json')
    .action(async (options: { output: string; json?: boolean }) => {
      const identity = await generateIdentity();
      const recipient = await identityToRecipient(identity);
      await mkdir(dirname(options.output), { recursive: true, mode: 0o700 });
      // 'wx': never overwrite an existing identity; 0o600: owner-only.
      const file = await open(options.output, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST')
          throw new TypeError(`${options.output} already exists; not overwriting it`);
        throw error;
      });
      try {
        await file.writeFile(
          `# created: ${DateTime.utc().toISO({ suppressMilliseconds: true })}\n# public key: ${recipient}\n${identity}\n`,
        );
      } finally {
        await file.close();
      }
      if (options.json) console.log(JSON.stringify({ recipient, path: options.output }));
      else {
        console.error(`identity written to ${options.output} (keep it private)`);
        console.log(recipient);
      }
    });
}
