/**
 * Archives extracted over a directory (`tar xf x.tar`, `tar -xzf x.tgz -C out`, `unzip -o
 * x.zip`): each member replaces the file of its name there, and guard does not list a tar's members
 * (that would read the whole archive before the command). So an extraction into an existing
 * directory of the repository that holds ignored files (not regenerable output) captures all of
 * them first, or is denied over the capture limits (overlay.ts); a zip's members are read from its
 * central directory (src/util/zip-members.ts), so only what they replace counts. Where nothing is replaced there
 * is nothing to do: `-k`/`--skip-old-files`, `unzip -n`, listing, testing, writing to stdout, or a
 * directory outside the repository, new, empty or holding only regenerable output.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { checkOverlay } from './overlay.js';
import { judgeOutputFile } from './output-files.js';
import { resolvePath } from './paths.js';
import { reportOpaque, type Invocation, type Runtime } from './runtime.js';
import { checkWriteText } from './targets.js';

/** GNU tar's short options that take a value (the next word, or the rest of the cluster). */
const TAR_VALUE_LETTERS = 'bCfFgHIKLNTVX';
/** Long options that take a value (as the next word when not written with `=`). */
const TAR_VALUE_LONGS = ['--file', '--directory', '--files-from', '--exclude-from', '--use-compress-program', '--to-command', '--info-script', '--new-volume-script', '--rsh-command', '--blocking-factor', '--listed-incremental', '--starting-file', '--newer', '--after-date', '--volno-file', '--label', '--exclude', '--owner', '--group', '--mode', '--record-size', '--checkpoint-action', '--transform', '--xform', '--format', '--tape-length'];

interface TarCall {
  extracts: boolean;
  /** Existing files are kept (-k, --keep-old-files, --skip-old-files) or nothing is written to disk (-O). */
  keeps: boolean;
  /** The -C / --directory values, in order. */
  dirs: Field[];
  /** -c / --create: the archive (-f / --file) is written anew, replacing what is there. */
  creates: boolean;
  /** The -f / --file values, in order. */
  files: Field[];
}

function readTar(args: Field[]): TarCall | null {
  const call: TarCall = { extracts: false, keeps: false, dirs: [], creates: false, files: [] };
  const letters = (cluster: string, values: Field[]): boolean => {
    // Letters up to the first that takes a value; that one takes the rest or the next word.
    let next = 0;
    for (let j = 0; j < cluster.length; j++) {
      const letter = cluster[j] as string;
      if (letter === 'x') call.extracts = true;
      if (letter === 'k' || letter === 'O') call.keeps = true;
      if (letter === 'c') call.creates = true;
      if (TAR_VALUE_LETTERS.includes(letter)) {
        const value = values[next++];
        if (letter === 'C') {
          if (!value) return false;
          call.dirs.push(value);
        }
        if (letter === 'f' && value) call.files.push(value);
      }
    }
    return true;
  };
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null) continue;
    if (i === 0 && !value.startsWith('-')) {
      // The old style: `tar xzfC x.tgz out`, the values following in the order of their letters.
      const wanted = [...value].filter((l) => TAR_VALUE_LETTERS.includes(l)).length;
      if (!letters(value, args.slice(1, 1 + wanted))) return null;
      i += wanted;
      continue;
    }
    if (value === '--') break;
    if (value.startsWith('--')) {
      const [name, inline] = value.includes('=') ? [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)] : [value, null];
      if (name === '--extract' || name === '--get') call.extracts = true;
      if (name === '--create') call.creates = true;
      if (['--keep-old-files', '--skip-old-files', '--to-stdout'].includes(name)) call.keeps = true;
      if (inline === null && TAR_VALUE_LONGS.includes(name)) i++;
      if (name === '--directory') {
        const dir = inline === null ? args[i] : { ...field, value: inline, display: inline };
        if (!dir) return null;
        call.dirs.push(dir);
      }
      if (name === '--file') {
        const file = inline === null ? args[i] : { ...field, value: inline, display: inline };
        if (file) call.files.push(file);
      }
      continue;
    }
    if (value.startsWith('-') && value.length > 1) {
      const cluster = value.slice(1);
      const at = [...cluster].findIndex((l) => TAR_VALUE_LETTERS.includes(l));
      if (at !== -1 && at < cluster.length - 1) {
        // `-Cdir`, `-xfx.tar`: the value is the rest of the word.
        if (!letters(cluster.slice(0, at), [])) return null;
        if (cluster[at] === 'C') call.dirs.push({ ...field, value: cluster.slice(at + 1), display: cluster.slice(at + 1) });
        if (cluster[at] === 'f') call.files.push({ ...field, value: cluster.slice(at + 1), display: cluster.slice(at + 1) });
        continue;
      }
      if (!letters(cluster, at === -1 ? [] : [args[i + 1] as Field])) return null;
      if (at !== -1) i++;
    }
  }
  return call;
}

/**
 * `tar -x`: judged where it extracts (each -C directory, or where it runs). `tar -c -f FILE`:
 * FILE is replaced (relative to where tar starts: -C only moves the members), judged as `> FILE`.
 */
