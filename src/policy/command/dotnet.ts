/**
 * .NET CLI commands beside `dotnet ef`'s database ones (framework-migrations.ts), found on
 * ardalis/CleanArchitecture (2026-12-07, helper realproj4):
 *  - `dotnet ef migrations remove` deletes the last migration's files (`Migrations/*_Name.cs` and its
 *    designer file, usually untracked: just added, maybe edited by hand) and rewrites the model
 *    snapshot, inside the repository; which files, guard cannot tell before EF builds the project:
 *    a snapshot first, as for Nx's remove generator. `--force` also reverts the migration in the
 *    database (framework-migrations.ts judges that part).
 *  - `dotnet user-secrets clear` empties the project's secrets store
 *    (`~/.microsoft/usersecrets/ID/secrets.json`, `%APPDATA%\Microsoft\UserSecrets` on Windows),
 *    the .NET counterpart of `.env`, outside the repository: refused for an agent, asked of a
 *    person, as truncating a file there is. `set` and `remove KEY` edit it in place, free as
 *    `sed -i` on a file there is.
 */
import { classifyDotnetClean } from './build-tools.js';
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { unrecoverableKind } from './rules.js';
import { report, type Invocation, type Runtime } from './runtime.js';

/** dotnet-ef's options that take a value (as framework-migrations.ts reads them). */
const EF_VALUE_OPTIONS = ['--project', '-p', '--startup-project', '-s', '--context', '-c', '--connection', '--configuration', '--framework', '--runtime', '-r', '--msbuildprojectextensionspath', '--output-dir', '-o', '--namespace', '-n'];

/** dotnet user-secrets' options that take a value. */
const SECRETS_VALUE_OPTIONS = ['-p', '--project', '--id', '-c', '--configuration'];

/** `dotnet ARGS` (args after `dotnet`). */
export function classifyDotnet(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args.some((a) => a.value === '-h' || a.value === '--help' || a.value === '-?')) return;
  const tool = args[0]?.value;
  // `dotnet clean`: bin/ and obj/ of the projects, as `rm -rf` judges them (build-tools.ts)
  if (tool === 'clean') return classifyDotnetClean(inv, args.slice(1), rt);
  if (tool === 'ef') {
    const [group, verb] = operandWords(args.slice(1), EF_VALUE_OPTIONS);
    if (group === 'migrations' && verb === 'remove') {
      report(rt, 'snapshot', 'rm-in-repo', "dotnet ef migrations remove deletes the last migration's files and rewrites the model snapshot inside the repository, which guard cannot list before it runs; guard snapshots first", inv.source);
    }
    return;
  }
  if (tool === 'user-secrets') {
    const [verb] = operandWords(args.slice(1), SECRETS_VALUE_OPTIONS);
    if (verb !== 'clear') return;
    report(
      rt,
      unrecoverableKind(rt.ctx.isAgent),
      'rm-outside-repo',
      "dotnet user-secrets clear deletes every secret of the project's user-secrets store (~/.microsoft/usersecrets/ID/secrets.json), outside the repository, where no snapshot holds it",
      inv.source,
      '`dotnet user-secrets list` shows them; remove the ones you mean with `dotnet user-secrets remove KEY`, or ask the person to clear the store.',
    );
  }
}
