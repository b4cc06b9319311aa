// One build chroot of the local Copr service: rpmbuild --rebuild of the SRPM in a _topdir of its
// own, in bubblewrap without network when bwrap works here (see builds.mjs for what this stands in
// for), the results checked for honest arches and written as copr-rpmbuild writes them.

import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Canceled } from './builds.mjs';
import { fullName, ownerName } from './model.mjs';
import { capture, runLogged } from './results.mjs';

/** mock's target_arch for a chroot arch. */
const TARGET = { i386: 'i686', armhfp: 'armv7hl' };
/** What libmagic says of an ELF object of each target arch (rpm's FILECLASS). */
const ELF_MACHINE = {
  x86_64: /x86-64/,
  i686: /Intel (80386|i386)/,
  aarch64: /ARM aarch64/,
  ppc64le: /64-bit PowerPC|PowerPC/,
  s390x: /IBM S\/390/,
  armv7hl: /ARM, EABI/,
  riscv64: /RISC-V/,
};

/**
 * rpmbuild --rebuild of the build's SRPM for the chroot in the _topdir TOP; the results into
 * RESULTDIR. `svc`: the service's Backend (its sandbox and the processes it may cancel).
 */
export async function rpmbuildChroot(svc, b, bc, mc, top, resultDir, live, backend) {
  const target = TARGET[mc.arch] ?? mc.arch;
  await svc.probeSandbox();
  await rm(top, { recursive: true, force: true });
  for (const d of ['BUILD', 'BUILDROOT', 'RPMS', 'SRPMS', 'SOURCES', 'SPECS', 'tmp', 'input']) await mkdir(join(top, d), { recursive: true });
  const srpm = join(top, 'input', basename(b.srpmPath));
  await copyFile(b.srpmPath, srpm);
  const owner = ownerName(b.copr);
  const defs = ['--define', `_topdir ${top}`, '--define', `_tmppath ${top}/tmp`, '--define', `dist ${mc.dist}`];
  for (const [k, v] of Object.entries(mc.macros)) defs.push('--define', `${k} ${v}`);
  // The macros copr-backend gives every build (job.py mockchain_macros).
  defs.push('--define', `copr_username ${owner}`, '--define', `copr_projectname ${b.copr.name}`, '--define', `vendor Fedora Project COPR (${owner}/${b.copr.name})`);
  const args = ['--rebuild', '--nodeps', ...defs, '--target', target, srpm];
  live.write(
    [
      `gitoverlay's local Copr service: build ${b.id} of ${b.package_name}-${b.pkg_version} in ${bc.name} (${fullName(b.copr)})`,
      'This is not mock: rpmbuild --rebuild runs on this host without a chroot of the target distribution.',
      '--nodeps: BuildRequires cannot be checked or installed here.',
      svc.sandbox === 'bwrap'
        ? `sandbox: bwrap --unshare-all${b.enable_net ? ' --share-net (enable_net)' : ' (no network)'}, read-only host, only the build directory writable`
        : 'sandbox: none (bwrap is not installed, does not work here, or was turned off): rpmbuild runs directly on this host',
      `target: ${target}${target === process.arch.replace('x64', 'x86_64').replace('arm64', 'aarch64') ? '' : ' (not this host: rpmbuild --target only sets the macros; anything compiled is for the host, checked below)'}`,
      `timeout: ${b.timeout} s`,
      `$ rpmbuild ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`,
      '',
    ].join('\n'),
  );
  const code = await sandboxedRpmbuild(svc, b, top, args, live, b.enable_net, b.timeout);
  if (b.canceled) throw new Canceled();
  if (code === 'timeout') throw new Error('Build timeouted');
  if (code !== 0) throw new Error(`rpmbuild --rebuild failed (exit ${code})`);
  const rpms = [];
  for (const d of await readdir(join(top, 'RPMS'), { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of await readdir(join(top, 'RPMS', d.name))) if (f.endsWith('.rpm')) rpms.push(join(top, 'RPMS', d.name, f));
  }
  if (rpms.length === 0) throw new Error('rpmbuild made no binary RPM');
  // Honest arches: an ELF object in a package for another arch was compiled for this host.
  for (const rpm of rpms) {
    const q = await capture('rpm', ['-qp', '--nomanifest', '--nosignature', '--qf', '%{ARCH}\\n[%{FILECLASS}\\t%{FILENAMES}\\n]', rpm], { env: { ...process.env, LC_ALL: 'C' } });
    const [arch, ...files] = q.out.split('\n').filter(Boolean);
    if (arch === 'noarch') continue;
    const want = ELF_MACHINE[target];
    const wrong = files.filter((l) => /\bELF\b/.test(l) && (!want || !want.test(l.split('\t')[0])));
    if (wrong.length) {
      throw new Error(
        `${basename(rpm)} holds ELF objects that are not for ${target} (rpmbuild compiled them for this ${process.arch} host; the service cannot cross-build):\n  ${wrong.slice(0, 5).join('\n  ')}`,
      );
    }
  }
  const results = [];
  for (const f of [srpm, ...rpms]) {
    // Copied under another name, then renamed: createrepo_c of a neighbour build never reads half a file.
    await copyFile(f, join(resultDir, `${basename(f)}.part`));
    await rename(join(resultDir, `${basename(f)}.part`), join(resultDir, basename(f)));
    results.push(await nevra(f));
  }
  // copr-rpmbuild's results.json and the "success" marker the backend looks for.
  await writeFile(join(resultDir, 'results.json'), JSON.stringify({ packages: results }, null, 4));
  await writeFile(join(resultDir, 'success'), '');
  bc.results = results;
  backend.info(`Built ${results.map((r) => `${r.name}-${r.version}-${r.release}.${r.arch}`).join(', ')}`);
}

/** rpmbuild in TOP (in bwrap when available). Resolves to the exit code, or 'timeout'. */
export async function sandboxedRpmbuild(svc, b, top, args, live, net, timeoutSec) {
  await svc.probeSandbox();
  const env = { PATH: process.env.PATH, LC_ALL: 'C', HOME: top, TMPDIR: join(top, 'tmp') };
  const [cmd, argv] =
    svc.sandbox === 'bwrap'
      ? [
          'bwrap',
          [
            '--unshare-all',
            ...(net ? ['--share-net'] : []),
            '--die-with-parent',
            '--ro-bind',
            '/',
            '/',
            '--dev',
            '/dev',
            '--proc',
            '/proc',
            '--tmpfs',
            '/tmp',
            '--bind',
            top,
            top,
            '--chdir',
            top,
            'rpmbuild',
            ...args,
          ],
        ]
      : ['rpmbuild', args];
  const ctl = new AbortController();
  const onCancel = () => ctl.abort();
  b.abort.signal.addEventListener('abort', onCancel, { once: true });
  let timedOut = false;
  const timer = timeoutSec ? setTimeout(() => ((timedOut = true), ctl.abort()), timeoutSec * 1000) : null;
  svc.svc.children.add(ctl);
  try {
    const code = await runLogged(cmd, argv, { log: live, cwd: top, env, signal: ctl.signal });
    return timedOut ? 'timeout' : code;
  } finally {
    clearTimeout(timer);
    svc.svc.children.delete(ctl);
    b.abort.signal.removeEventListener('abort', onCancel);
  }
}

/** A package's NEVRA as copr-rpmbuild's results.json has it (arch "src" for the SRPM). */
async function nevra(file) {
  const q = await capture('rpm', ['-qp', '--nomanifest', '--nosignature', '--qf', '%{NAME}\\n%|EPOCH?{%{EPOCH}}:{}|\\n%{VERSION}\\n%{RELEASE}\\n%{ARCH}\\n', file], {
    env: { ...process.env, LC_ALL: 'C' },
  });
  const [name, epoch, version, release, arch] = q.out.split('\n');
  return { name, epoch: epoch ? Number(epoch) : null, version, release, arch: file.endsWith('.src.rpm') ? 'src' : arch };
}
