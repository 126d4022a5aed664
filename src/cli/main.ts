#!/usr/bin/env node
/**
 * The `parkit` command. Errors print as one line on stderr with their code, never a secret;
 * exit codes are in `exit-codes.ts` and docs/cli.md.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { bucketCommand } from './commands/bucket.js';
import { closeCommand } from './commands/close.js';
import { completionCommand } from './commands/completion.js';
import { eventCommand } from './commands/event.js';
import { flowsCommand } from './commands/flows.js';
import { flowDataCommands } from './commands/flows-data.js';
import { getCommand } from './commands/get.js';
import { inspectCommand } from './commands/inspect.js';
import { keygenCommand } from './commands/keygen.js';
import { lsCommand } from './commands/ls.js';
import { observeCommand } from './commands/observe.js';
import { openCommand } from './commands/open.js';
import { putCommand } from './commands/put.js';
import { resealCommand } from './commands/reseal.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { shareCommand } from './commands/share.js';
import { shareCalcCommand } from './commands/share-calc.js';
import { stoaCommand } from './commands/stoa.js';
import { watchCommand } from './commands/watch.js';
import { reportError } from './error-line.js';
import { EXIT } from './exit-codes.js';

const program = new Command('parkit')
  .description('sealed, time-limited links to object storage (pre-authenticated requests)')
  .version('0.1.0')
  // The root's own options (--version) only before a command, so `parkit lineage --version N` is lineage's.
  .enablePositionalOptions()
  .exitOverride()
  .showHelpAfterError();

keygenCommand(program);
serveCommand(program);
bucketCommand(program);
shareCommand(program);
shareCalcCommand(program);
inspectCommand(program);
openCommand(program);
getCommand(program);
putCommand(program);
lsCommand(program);
closeCommand(program);
runCommand(program);
resealCommand(program);
eventCommand(program);
watchCommand(program);
stoaCommand(program);
observeCommand(program);
flowsCommand(program);
flowDataCommands(program);
completionCommand(program);

// Subcommands throw instead of exiting, like the root.
const override = (command: Command): void => {
  for (const sub of command.commands) {
    sub.exitOverride();
    override(sub);
  }
};
override(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportError(error, process.argv.includes('--json'));
  }
}
