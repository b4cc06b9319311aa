import { version } from '../../../package.json';
import { CHECK_USAGE, runCheck } from './check';
import { UsageError, type CommandResult } from './usage';

const USAGE = `gitoverlay ${version}: validation and previews for RPM overlays and modulemd

usage: gitoverlay <command> [options]

commands:
  check [--format text|json|sarif] PATH...   validate overlay manifests and modulemd documents
  lsp --stdio                                run the language server on stdin/stdout
  help                                       this text
`;

/** Runs one CLI invocation; never throws (a fault becomes exit code 2 with a message). */
export function run(argv: string[]): CommandResult {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return runCheck(rest, version);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return { code: command === undefined ? 2 : 0, stdout: command === undefined ? undefined : USAGE, stderr: command === undefined ? USAGE : undefined };
      case '--version':
      case '-V':
        return { code: 0, stdout: `${version}\n` };
      default:
        return { code: 2, stderr: `gitoverlay: unknown command '${command}'\n\n${USAGE}` };
    }
  } catch (err) {
    if (err instanceof UsageError) return { code: 2, stderr: `gitoverlay: ${err.message}\n${err.usage}\n` };
    const e = err as { code?: string; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
      return { code: 2, stderr: `gitoverlay: ${e.message}\n${command === 'check' ? CHECK_USAGE : USAGE}\n` };
    }
    return { code: 2, stderr: `gitoverlay: internal error: ${e.message ?? String(err)}\n` };
  }
}

export function main(argv: string[]): void {
  if (argv[0] === 'lsp') {
    // The server owns stdin/stdout from here on.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../lsp/server').startServer();
    return;
  }
  const result = run(argv);
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}

