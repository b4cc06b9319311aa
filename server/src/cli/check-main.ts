import { version } from '../../../package.json';
import { CHECK_USAGE, runCheck } from './check';
import { commandFailure, type CommandResult } from './usage';

/** `gitoverlay check` with the error handling run() in main.ts gives every command; never throws. */
export function runCheckCommand(argv: string[]): CommandResult {
  try {
    return runCheck(argv, version);
  } catch (err) {
    return commandFailure(err, CHECK_USAGE);
  }
}

/**
 * Entry point of dist/check.js, which bin/gitoverlay.js loads for `gitoverlay check ...` (argv[0] is
 * 'check'): that bundle holds only the checker, so it loads in a fraction of the whole CLI's time.
 */
export function main(argv: string[]): void {
  const result = runCheckCommand(argv.slice(1));
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
