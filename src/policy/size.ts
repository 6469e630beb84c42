/**
 * Byte sizes as people write them in .guard.yaml and on the command line: `50MB`, `1.5GB`,
 * `512KiB`, `0`. Units are powers of 1024, as in git's own config (`1MB` = 1 MiB = 1048576
 * bytes); `KiB`/`MiB`/... are accepted as synonyms. A bare number is bytes. Pure.
 */

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** A regular expression (as a string) for the JSON schema: what parseSize accepts in text form. */
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgGtT]([iI]?[bB])?|[bB])?\\s*$';

export const SIZE_HELP = 'write a number with an optional unit (B, KB, MB, GB, TB; powers of 1024), e.g. 50MB; 0 means no limit';

/** Bytes for a size text or number, or null when it is not a size. */
export function parseSize(value: string | number): number | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  }
  const match = SIZE_RE.exec(value);
  if (!match) return null;
  const [, amount = '', unit = ''] = match;
  const factor = UNITS[unit.toLowerCase()];
  if (factor === undefined) return null;
  // "1.5" bytes means nothing; a fraction needs a unit.
  if (factor === 1 && amount.includes('.')) return null;
  const bytes = Math.round(Number(amount) * factor);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** The shortest exact text for a byte count: 52428800 -> "50MB", 1536 -> "1.5KB", 0 -> "0". */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '0';
  const units: Array<[string, number]> = [
    ['TB', 1024 ** 4],
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ];
  for (const [unit, factor] of units) {
    const amount = bytes / factor;
    if (amount >= 1 && Number.isInteger(amount * 100) && parseSize(`${amount}${unit}`) === bytes) return `${amount}${unit}`;
  }
  return `${bytes}B`;
}
