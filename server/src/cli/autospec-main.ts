import { CHANGELOG_USAGE, RELEASE_USAGE, runChangelog, runRelease, runSpec, SPEC_USAGE } from './autospec';
import { commandFailure, type CommandResult } from './usage';

const COMMANDS: Record<string, [(argv: string[]) => Promise<CommandResult>, string]> = {
  release: [runRelease, RELEASE_USAGE],
  changelog: [runChangelog, CHANGELOG_USAGE],
  spec: [runSpec, SPEC_USAGE],
};

/** `gitoverlay release|changelog|spec` with the error handling run() in main.ts gives every command; never throws. */
export async function runAutospecCommand(argv: string[]): Promise<CommandResult> {
  const [command, ...rest] = argv;
  try {
    return await COMMANDS[command][0](rest);
  } catch (err) {
    // A missing spec or path exits 1, as with rpmautospec (usage errors exit 2, as with click).
    return commandFailure(err, COMMANDS[command][1], 1);
  }
}

/**
 * Entry point of dist/autospec.js, which bin/gitoverlay.js loads for `release`, `changelog` and
 * `spec`: only the history engine and spec evaluator, with a code cache, so a call starts fast.
 */
export function main(argv: string[]): void {
  void runAutospecCommand(argv).then((result) => {
    // Exits once the answer is written: helper processes (git cat-file, rpm's parsers) end on their
    // own when their input closes; waiting for them cost 20–30 ms a call.
    let pending = 2;
    const done = (): void => {
      if (--pending === 0) process.exit(result.code);
    };
    process.stdout.write(result.stdout ?? '', done);
    process.stderr.write(result.stderr ?? '', done);
  });
}
