/**
 * Config file text as bytes, for writing many keys in one go where `git config` writes one per
 * process (issue 8): `config -z --list` records split as bytes, records written back as config
 * text, and a file's sections of one kind dropped by name. Every caller reads the result back
 * with one `git config -z --list` and falls back to `git config` key by key on any difference.
 */
import { escapedText } from '../util/escaped-text.js';

/** One record of `git config -z --list`, as bytes: the key, its value (null: a key with no `=`), and the record with its NUL. */
export interface ConfigRecord {
  key: Buffer;
  value: Buffer | null;
  raw: Buffer;
}

export function configRecords(out: Buffer): ConfigRecord[] {
  const records: ConfigRecord[] = [];
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    const item = out.subarray(start, end);
    const newline = item.indexOf(0x0a);
    records.push({ key: newline < 0 ? item : item.subarray(0, newline), value: newline < 0 ? null : item.subarray(newline + 1), raw: out.subarray(start, Math.min(end + 1, out.length)) });
    start = end + 1;
  }
  return records;
}

/**
 * The records as config file text, bytes kept: `[section "subsection"]` headers (a subsection's
 * `"` and `\\` escaped) and each value in double quotes with `\\`, `"`, newline and tab escaped,
 * which git reads back as the same bytes whatever they hold (`#`, `;`, leading spaces).
 */
export function configText(records: ConfigRecord[]): Buffer {
  const parts: Buffer[] = [];
  let header: Buffer | null = null;
  const escape = (bytes: Buffer, value: boolean): Buffer => {
    const out: number[] = [];
    for (const b of bytes) {
      if (b === 0x5c || b === 0x22) out.push(0x5c, b);
      else if (value && b === 0x0a) out.push(0x5c, 0x6e);
      else if (value && b === 0x09) out.push(0x5c, 0x74);
      else out.push(b);
    }
    return Buffer.from(out);
  };
  for (const { key, value } of records) {
    const first = key.indexOf(0x2e);
    const last = key.lastIndexOf(0x2e);
    const section = key.subarray(0, first);
    const variable = key.subarray(last + 1);
    const next = first === last ? Buffer.concat([Buffer.from('['), section, Buffer.from(']\n')]) : Buffer.concat([Buffer.from('['), section, Buffer.from(' "'), escape(key.subarray(first + 1, last), false), Buffer.from('"]\n')]);
    if (!header || !header.equals(next)) parts.push(next);
    header = next;
    parts.push(Buffer.from('\t'), variable, value === null ? Buffer.from('\n') : Buffer.concat([Buffer.from(' = "'), escape(value, true), Buffer.from('"\n')]));
  }
  return Buffer.concat(parts);
}


/**
 * `text` (a config file's bytes) without every `[section "name"]` block whose name is in `names`
 * (escaped text, escaped-text.ts: a name that is not UTF-8 is matched by its bytes) (the header line and the lines up to the next header). Null where the file has a form this
 * does not read exactly: a header with more on its line, the old `[section.name]` spelling of
 * this section, a line continued with a backslash; the caller then leaves the work to git.
 */
export function dropSections(text: Buffer, section: string, names: ReadonlySet<string>): Buffer | null {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf(0x0a, start);
    lines.push(text.subarray(start, end < 0 ? text.length : end + 1));
    start = end < 0 ? text.length : end + 1;
  }
  const kept: Buffer[] = [];
  let dropping = false;
  const header = new RegExp(`^\\s*\\[\\s*${section}\\s+"((?:[^"\\\\\\n]|\\\\.)*)"\\s*\\]\\s*(?:[#;].*)?\\r?\\n?$`, 'i');
  const oldSpelling = new RegExp(`^\\s*\\[\\s*${section}\\.`, 'i');
  for (const line of lines) {
    const asText = line.toString('latin1');
    if (/(^|[^\\])(\\\\)*\\\r?\n?$/.test(asText)) return null;
    if (/^\s*\[/.test(asText)) {
      if (oldSpelling.test(asText)) return null;
      const m = header.exec(asText);
      if (m) {
        const name = escapedText(Buffer.from(m[1]!.replace(/\\(.)/g, '$1'), 'latin1'));
        dropping = names.has(name);
      } else {
        // Another section's header: alone on its line, or a form not read here.
        if (!/^\s*\[[^\]]*\]\s*(?:[#;].*)?\r?\n?$/.test(asText)) return null;
        dropping = false;
      }
      if (dropping) continue;
    }
    if (!dropping) kept.push(line);
  }
  return Buffer.concat(kept);
}
