/**
 * Holes found by the fourth friction-and-holes hunt on real projects (2026-12-07, helper
 * realproj4; docs/FRICTION.md "Real projects, fourth round"), each "no destructive command found"
 * before, through `guard check-command` and the installed Claude Code hook (its sh fast path
 * included):
 *  - argo-helm's CONTRIBUTING `kubectl delete crd -l app.kubernetes.io/part-of=argocd`: every
 *    Application and AppProject goes with its definition (cluster.ts DATA_KINDS);
 *  - `argocd app delete guestbook -y`: cascades to every object the application deployed, as
 *    `helm uninstall` does (cluster.ts classifyArgocd);
 *  - ardalis/CleanArchitecture: `dotnet user-secrets clear` empties the secrets store outside the
 *    repository; `dotnet ef migrations remove` deletes the last migration's files in it (dotnet.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('real projects, fourth round: cluster definitions, Argo CD applications, .NET secrets and migrations', () => {
  it('is refused or snapshotted through check-command and the installed hook alike; the everyday lines beside stay free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, {
        'src/Web/Web.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><UserSecretsId>abc</UserSecretsId></PropertyGroup></Project>\n',
        'src/Infrastructure/Data/Migrations/20260101_Init.cs': '// init\n',
        'charts/argo-cd/Chart.yaml': 'name: argo-cd\n',
      });
      // the migration just added, untracked (what `migrations remove` deletes)
      writeFiles(t, { 'src/Infrastructure/Data/Migrations/20261207_AddOrders.cs': '// hand-edited Up()\n' });
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      const cases: Array<[command: string, verdict: string, rule: string, hook: string]> = [
        ['kubectl delete crd -l app.kubernetes.io/part-of=argocd', 'deny', 'cluster-data-delete', 'deny'],
        ['argocd app delete guestbook -y', 'deny', 'cluster-data-delete', 'deny'],
        ['argocd app sync guestbook --prune', 'deny', 'cluster-data-delete', 'deny'],
        ['argocd app sync guestbook', 'allow', 'no-risk', 'allow'],
        ['dotnet user-secrets clear --project src/Web', 'deny', 'rm-outside-repo', 'deny'],
        ['dotnet ef migrations remove -p src/Infrastructure -s src/Web', 'snapshot', 'rm-in-repo', 'allow'],
        ['kubectl get crd', 'allow', 'no-risk', 'allow'],
        ['argocd app delete guestbook --cascade=false', 'allow', 'no-risk', 'allow'],
        ['dotnet user-secrets list --project src/Web', 'allow', 'no-risk', 'allow'],
        ['dotnet build', 'allow', 'no-risk', 'allow'],
      ];
      for (const [command, verdict, rule, hook] of cases) {
        expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict, rule });
        const decided = installedClaudeHook(t, command);
        expect(decided.decision, command).toBe(hook);
        if (hook === 'deny') expect(decided.reason, command).toMatch(/ask the person/);
      }
      // the one snapshot: before `migrations remove`
      expect(loggedEvents(t, 'allowed-after-snapshot')).toHaveLength(1);
    });
  }, 120_000);
});
