#!/usr/bin/env node
/**
 * The `parkit` command. Errors print as one line on stderr with their code, never a secret;
 * exit codes are in `exit-codes.ts` and docs/cli.md.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { isParkitError } from '../par/errors.js';
import { bucketCommand } from './commands/bucket.js';
import { inspectCommand } from './commands/inspect.js';
import { keygenCommand } from './commands/keygen.js';
import { serveCommand } from './commands/serve.js';
import { shareCommand } from './commands/share.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

const program = new Command('parkit')
  .description('sealed, time-limited links to object storage (pre-authenticated requests)')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError();

keygenCommand(program);
inspectCommand(program);
serveCommand(program);
bucketCommand(program);
shareCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const code = isParkitError(error) ? error.code : error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    console.error(`parkit: ${code}: ${message}`);
    process.exitCode = exitCodeFor(error);
  }
}
