import type { Settings } from '../../server/src/lsp/settings';

/**
 * The `gitoverlay build` arguments a build task gets from the settings (read as the server reads
 * them: `readSettings`), so that a task (the terminal; a module document's only way to build here)
 * builds what the palette's Build… builds: the same repository, backend, Copr project and module
 * metadata (the streams mock enables, a module's buildrequires). Pure: the settings come in.
 */
export function buildTaskArgs(s: Settings): string[] {
  const args: string[] = [];
  // The task runs in the document's directory: a relative outDir is relative to it, as the setting says.
  if (s.buildOutDir) args.push('--out', s.buildOutDir);
  if (s.buildJobs > 1) args.push('--jobs', String(s.buildJobs));
  if (s.buildDist) args.push('--dist', s.buildDist);
  if (s.buildBackend !== 'auto') args.push('--backend', s.buildBackend);
  if (s.buildBackend === 'copr') {
    // Without a project the CLI says what is missing, in the terminal.
    if (s.coprProject) args.push('--copr', s.coprProject);
    for (const c of s.coprChroots) args.push('--chroot', c);
    if (s.coprConfig) args.push('--copr-config', s.coprConfig);
    args.push('--poll', String(s.coprPollSeconds));
  }
  for (const r of s.moduleRepos) args.push('--repo', r);
  for (const d of s.defaultsDirs) args.push('--defaults', d);
  if (s.platform) args.push('--platform', s.platform);
  return args;
}
