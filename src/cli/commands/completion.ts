/**
 * `parkit completion bash`: a bash completion script built from the command tree, so it always
 * lists what this build has.
 *
 * @module
 */
import type { Command } from 'commander';

function words(command: Command): { subcommands: string[]; options: string[] } {
  return {
    subcommands: command.commands.map((sub) => sub.name()),
    options: command.options
      .flatMap((option) => [option.short, option.long].filter((flag): flag is string => flag !== undefined))
      .concat('--help'),
  };
}

/**
 * The bash completion script for a program.
 *
 * @param program - the root command
 */
export function bashCompletion(program: Command): string {
  const cases: string[] = [];
  const visit = (command: Command, path: string[]) => {
    const { subcommands, options } = words(command);
    cases.push(`    "${path.join(' ')}") echo "${[...subcommands, ...options].join(' ')}" ;;`);
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return `# bash completion for parkit; load with: source <(parkit completion bash)
_parkit_words() {
  case "$1" in
${cases.join('\n')}
    *) return 1 ;;
  esac
}
_parkit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" i word
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    if _parkit_words "\${path:+$path }$word" >/dev/null; then path="\${path:+$path }$word"; fi
  done
  COMPREPLY=($(compgen -W "$(_parkit_words "$path")" -- "$cur"))
  if [[ \${#COMPREPLY[@]} -eq 0 && "$cur" != -* ]]; then COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -F _parkit parkit
`;
}

/**
 * Register the command.
 *
 * @param program - the root command
 */
export function completionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash)')
    .argument('[shell]', 'the shell', 'bash')
    .addHelpText(
      'after',
      '\nExamples:\n  source <(parkit completion bash)\n  parkit completion bash > /etc/bash_completion.d/parkit',
    )
    .action((shell: string) => {
      if (shell !== 'bash') throw new RangeError('only bash completion is available');
      process.stdout.write(bashCompletion(program));
    });
}
