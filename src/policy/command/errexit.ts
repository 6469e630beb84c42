/**
 * `set -e` (errexit): where a command fails, the shell ends, so what follows runs only where it
 * succeeded. jq's scripts/crosscompile starts `set -e; cd \`dirname "$0"\`/../build`: without
 * errexit guard judged the rest as maybe still in the invoking directory (cd may fail), its `plat`
 * unknown, and refused `make ... DESTDIR=$plat`. ShellState.errexit holds it; evaluate.ts applies
 * it to the directories an and-or list leaves, where the shell does not ignore the failure.
 */
import type { Field } from './expand.js';

/**
 * `set -e`, `set -euo pipefail`, `set -o errexit` (and a shell's own options, `bash -e`) turn
 * errexit on, `set +e` / `set +o errexit` off; an option word guard cannot see turns it off (it
 * may be `+e`): off is what guard assumed before, never less strict.
 */
export function setErrexit(args: Field[], state: { errexit?: boolean; allexport?: boolean }): void {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      state.errexit = false;
      // allexport on: every variable seen by the commands after, as guard assumed before it read exports
      state.allexport = true;
      return;
    }
    if (value === '--' || !/^[-+]/.test(value)) return;
    const on = value.startsWith('-');
    if (value.slice(1) === 'o') {
      const option = args[i + 1]?.value;
      if (option === null) {
        state.errexit = false;
        state.allexport = true;
      } else if (option === 'errexit') state.errexit = on;
      else if (option === 'allexport') state.allexport = on;
      i++;
    } else {
      if (value.includes('e')) state.errexit = on;
      // `set -a`: allexport, the variables assigned after exported (ShellState.allexport)
      if (value.includes('a')) state.allexport = on;
    }
  }
}

