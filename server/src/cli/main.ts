import { version } from '../../../package.json';
import { runAutospecCommand } from './autospec-main';
import { BUILD_USAGE, runBuild } from './build';
import { runBuildroot } from './buildroot';
import { runDiff } from './diff';
import { runSmoketest } from './smoketest';
import { CHECK_USAGE } from './check';
import { runCheckCommand } from './check-main';
import { RESOLVE_USAGE, runResolve } from './resolve';
import { runRevert } from './revert';
import { commandFailure, type CommandResult } from './usage';

const USAGE = `gitoverlay ${version}: validation and previews for RPM overlays and modulemd

usage: gitoverlay <command> [options]

commands:
  check [--format text|json|sarif] PATH...   validate overlay manifests and modulemd documents
  release [--json] [--number-only] PATH      the release %autorelease gives (PATH: spec or dist-git dir)
  changelog [--no-pager] PATH                the changelog %autochangelog gives
  spec PATH [-o OUT]                         the spec with both expanded (rpmautospec process-distgit)
                                             (these three exit 1 when the current spec cannot be parsed,
                                             as rpmautospec; --no-error-on-unparseable-spec goes on)
  resolve [--json] [--fetch] [--cache DIR] [--spec-dir DIR] OVERLAY
                                             pin each component to commits: NEVR and rewritten spec
                                             (file:// and local paths allowed, unlike in the editor)
  buildroot [--json] [--platform N:S] [--defaults DIR]... [--repo PATH]... FILE
                                             modules and RPMs a build of FILE (module, overlay, spec)
                                             finds, per stream expansion; build batches
  revert [-C DIR] [--push] [--bump-on-collision | --allow-collision] [--dry-run] COMMIT
                                             revert a dist-git commit; NEVR before/after, collisions
                                             refused unless bumped or allowed (revert --help)
  build [--backend local|mock|copr] [--jobs N] [--out DIR] [--component NAME]... OVERLAY|MODULE
                                             build every component (here with rpmbuild in bwrap, in
                                             mock, or on Copr) into a yum repository swapped in
                                             atomically; reproducible (build --help)
  smoketest [--out DIR] OVERLAY              install and run gitoverlay.tests.yml against the raw compose;
                                             promote it to DIR-smoketested when it passes
  diff [--json] REPO1 REPO2                  what differs between two builds or composes: packages
                                             added/removed/changed, same NEVRA rebuilt differently
  lsp --stdio                                run the language server on stdin/stdout
  help                                       this text
`;

/** Runs one CLI invocation; never throws (a fault becomes exit code 2 with a message). */
export async function run(argv: string[]): Promise<CommandResult> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return runCheckCommand(rest);
      case 'release':
      case 'changelog':
      case 'spec':
        return await runAutospecCommand(argv);
      case 'resolve':
        return await runResolve(rest);
      case 'buildroot':
        return await runBuildroot(rest);
      case 'build':
        return await runBuild(rest);
      case 'revert':
        return await runRevert(rest);
      case 'diff':
        return await runDiff(rest);
      case 'smoketest':
        return await runSmoketest(rest);
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
    return commandFailure(err, command === 'check' ? CHECK_USAGE : command === 'resolve' ? RESOLVE_USAGE : command === 'build' ? BUILD_USAGE : USAGE);
  }
}

export function main(argv: string[]): void {
  if (argv[0] === 'lsp') {
    // The server owns stdin/stdout from here on.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../lsp/server').startServer();
    return;
  }
  void run(argv).then((result) => {
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    process.exitCode = result.code;
  });
}


// `node dist/cli.js ...` (the editor's build task) runs the CLI too; bin/gitoverlay.js calls main().
if (require.main === module) main(process.argv.slice(2));