export function checkTarExtraction(inv: Invocation, args: Field[], rt: Runtime, name: string): void {
  const call = readTar(args);
  if (call?.creates) for (const file of call.files) judgeOutputFile(file, inv.cwd, rt, inv.source, `${name} -c writes ${file.display}`);
  if (!call || !call.extracts || call.keeps) return;
  extractInto(inv, rt, call.dirs.length > 0 ? call.dirs : null, `${name} extracts an archive`);
}

/** `unzip`: extracts unless it lists, tests, prints or never overwrites (-l -t -v -p -c -z -Z -n). */
export function classifyUnzip(inv: Invocation, args: Field[], rt: Runtime): void {
  const dirs: Field[] = [];
  // The archive: the first operand. Its members are read (overlay.ts) unless -j junks their directories.
  let archive: Field | null | undefined;
  let junk = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined || !value.startsWith('-') || value === '-') {
      if (archive === undefined) archive = value === null || value === undefined || args[i]?.glob ? null : (args[i] as Field);
      continue;
    }
    if (value === '-x') break; // what follows are member names to leave out
    const letters = value.slice(1);
    if (/^[PIO]$/.test(letters)) {
      i++; // a password or a character set
      continue;
    }
    if (letters.replace(/d.*$/, '').includes('j')) junk = true;
    if (/^-?(help|version)$/.test(letters)) return;
    if (/[ltvpczZn]/.test(letters.replace(/d.*$/, ''))) return;
    const d = letters.indexOf('d');
    if (d === -1) continue;
    const rest = letters.slice(d + 1);
    const dir = rest !== '' ? { ...(args[i] as Field), value: rest, display: rest } : args[++i];
    if (dir) dirs.push(dir);
  }
  const zip = archive && !junk ? resolvePath(archive.value, inv.cwd) : null;
  extractInto(inv, rt, dirs.length > 0 ? dirs : null, 'unzip extracts an archive', zip ?? undefined);
}

/**
 * GNU cpio 2.13 (`cpio --help`): `-i`/`--extract` writes the archive's members where it runs (or
 * `-D DIR`/`--directory=DIR`), replacing an existing file unless that one is newer (`-u`: always);
 * `-p DEST`/`--pass-through` copies the files named on stdin into DEST; `-o`/`--create` writes
 * the archive to stdout or to `-O FILE`/`-F FILE`/`--file=FILE`. Members and names come from
 * stdin, unknown before it runs: judged as `tar -x` (every ignored file that is not regenerable
 * output where it lands captured first). Nothing lands with `-t`/`--list`, `--only-verify-crc` or
 * `--to-stdout`. Until 2026-12-05 not modelled (allow). cpio is not installed on the machines this
 * was written on: read from the GNU cpio manual, not run.
 */
export function classifyCpio(inv: Invocation, args: Field[], rt: Runtime): void {
  const valueShort = 'CDEFHIMORs';
  const valueLong = ['--block-size', '--directory', '--pattern-file', '--file', '--format', '--io-size', '--message', '--owner', '--rsh-command', '--null'];
  let mode: 'i' | 'o' | 'p' | null = null;
  let lists = false;
  const dirs: Field[] = [];
  const files: Field[] = [];
  const operands: Field[] = [];
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null || !value.startsWith('-') || value === '-') {
      operands.push(field);
      continue;
    }
    if (value.startsWith('--')) {
      const eq = value.indexOf('=');
      const name = eq === -1 ? value : value.slice(0, eq);
      const inline = eq === -1 ? null : { ...field, value: value.slice(eq + 1), display: value.slice(eq + 1) };
      if (name === '--extract') mode = 'i';
      else if (name === '--create') mode = 'o';
      else if (name === '--pass-through') mode = 'p';
      else if (name === '--list' || name === '--only-verify-crc' || name === '--to-stdout') lists = true;
      const takes = name !== '--null' && valueLong.includes(name);
      const next = takes && inline === null ? args[++i] : inline;
      if (name === '--directory' && next) dirs.push(next);
      if (name === '--file' && next) files.push(next);
      continue;
    }
    const cluster = value.slice(1);
    for (let j = 0; j < cluster.length; j++) {
      const letter = cluster[j] as string;
      if (letter === 'i') mode = 'i';
      else if (letter === 'o') mode = 'o';
      else if (letter === 'p') mode = 'p';
      else if (letter === 't') lists = true;
      if (valueShort.includes(letter)) {
        const rest = cluster.slice(j + 1);
        const next = rest !== '' ? { ...field, value: rest, display: rest } : args[++i];
        if (letter === 'D' && next) dirs.push(next);
        if ((letter === 'F' || letter === 'O') && next) files.push(next);
        break;
      }
    }
  }
  if (mode === 'o') {
    for (const file of files) judgeOutputFile(file, inv.cwd, rt, inv.source, `cpio -o writes ${file.display}`);
    return;
  }
  if (lists || mode === null) return;
  if (mode === 'p') {
    const dest = operands[operands.length - 1];
    if (dest) extractInto(inv, rt, [dest], 'cpio -p copies the files named on its input');
    return;
  }
  extractInto(inv, rt, dirs.length > 0 ? [dirs[dirs.length - 1] as Field] : null, 'cpio -i extracts an archive');
}

