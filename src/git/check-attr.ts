/**
 * git's attributes of many paths with one `git check-attr -z --stdin`: what git decides, not us
 * (nested .gitattributes, info/attributes, core.attributesFile, macros such as `binary`).
 * Paths are byte strings (latin1) both ways; `-z` means no quoting.
 */
import type { Repo } from './repo.js';
import { runGit, splitNulBytes } from './run.js';

/** Each path's value of each attribute: 'set', 'unset', 'unspecified' or the value given. */
export async function checkAttributes(repo: Repo, paths: string[], attributes: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (paths.length === 0) return out;
  const { stdout } = await runGit(['check-attr', '-z', '--stdin', ...attributes], { cwd: repo.root, input: Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1') });
  // "<path>\0<attribute>\0<value>\0" for every path and attribute.
  const fields = splitNulBytes(stdout);
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const record = out.get(fields[i]!) ?? {};
    record[fields[i + 1]!] = Buffer.from(fields[i + 2]!, 'latin1').toString('utf8');
    out.set(fields[i]!, record);
  }
  return out;
}
