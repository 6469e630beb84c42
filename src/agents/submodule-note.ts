/**
 * Agents that load no hook of this repository when started inside one of its submodules
 * (`AgentIntegration.unguardedInSubmodule`): the note `guard status` and the session-start message
 * give where the repository has submodules. Only a file check, no git process: a repository with
 * submodules has `.gitmodules` at its root.
 */
import fs from 'node:fs';
import path from 'node:path';

export function hasSubmodules(root: string): boolean {
  try {
    return fs.lstatSync(path.join(root, '.gitmodules')).isFile();
  } catch {
    return false;
  }
}

/** One sentence naming the agents and the way to stay guarded. */
export function submoduleStartNote(names: string[]): string {
  const who = names.length === 1 ? `${names[0]} loads` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} load`;
  return `started inside a submodule of this repository, ${who} no hook of this repository and nothing run there is checked: start ${names.length === 1 ? "it" : "them"} in the superproject instead (docs/agents.md, "Started inside a submodule")`;
}
