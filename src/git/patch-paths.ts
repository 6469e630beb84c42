/**
 * The files a series of patches creates, read from the patch text itself (an mbox `git am`
 * applies, a heredoc): no git process per patch. `git am -3` (or `am.threeWay`) falls back to a
 * three-way merge where a patch creates a file that is already on disk, and writes the patch's
 * file over an ignored one without a word (plain `git am` refuses: `already exists in working
 * directory`; checked on git 2.39 by running both). Only the paths a patch creates can land on an
 * ignored file: a patch that changes a file HEAD lacks is refused with or without -3.
 *
 * Read, as git apply reads a patch (with `git am -p<n>` and `--directory=<root>`, default -p1 and no
 * root; git 2.39 apply.c, checked by running `git am -3 -p2`, `-p0`, `--directory=sub`): a git header (`diff --git a/X b/X`)
 * followed by `new file mode` creates X (its `+++ b/X` line names it too, but an empty or binary
 * new file has none); `rename to X` and `copy to X` create X (no prefix to strip); a traditional
 * patch's `--- /dev/null` followed by `+++ b/X` creates X. -p<n> strips n leading components (each
 * `/` counts, as in git) from the header and `+++` names and n-1 from `rename to`/`copy to`; the
 * root is put in front of every name, then runs of `/` are squashed. Names quoted by git (`"b/\303\251"`)
 * are unquoted to their bytes. The text and the names are latin1 strings (one char per byte). A
 * line in a commit message that looks like one of these only adds a name to look at (a superset).
 */

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/** A C-style quoted name as git writes it (`"..."` at the start of `text`): the name and where it ends. */
function unquote(text: string): { name: string; end: number } | null {
  let name = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') return { name, end: i + 1 };
    if (c !== '\\') {
      name += c;
      continue;
    }
    const next = text[i + 1] ?? '';
    if (/[0-3]/.test(next) && /^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      name += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (ESCAPES[next] !== undefined) {
      name += ESCAPES[next];
      i++;
    } else return null;
  }
  return null;
}

/** A name as written after `+++ `, `rename to ` ...: quoted, or up to a tab (a traditional patch's timestamp). */
function nameOf(text: string): string | null {
  if (text.startsWith('"')) return unquote(text)?.name ?? null;
  const name = text.split('\t')[0] as string;
  return name === '' ? null : name.replace(/\r$/, '');
}

/** How git apply reads the names of a patch: `-p<n>` and the `--directory` root (latin1, '' or ending in `/`). */
export interface PatchNaming {
  strip: number;
  root: string;
}

const DEFAULT_NAMING: PatchNaming = { strip: 1, root: '' };

/** The path below the first `n` components, runs of `/` squashed; null when nothing is left. */
function stripN(name: string, n: number): string | null {
  let start = 0;
  for (let i = 0; i < n; i++) {
    const slash = name.indexOf('/', start);
    if (slash < 0) return null;
    start = slash + 1;
  }
  const rest = name.slice(start).replace(/^\/+/, '').replace(/\/\/+/g, '/');
  return rest === '' ? null : rest;
}

/** The one name of a `diff --git` header whose two names are the same (a new file's always are). */
function headerName(rest: string, n: number): string | null {
  const strip = (name: string): string | null => stripN(name, n);
  if (rest.startsWith('"')) {
    const a = unquote(rest);
    if (!a || rest[a.end] !== ' ') return null;
    return strip(a.name);
  }
  // `a/N b/N`: the two halves after their first n components are the same N.
  const r = rest.replace(/\r$/, '');
  for (let i = r.indexOf(' '); i > 0; i = r.indexOf(' ', i + 1)) {
    const a = strip(r.slice(0, i));
    const bText = r.slice(i + 1);
    const b = bText.startsWith('"') ? (unquote(bText) ? strip((unquote(bText) as { name: string }).name) : null) : strip(bText);
    if (a !== null && a === b) return a;
  }
  return null;
}

/**
 * The repo-relative paths (latin1) the patches in `text` create, their names read as `naming` says. Throws where a new file's name
 * cannot be read (the caller then keeps the verdict of the command's text).
 */
export function patchCreates(text: string, naming: PatchNaming = DEFAULT_NAMING): string[] {
  const { strip, root } = naming;
  const rooted = (name: string | null): string | null => (name === null ? null : (root + name).replace(/\/\/+/g, '/'));
  const found = new Set<string>();
  let header: string | null | undefined; // the name of the git header being read (null: unreadable)
  let created = false; // that header says `new file mode`
  let fromNothing = false; // the line before was `--- /dev/null`
  const close = (): void => {
    if (created && header === null) throw new Error('a new file whose name guard cannot read');
    if (created && header) found.add(header);
    header = undefined;
    created = false;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      close();
      header = rooted(headerName(line.slice('diff --git '.length), strip));
    } else if (header !== undefined && /^new file mode /.test(line)) created = true;
    else if (line.startsWith('rename to ') || line.startsWith('copy to ')) {
      const name = nameOf(line.slice(line.indexOf(' to ') + 4));
      const path = name === null ? null : rooted(stripN(name, Math.max(strip - 1, 0)));
      if (path !== null) found.add(path);
    } else if (line.startsWith('+++ ')) {
      const name = nameOf(line.slice(4));
      const path = name === null || name === '/dev/null' ? null : rooted(stripN(name, strip));
      if (path !== null && (fromNothing || created)) found.add(path);
      // The +++ line named the new file: the header's name is no longer needed.
      if (created && path !== null) created = false;
      if (header !== undefined && !created) header = undefined;
    }
    fromNothing = line.replace(/\r$/, '').split('\t')[0] === '--- /dev/null';
  }
  close();
  return [...found];
}
