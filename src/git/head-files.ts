/**
 * The text at HEAD of the files directly in one directory of the repository whose names end
 * with given suffixes (a Terraform configuration's `*.tf`: src/policy/command/terraform-apply.ts,
 * which compares a remote backend's configuration with HEAD's). One `git grep` of HEAD's tree
 * that prints every line (`-e ''`), `-z` (name, NUL, line number, NUL, line): asked only for a
 * `terraform|tofu apply` approved on the line whose state is not in the repository.
 */
import path from 'node:path';
import { runGitSync } from './run.js';
import { escapedText } from '../util/escaped-text.js';

/** Bytes of output read at most (a configuration is a few KB): past it, unknown. */
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * File name -> text at HEAD, for the files directly in `dir` (absolute) ending with one of
 * `suffixes`; an empty map where there are none (or HEAD is unborn), null where git cannot say.
 */
export function headFilesIn(root: string, dir: string, suffixes: readonly string[]): Map<string, string> | null {
  const rel = path.posix.relative(root, dir);
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return null;
  // A directory whose name is not UTF-8 (escaped-text.ts) cannot go to git as an argument (Node
  // encodes argv as UTF-8): unknown, so nothing is judged by it.
  if (/[\udc80-\udcff]/.test(rel)) return null;
  const escaped = rel.replace(/[*?[\]\\]/g, '\\$&');
  const specs = suffixes.map((suffix) => `:(top,glob)${escaped === '' ? '' : `${escaped}/`}*${suffix}`);
  let stdout: Buffer;
  try {
    // exit 1: nothing matched; 128: HEAD unborn or not a commit
    const read = runGitSync(['grep', '-z', '-n', '-I', '--no-color', '--no-column', '--full-name', '-e', '', 'HEAD', '--', ...specs], { cwd: root, okCodes: [1, 128] });
    if (read.code === 1 || read.code === 128) return read.code === 1 ? new Map() : null;
    stdout = read.stdout;
  } catch {
    return null;
  }
  if (stdout.length > MAX_OUTPUT) return null;
  const lines = new Map<string, string[]>();
  let at = 0;
  while (at < stdout.length) {
    const nameEnd = stdout.indexOf(0, at);
    const numberEnd = nameEnd < 0 ? -1 : stdout.indexOf(0, nameEnd + 1);
    const lineEnd = numberEnd < 0 ? -1 : stdout.indexOf(10, numberEnd + 1);
    if (lineEnd < 0) return null;
    const name = path.posix.basename(escapedText(stdout.subarray(at, nameEnd)));
    const list = lines.get(name) ?? [];
    list.push(stdout.subarray(numberEnd + 1, lineEnd).toString('utf8'));
    lines.set(name, list);
    at = lineEnd + 1;
  }
  return new Map([...lines].map(([name, list]) => [name, `${list.join('\n')}\n`]));
}
