/** Small formatting helpers shared by the human output of commands. */

export function shortId(oid: string): string {
  return oid.slice(0, 12);
}

export function age(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.round(hours / 24)}d ago`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function branchName(ref: string | null): string {
  if (!ref) return '(detached)';
  return ref.replace(/^refs\/heads\//, '');
}

export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** Agents that run git with git's hooks off: what guard's git hooks do not see for them. */
export function gitHooksOffNote(names: string[]): string {
  return `${names.join(', ')} ${names.length > 1 ? 'run' : 'runs'} every git command with git's hooks off (core.hooksPath=""), so guard's git hooks never run for ${names.length > 1 ? 'their' : 'its'} commands: only the agent hook checks them, before they run (a pull is judged by the tip already fetched; docs/hooks.md, "Agents that run git with hooks off")`;
}
