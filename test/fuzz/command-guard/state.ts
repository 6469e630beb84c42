/**
 * The fuzzer's record of a repository, byte-exact: every file and symbolic link under the working
 * tree, ignored ones included (`.git` left out), walked with Buffer names so a name that is not
 * UTF-8 is kept as its bytes (test/helpers/state.ts's walk reads names as UTF-8 strings and would
 * merge or lose them), with its permission bits and content hash or link target bytes; plus the
 * index (`git ls-files -s -z`), HEAD (symbolic name and commit), every ref but guard's own
 * (refs/guard/*) and the stash list. Directories are not recorded: git keeps no empty directory
 * and no snapshot promises one.
 *
 * Paths are keyed by their bytes in latin-1 (one character per byte, reversible) and shown with
 * non-printable bytes as \xNN.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { TestRepo } from '../../helpers/git-repo.js';

export interface FuzzState {
  /** latin-1 key of the path's bytes -> "file 644 <sha256>" | "link -> <target>" | "special". */
  files: Map<string, string>;
  /** Each regular file's bytes (the template is small), to tell an append from an overwrite. */
  content: Map<string, Buffer>;
  index: string;
  head: string;
  refs: string;
  stash: string;
}

export function gitAsync(t: TestRepo, args: string[], allowFail = false): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: t.dir, env: t.env, encoding: 'buffer', maxBuffer: 1 << 28 }, (error, stdout, stderr) => {
      if (error && !allowFail) reject(new Error(`git ${args.join(' ')}: ${error.message} ${stderr.toString('latin1')}`));
      else resolve(stdout.toString('latin1'));
    });
  });
}

function walk(dir: Buffer, rel: string, out: Map<string, string>, content: Map<string, Buffer>): void {
  let names: Buffer[];
  try {
    names = fs.readdirSync(dir, { encoding: 'buffer' });
  } catch {
    return; // removed while we looked (a command still running is never the case here)
  }
  for (const name of names) {
    const key = `${rel}${name.toString('latin1')}`;
    if (key === '.git') continue;
    const full = Buffer.concat([dir, Buffer.from('/'), name]);
    const stat = fs.lstatSync(full);
    const bits = (stat.mode & 0o7777).toString(8);
    if (stat.isDirectory()) walk(full, `${key}/`, out, content);
    else if (stat.isSymbolicLink()) out.set(key, `link -> ${fs.readlinkSync(full, { encoding: 'buffer' }).toString('latin1')}`);
    else if (stat.isFile()) {
      const bytes = fs.readFileSync(full);
      content.set(key, bytes);
      out.set(key, `file ${bits} ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`);
    }
    else out.set(key, `special ${bits}`);
  }
}

export async function captureFuzzState(t: TestRepo): Promise<FuzzState> {
  const files = new Map<string, string>();
  const content = new Map<string, Buffer>();
  walk(Buffer.from(t.dir), '', files, content);
  const [index, head, refs, stash] = await Promise.all([
    gitAsync(t, ['ls-files', '-s', '-z']),
    // Line 1 the commit, line 2 the branch HEAD names ("HEAD" when detached).
    gitAsync(t, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'], true),
    gitAsync(t, ['for-each-ref', '--format=%(objectname) %(refname)']),
    gitAsync(t, ['stash', 'list', '--format=%H %gs'], true),
  ]);
  const ownRefs = refs
    .split('\n')
    .filter((line) => line !== '' && !line.split(' ')[1]!.startsWith('refs/guard/'))
    .join('\n');
  return { files, content, index: index.split('\0').join('\n'), head, refs: ownRefs, stash };
}

/** A path key shown with its non-printable bytes as \xNN. */
export function showPath(key: string): string {
  return [...key].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
}

/** Ignored files (bytes, latin-1 keys) as git sees them now: `ls-files -o -i --exclude-standard -z`. */
export async function ignoredFiles(t: TestRepo): Promise<Set<string>> {
  const out = await gitAsync(t, ['ls-files', '-o', '-i', '--exclude-standard', '-z']);
  return new Set(out.split('\0').filter((p) => p !== ''));
}
