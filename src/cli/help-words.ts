/**
 * `-h` / `--help` where an option's value goes is a request for help, never a value (commander
 * would take it as one: `guard recover --into -h` rebuilt a repository into `./-h`). Shared by the
 * full CLI (main.ts) and the hot entry (hot.ts), which hands such a word to commander.
 */
export function isHelpWord(value: string | undefined): boolean {
  return value === '-h' || value === '--help';
}
