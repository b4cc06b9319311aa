import { dirname } from 'node:path';
import { ModuleIndex, streamsOfDocument } from '../buildroot/index';
import { mbsStreamRewrite, resolveModule } from '../buildroot/resolve';
import { git } from '../git/exec';
import { parseYaml, type YamlDocument } from '../yaml/parse';
import { readFile } from 'node:fs/promises';
import { mbsDependencies, solutionOf } from './expand';
import { mbsIdentity, type Identity } from './identity';

/**
 * A module document submitted as MBS would take it, for a build here: its buildrequires resolved
 * (core/buildroot; the platform synthesized from the document's own platform stream when no index
 * holds it), the first expansion chosen (MBS builds each; the others are reported), and the
 * identity of that build (identity.ts) with the document's own git commit as xmd.mbs.commit.
 */

export class SubmissionError extends Error {}

export interface Submission {
  identity: Identity;
  /** How many module builds MBS would make of the document (one per expansion). */
  expansions: number;
}

/** The document's repository commit and URL (scmurl `URL?#COMMIT`), or nulls outside git. */
async function moduleScm(path: string, signal?: AbortSignal): Promise<{ commit: string | null; scmurl: string | null }> {
  const dir = dirname(path);
  const head = await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: dir, signal, okCodes: [1, 128] }).catch(() => null);
  const commit = head && head.code === 0 ? head.stdout.toString().trim() : null;
  if (!commit) return { commit: null, scmurl: null };
  const origin = await git(['config', '--get', 'remote.origin.url'], { cwd: dir, signal, okCodes: [1] }).catch(() => null);
  const top = (await git(['rev-parse', '--show-toplevel'], { cwd: dir, signal })).stdout.toString().trim();
  const url = origin?.stdout.toString().trim() || `file://${top}`;
  return { commit, scmurl: `${url}?#${commit}` };
}

/** A single positive platform stream the document buildrequires (what a synthesized platform is), else undefined. */
function platformOf(doc: YamlDocument): string | undefined {
  const v = doc.value as { data?: { dependencies?: { buildrequires?: { platform?: unknown } }[]; configurations?: { platform?: unknown }[] } };
  const lists = [...(v.data?.dependencies ?? []).map((d) => d?.buildrequires?.platform), ...(v.data?.configurations ?? []).map((c) => (c?.platform !== undefined ? [c.platform] : undefined))];
  const streams = lists.flatMap((l) => (Array.isArray(l) ? l.map(String) : [])).filter((s) => !s.startsWith('-'));
  return streams.length ? streams[0] : undefined;
}

export async function submitModule(
  path: string,
  time: string,
  rpmRefs: Record<string, string>,
  options: { index?: ModuleIndex; signal?: AbortSignal } = {},
): Promise<Submission> {
  const doc = parseYaml(await readFile(path, 'utf8')).documents[0];
  if (!doc) throw new SubmissionError(`${path} holds no document`);
  const index = options.index ?? new ModuleIndex();
  const platform = platformOf(doc);
  const resolveOptions = platform ? { platform } : {};
  const resolution = resolveModule(streamsOfDocument(doc, path), index, resolveOptions);
  if (resolution.errors.length || !resolution.expansions.length) {
    throw new SubmissionError(`cannot resolve the module's buildrequires: ${resolution.errors.join('; ') || 'no expansion'}`);
  }
  const x = resolution.expansions[0];
  const { dependencies, entry, staticContext } = mbsDependencies(doc.value, x.subject, x.entry, mbsStreamRewrite(index, resolveOptions));
  const scm = await moduleScm(path, options.signal);
  const identity = mbsIdentity({ dependencies, entry, staticContext, solution: solutionOf(x, index), time, commit: scm.commit, scmurl: scm.scmurl, rpmRefs });
  return { identity, expansions: resolution.expansions.length };
}