/**
 * 7-Zip (`7z`, `7za`, `7zr`, `7zz`; 7-Zip 16.02's `7z --help`): `x` and `e` extract into where it
 * runs or `-oDIR` (attached), replacing existing files when told to (`-aoa`, `-y`) or when asked
 * on a terminal; `-aos` (skip), `-aou`/`-aot` (rename) keep them. `a`, `u`, `d`, `rn` change the
 * archive named after the command in place. Judged as `tar -x` and `> archive`. Until 2026-12-05 not
 * modelled (allow). Not installed on the machines this was written on: read from its help, not run.
 */
export function classify7z(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const operands: Field[] = [];
  const dirs: Field[] = [];
  let keeps = false;
  let ended = false;
  for (const field of args) {
    const value = field.value;
    if (!ended && value !== null && value.startsWith('-')) {
      if (value === '--') ended = true;
      else if (value.startsWith('-o')) dirs.push({ ...field, value: value.slice(2), display: value.slice(2) });
      else if (/^-ao[sut]$/.test(value)) keeps = true;
      continue;
    }
    operands.push(field);
  }
  const command = operands[0];
  if (!command) return;
  if (command.value === null) {
    reportOpaque(rt, `${name} is given a command guard cannot see`, inv.source);
    return;
  }
  const archive = operands[1];
  if (['a', 'u', 'd', 'rn'].includes(command.value)) {
    if (archive) judgeOutputFile(archive, inv.cwd, rt, inv.source, `${name} ${command.value} changes ${archive.display}`);
    return;
  }
  if ((command.value !== 'x' && command.value !== 'e') || keeps) return;
  extractInto(inv, rt, dirs.length > 0 ? [dirs[dirs.length - 1] as Field] : null, `${name} ${command.value} extracts an archive`);
}

/**
 * Info-ZIP `zip` (3.0): `zip [options] ZIPFILE files...` adds to ZIPFILE, replacing the members of
 * the same names in an existing archive (run here; a file that is not a zip is refused, `Zip file
 * structure invalid`, and left alone). ZIPFILE without a `.` in its last part gets `.zip`; `-O
 * OUT`/`--output-file OUT` writes OUT instead. Each judged as `> file`. Options taking a value:
 * `-b -n -t -tt -O -P -Z -s -ds -lf`; `-x`/`-i` patterns follow the files; `-sf` only lists.
 */
export function classifyZip(inv: Invocation, args: Field[], rt: Runtime): void {
  const valueShort = new Set(['-b', '-n', '-t', '-tt', '-O', '-P', '-Z', '-ds', '-s', '-lf']);
  let zipfile: Field | null = null;
  let out: Field | null = null;
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === '-h' || value === '--help' || value === '-sf' || (args.length === 1 && (value === '-v' || value === '-T'))) return;
    if (value === '-x' || value === '-i' || value === '--exclude' || value === '--include') break;
    if (value !== null && value.startsWith('-') && value !== '-' && zipfile === null) {
      if (value === '-O' || value === '--output-file') out = args[++i] ?? null;
      else if (valueShort.has(value) || ['--temp-path', '--suffixes', '--from-date', '--before-date', '--password', '--compression-method', '--split-size'].includes(value)) i++;
      continue;
    }
    if (zipfile === null) zipfile = field;
  }
  const target = out ?? zipfile;
  if (!target || target.value === '-') return;
  const named = target.value !== null && !target.glob && !path.posix.basename(target.value).includes('.') ? { ...target, value: `${target.value}.zip`, display: `${target.display}.zip` } : target;
  judgeOutputFile(named, inv.cwd, rt, inv.source, `zip writes ${named.display}`);
}

function extractInto(inv: Invocation, rt: Runtime, dirs: Field[] | null, what: string, zip?: string): void {
  for (const dir of dirs ?? [null]) {
    if (dir && (dir.value === null || dir.glob)) {
      reportOpaque(rt, `${what} into ${dir.display}, a directory guard cannot know before the command runs`, inv.source);
      continue;
    }
    const abs = dir ? resolvePath(dir.value, inv.cwd) : inv.cwd;
    if (abs === null) {
      reportOpaque(rt, `${what} in a directory guard cannot determine`, inv.source);
      continue;
    }
    // Into `.git` (hooks, config), a device, guard's files or a protected path: refused by its text,
    // before anything is looked at (`tar -x -C .git/hooks`, `cpio -i -D .git/hooks`; was allowed).
    const byText = checkWriteText(abs, rt.ctx, inv.source, dir ? `${what} into ${dir.display}` : what);
    if (byText) {
      rt.report(byText);
      continue;
    }
    const verdict = checkOverlay({ from: null, dest: abs, name: null, what: dir ? `${what} into ${dir.display}` : what, ...(zip !== undefined ? { zip } : {}) }, rt.ctx, inv.source);
    if (verdict) rt.report(verdict);
  }
}
