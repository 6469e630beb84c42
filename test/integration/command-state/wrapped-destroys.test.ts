/**
 * Lines that destroyed what guard cannot bring back and were free until 2026-12-07 (helper
 * holes5), because a wrapper or a word hid the command from guard:
 *
 *  - kubectl whose subcommand guard cannot see (`kubectl $VERB pvc data`, `kubectl "$@"`, a
 *    wrapper script whose body is `kubectl "$@"` given such a word): judged without a subcommand,
 *    free; now refused as opaque, as `terraform $CMD` is (cluster.ts kubectlSubcommand);
 *  - a Docker engine's, a cluster's or a stack's deletion run on another machine or in a container
 *    (`ssh prod docker compose down -v`, `docker exec ci docker volume rm x`, `ssh bastion kubectl
 *    delete pvc data`, `ssh ops 'cd infra && terraform destroy'`), and a database client in a
 *    container there (`ssh prod docker exec db dropdb app`): the inner command was judged only for
 *    what it sends a database server, one level deep (commands.ts classifyEngineInContainer);
 *  - zsh's EXTENDED_GLOB exclusion `a~b` and `x#` in a zsh script (`zsh -c`, a zsh shebang): the
 *    word matched no file; now judged within `*` (expand.ts zshWidened).
 *
 * Everyday lines beside them stay free (also in test/unit/policy/command/everyday.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('destroys hidden behind a wrapper or a word', () => {
  it('refuses kubectl whose subcommand guard cannot see; seen ones and unseen options are judged as before', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'bin/k': '#!/bin/sh\nkubectl --context prod "$@"\n' });
      fs.chmodSync(path.join(t.dir, 'bin/k'), 0o755);
      t.git(['update-index', '--chmod=+x', 'bin/k']);
      t.guard(['init', '--yes', '--agents', 'claude']);
      // through the real CLI, with the way forward
      const v = checkVerdict(t, 'kubectl $VERB deployment x', { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'opaque-command', reason: expect.stringContaining('kubectl is given $VERB, which guard cannot see, where its subcommand goes') });
      expect(v.instead).toContain('`kubectl diff -f FILE`');
      // through the installed hook
      expect(hookWithVerdict(t, 'kubectl -n "$NS" $ACTION pvc data')).toMatchObject({ decision: 'deny', verdict: 'deny', reason: expect.stringContaining('kubectl is given $ACTION') });
      // the wrapper run by its path: the shim reads it as a script and hands it to Node
      expect(hookWithVerdict(t, 'bin/k delete pvc data')).toMatchObject({ decision: 'deny', verdict: 'deny' });
      // a person is asked
      expect(checkVerdict(t, 'kubectl "$@"')).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
      await expectEvaluatedTable(t, [
        ['kubectl "$@"', 'deny', 'opaque-command', ['kubectl is given "$@"']],
        ['oc $V project staging', 'deny', 'opaque-command'],
        ['microk8s kubectl $V pvc data', 'deny', 'opaque-command'],
        // a word that is a subcommand and a kind with data: not taken for the subcommand
        ['kubectl $VERB pvc logs', 'deny', 'opaque-command'],
        // the wrapper script given a word guard cannot see
        ['bin/k $ACTION pvc data', 'deny', 'opaque-command', ['kubectl is given "$@"']],
        ['sh bin/k delete pvc data', 'deny', 'cluster-data-delete'],
        ['bin/k get pods', 'allow', 'no-risk'],
        // unseen options before a subcommand guard sees: judged by it
        ['kubectl $KUBE_FLAGS delete pvc data', 'deny', 'cluster-data-delete'],
        ['kubectl --namespace=$NS delete ns staging', 'deny', 'cluster-data-delete'],
        ['kubectl $KUBE_FLAGS get pods', 'allow', 'no-risk'],
        ['kubectl get $X', 'allow', 'no-risk'],
        ['kubectl -n "$NS" get pods', 'allow', 'no-risk'],
        ['kubectl logs $POD', 'allow', 'no-risk'],
        ['kubectl describe pod "$POD" -n "$NS"', 'allow', 'no-risk'],
        ['kubectl $X --help', 'allow', 'no-risk'],
        ['VERB=get; kubectl $VERB pods', 'allow', 'no-risk'],
        ['VERB=delete; kubectl $VERB pvc data', 'deny', 'cluster-data-delete'],
      ]);
    });
  });

  it('judges volume, cluster and stack deletions run on another machine or in a container by their words', async () => {
    await withTestRepo(async (t) => {
      // a compose file of bind mounts only here: what the remote's holds is not read
      commitFiles(t, { 'compose.yaml': 'services:\n  db:\n    image: postgres\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n' });
      t.guard(['init', '--yes', '--agents', 'claude']);
      const v = checkVerdict(t, 'ssh prod docker compose down -v', { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'container-volume-delete', reason: expect.stringContaining('(run on the host prod)') });
      expect(v.instead).toContain("`docker compose down` keeps them");
      expect(hookWithVerdict(t, "ssh prod 'cd app && docker compose down -v'")).toMatchObject({ decision: 'deny', verdict: 'deny' });
      expect(checkVerdict(t, 'docker exec ci docker compose down -v')).toMatchObject({ verdict: 'ask', rule: 'container-volume-delete' });
      expect(checkVerdict(t, 'ssh bastion microk8s.kubectl delete pvc data', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'cluster-data-delete' });
      await expectEvaluatedTable(t, [
        ['docker exec ci docker compose down -v', 'deny', 'container-volume-delete', ['(run in the container ci)']],
        ['ssh prod sudo docker volume rm pgdata', 'deny', 'container-volume-delete'],
        ["fly ssh console -C 'docker system prune -a --volumes'", 'deny', 'container-volume-delete'],
        ['ssh bastion kubectl delete pvc data', 'deny', 'cluster-data-delete'],
        // the same kubectl names as on the host (one reading, commands.ts classifyKubectlLine; microk8s.kubectl was free here)
        ['ssh bastion microk8s.kubectl delete pvc data', 'deny', 'cluster-data-delete'],
        ['ssh bastion kubectl delete -f k8s/app.yaml', 'deny', 'cluster-data-delete', ['manifests guard cannot read']],
        ['kubectl exec toolbox -- kubectl delete ns staging', 'deny', 'cluster-data-delete'],
        ['ssh bastion helm uninstall db', 'deny', 'cluster-data-delete'],
        ["ssh ops 'cd infra && terraform destroy -auto-approve'", 'deny', 'infra-destroy', ['(run on the host ops)']],
        ["ssh ops 'terraform $CMD'", 'deny', 'opaque-command'],
        // a database client in a container on another machine
        ['ssh prod docker exec db dropdb app', 'deny', 'remote-data-delete', ['(run in the container db) (run on the host prod)']],
        ["ssh prod 'docker compose exec -T db psql -U app -c \"DROP DATABASE app\"'", 'deny', 'remote-data-delete'],
        ['ssh prod kubectl exec db-0 -- dropdb app', 'deny', 'remote-data-delete'],
        ['docker exec ci docker exec db dropdb app', 'deny', 'remote-data-delete'],
        // stays free
        ['ssh prod docker compose down', 'allow', 'no-risk'],
        ['ssh prod docker compose up -d', 'allow', 'no-risk'],
        ['ssh prod docker compose logs -f web', 'allow', 'no-risk'],
        ['ssh prod docker system prune -f', 'allow', 'no-risk'],
        ['ssh prod docker exec db psql -c "select 1"', 'allow', 'no-risk'],
        ['ssh bastion kubectl get pods', 'allow', 'no-risk'],
        ['ssh bastion kubectl delete pod web-0', 'allow', 'no-risk'],
        ['ssh ops terraform plan', 'allow', 'no-risk'],
        ['docker exec ci docker compose build', 'allow', 'no-risk'],
      ]);
    });
  });

  it('judges zsh exclusion globs and # in a zsh script as what they may match', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'src/a.c': 'int a;\n', 'src/keep': 'k\n', 'clean.zsh': '#!/usr/bin/env zsh\nsetopt extendedglob\nrm -f src/*~src/keep\n' });
      t.guard(['init', '--yes', '--agents', 'claude']);
      const v = checkVerdict(t, "zsh -c 'setopt extendedglob; rm -f *~*.md'", { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(hookWithVerdict(t, 'zsh clean.zsh')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      await expectEvaluatedTable(t, [
        ["zsh -c 'rm *~(*.keep)'", 'deny', 'protected-path'],
        ["zsh -c 'rm -rf src/*~src/keep'", 'snapshot', 'rm-in-repo', ['src/*~src/keep']],
        ["zsh -c 'rm -f src/a#.c'", 'snapshot', 'rm-in-repo'],
        ["zsh -c 'rm -f src/x##'", 'snapshot', 'rm-in-repo'],
        // editor backups: zsh matches a `~` ending the word literally; a name without a glob keeps its `~`
        ["zsh -c 'rm -f *~'", 'allow', 'no-risk'],
        ["zsh -c 'rm -f src/a.c~'", 'allow', 'no-risk'],
        ["zsh -c 'rm -f \"src/*~src/keep\"'", 'allow', 'no-risk'],
        // bash reads them as names (the agent's line is read with bash's grammar)
        ['rm -f src/*~src/keep', 'allow', 'no-risk'],
        ['rm -f src/a#.c', 'allow', 'no-risk'],
      ]);
    });
  });
});
