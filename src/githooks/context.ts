/**
 * What every Node-side hook handler works with: the repository, the compiled policy (read from
 * policy.json; YAML is parsed only when .guard.yaml changed), and who is acting.
 */
import { readPolicy } from '../config/compile.js';
import { guardCommonPath, openRepo, type Repo } from '../git/repo.js';
import { detectActor, type Actor } from '../policy/actor.js';
import type { Policy } from '../policy/schema.js';
import { writeClock } from './clock.js';
import { writePathspecsFile } from './pathspecs.js';

export interface HookContext {
  repo: Repo;
  policy: Policy;
  actor: Actor;
  /**
   * local: a hook in a working repository. server / ci: nobody to ask and no way to tell a
   * person from an agent, so the stricter of the two modes applies and approvals do not.
   */
  where?: 'local' | 'server' | 'ci';
}

export async function hookContext(cwd: string, env: Record<string, string | undefined> = process.env): Promise<HookContext> {
  const repo = await openRepo(cwd);
  const policy = await readPolicy(repo);
  // Keep the pre-commit shim's fast path in step with the policy just read (a no-op when it is).
  await writeHookFiles(repo, policy);
  return { repo, policy, actor: detectActor(env) };
}

/** What the sh shims read beside the compiled policy: the protected pathspecs and the clock. */
export async function writeHookFiles(repo: Repo, policy: Policy): Promise<void> {
  await writePathspecsFile(repo, policy);
  await writeClock(guardCommonPath(repo));
}
