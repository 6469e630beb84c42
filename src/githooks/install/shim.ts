/**
 * The hook files guard installs: for each hook, one self-contained POSIX sh file made of a header
 * (which hook, where the guard package and node are), hooks/lib.sh and hooks/<name>.sh. Written
 * whole, so a hook keeps working while the package is being updated, and recognisable by its
 * marker line so guard never mistakes a user's hook for its own (or the reverse).
 */
import { createHash } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { shQuote } from '../../config/policy-sh.js';
import { packageRoot, packageStamp } from '../../util/package-root.js';
import { testFault } from '../../util/test-faults.js';

/** The hooks `guard init` installs in a working repository (docs/hooks.md says why these). */
export const LOCAL_HOOKS = ['pre-commit', 'pre-push', 'reference-transaction', 'pre-rebase'] as const;
/** The hook `guard server install` installs in a bare repository. */
export const SERVER_HOOKS = ['pre-receive'] as const;
export type HookName = (typeof LOCAL_HOOKS)[number] | (typeof SERVER_HOOKS)[number];

export const SHIM_MARKER = '# git-guard hook shim';
export const CHAINED_SUFFIX = '.guard-chained';

export { packageRoot };

export interface ShimOptions {
  /** Package root baked into the shim (default: this installation). */
  pkg?: string;
  /** node binary baked into the shim (default: the one running guard); PATH is the fallback. */
  node?: string;
  /** The shim lives in <commonDir>/hooks and may find the common dir from $0. */
  inCommonDir: boolean;
}

/** Interpreters preferred to /bin/sh for the installed hooks, in order (hookShell). */
const FAST_SHELLS = ['/bin/dash'];

/**
 * The interpreter the installed hooks name: /bin/dash where there is one, else /bin/sh. Where
 * /bin/sh is bash (macOS, which has /bin/dash since 10.15; Fedora, Arch) the shims cost 1.4-1.7x
 * the CPU they take under dash (reference-transaction, measured with `bash --posix`: committed
 * 6.7 vs 4.0 ms, prepared 5.8 vs 4.1 ms; a 10-commit rebase runs it 106 times: about 200 ms
 * more), and the test suite runs them under dash (Debian's /bin/sh): there users run the
 * interpreter the tests run. Chosen when a shim is written, as its node is; should it go away,
 * `guard status` reports the hook that cannot run, and the next session start or `guard status`
 * writes the shims again with /bin/sh (refresh.ts: an unedited shim whose text differs).
 * The test bundle takes the candidates from GUARD_TEST_HOOK_SHELLS (colon-separated).
 */
export function hookShell(): string {
  const candidates = testFault('GUARD_TEST_HOOK_SHELLS')?.split(':').filter(Boolean) ?? FAST_SHELLS;
  for (const shell of candidates) {
    try {
      fsSync.accessSync(shell, fsSync.constants.X_OK);
      return shell;
    } catch {
      // not here: the next one, or /bin/sh
    }
  }
  return '/bin/sh';
}

export async function renderShim(name: HookName, options: ShimOptions): Promise<string> {
  const pkg = options.pkg ?? packageRoot();
  const source = path.join(packageRoot(), 'hooks');
  const [lib, body] = await Promise.all([fs.readFile(path.join(source, 'lib.sh'), 'utf8'), fs.readFile(path.join(source, `${name}.sh`), 'utf8')]);
  const header = [
    `#!${hookShell()}`,
    // The marker line alone and short: the reference-transaction shim reads its siblings' first
    // two lines on every committed transaction, and sh reads a line one byte per system call.
    `${SHIM_MARKER}: ${name}`,
    `# Installed by \`guard init\` (git-guard); \`guard uninstall\` removes it and puts back the hook`,
    `# that was here before, kept meanwhile as ${name}${CHAINED_SUFFIX}.`,
    `# Generated from hooks/lib.sh and hooks/${name}.sh in ${pkg} (comments are there); do not edit.`,
    `GUARD_HOOK=${shQuote(name)}`,
    `GUARD_PKG=${shQuote(pkg)}`,
    // The stamp of the package these sh files come from (util/package-root.ts packageStamp): lib.sh compares
    // it with the package's at every run and has the copies refreshed when it changed.
    `GUARD_STAMP=${shQuote(packageStamp())}`,
    `GUARD_NODE=${shQuote(options.node ?? process.execPath)}`,
    `GUARD_HOOKS_IN_COMMON_DIR=${options.inCommonDir ? 1 : 0}`,
    '',
  ].join('\n');
  // lib.sh down to its @early-part line, the hook's early part, the rest of lib.sh, the rest of the
  // hook: sh parses as it runs, so a run that ends in the early part skips parsing the rest.
  const [libHead, libRest] = splitAt(lib, EARLY_PART);
  const [early, bodyRest] = splitAt(body, REST_OF_LIB);
  const parts = libRest === null ? [lib, body] : bodyRest === null ? [libHead, libRest, body] : [libHead, early, libRest, bodyRest];
  return `${header}\n${parts.map(compact).join('\n')}`;
}

/** The line of hooks/lib.sh after which a hook's early part goes. */
const EARLY_PART = '# @early-part';
/** The line of hooks/<name>.sh that ends its early part (what runs before the rest of lib.sh). */
const REST_OF_LIB = '# @rest-of-lib.sh';

/** [before, after] the line that is exactly `marker`, or [source, null] when there is none. */
function splitAt(source: string, marker: string): [string, string | null] {
  const lines = source.split('\n');
  const at = lines.indexOf(marker);
  if (at < 0) return [source, null];
  return [lines.slice(0, at).join('\n'), lines.slice(at + 1).join('\n')];
}

/**
 * The installed file leaves out comment lines and blank lines: reference-transaction runs about
 * a hundred times in a rebase and sh parses the whole file each time. The commented sources are
 * in the package's hooks/ directory, which the header names.
 */
function compact(source: string): string {
  return source
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s*#/.test(line))
    .join('\n')
    .concat('\n');
}

export function isShim(content: string): boolean {
  return content.split('\n', 3).some((line) => line.startsWith(SHIM_MARKER));
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
