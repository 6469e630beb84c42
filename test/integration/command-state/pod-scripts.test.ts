/**
 * What runs in a pod or container beyond a typed command (src/policy/command/container-exec.ts,
 * container-run.ts, cluster.ts), each "allow: no destructive command found" until 2026-12-06:
 * a script fed to a shell there on stdin (`kubectl exec -i db-0 -- sh < wipe.sh`, a heredoc,
 * `docker compose exec -T db sh < x.sh`), whose lines now run with the container's paths
 * (CommandContext.hostScript); git inside `sh -c` in a container of unknown mounts, judged as in
 * the repository as a bare `docker exec other git ...` is (CommandContext.containerGit); `oc
 * rsync` into a pod, with or without --delete, judged as `kubectl cp` into one; `kubectl debug
 * node/NAME` deleting under /host, the node's root. A fresh pod's own files stay free (`kubectl
 * run --rm`, an ephemeral debug container). guard runs no kubectl, oc or docker: no cluster is
 * needed. The rows are judged in this process (test/helpers/evaluated.ts); one line goes through
 * `guard check-command`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedTable } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  commitFiles(t, {
    '.gitignore': '.env\n',
    'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]\n  app:\n    image: node:22\n    working_dir: /app\n    volumes: [.:/app]\nvolumes:\n  pgdata: {}\n',
    'src/index.js': 'console.log(1);\n',
    'ops/wipe.sh': 'rm -rf /var/lib/postgresql/data\n',
    'ops/scratch.sh': 'rm -rf /tmp/restore\nls /var/lib/postgresql/data > /dev/null\n',
    'ops/appwipe.sh': 'rm -rf /app/src\n',
    'ops/gitclean.sh': 'git clean -fdx\n',
    'ops/root.sh': 'rm -rf /\n',
    'local/.keep': '',
    'backup/.keep': '',
  });
  writeFiles(t, { '.env': 'SECRET=1\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}, 120_000);
afterAll(() => t?.cleanup());

describe('what runs in a pod or container', () => {
  it('judges a script fed to a shell there with its paths', async () => {
    await expectEvaluatedTable(t, [
      ['kubectl exec -i db-0 -- sh < ops/wipe.sh', 'deny', 'cluster-data-delete', ['`rm -rf /var/lib/postgresql/data` in the pod', 'pod db-0']],
      ['kubectl exec -i db-0 -- bash -s < ops/wipe.sh', 'deny', 'cluster-data-delete'],
      ['oc exec -i pod/db-0 -- sh < ops/wipe.sh', 'deny', 'cluster-data-delete'],
      ["kubectl exec -i db-0 -- sh <<'EOF'\nrm -rf /data/x\nEOF", 'deny', 'cluster-data-delete', ['/data/x']],
      ["kubectl exec -i db-0 -- sh <<< 'rm -rf /data/x'", 'deny', 'cluster-data-delete'],
      ['docker compose exec -T db sh < ops/wipe.sh', 'deny', 'container-volume-delete', ['pgdata']],
      ['docker compose exec -T app sh < ops/appwipe.sh', 'snapshot', 'rm-in-repo', ['src']],
      ['docker exec -i other sh < ops/wipe.sh', 'snapshot', 'container-unknown-mounts'],
      ['docker exec -i other sh < ops/root.sh', 'deny', 'rm-repo-root'],
      // the pod's temp directories and the null device, stdin not passed on (no -i), a reader
      ['kubectl exec -i db-0 -- sh < ops/scratch.sh', 'allow', 'no-risk'],
      ["kubectl exec -i db-0 -- sh <<'EOF'\nrm -rf /tmp/x; ls /data > /dev/null\nEOF", 'allow', 'no-risk'],
      ['kubectl exec db-0 -- sh < ops/wipe.sh', 'allow', 'no-risk'],
      ['docker exec other sh < ops/wipe.sh', 'allow', 'no-risk'],
      ['kubectl exec -i db-0 -- cat < ops/wipe.sh', 'allow', 'no-risk'],
      ['docker compose exec -T db sh < ops/scratch.sh', 'allow', 'no-risk'],
    ]);
    // a person is asked, through check-command
    expect(checkVerdict(t, 'kubectl exec -i db-0 -- sh < ops/wipe.sh')).toMatchObject({ verdict: 'ask', rule: 'cluster-data-delete' });
  });

  it('judges git in a shell of a container whose mounts are unknown as in the repository', async () => {
    await expectEvaluatedTable(t, [
      ["docker exec other sh -c 'git clean -fdx'", 'snapshot', 'git-clean', ['.env', 'judged as run in the repository']],
      ["docker exec other bash -c 'cd /app && git reset --hard'", 'snapshot', 'git-reset-hard'],
      ['docker exec -i other sh < ops/gitclean.sh', 'snapshot', 'git-clean'],
      ["docker exec other sh -c 'git status && git log -1'", 'allow', 'no-risk'],
    ]);
  });

  it('refuses oc rsync into a pod as kubectl cp, copying out free', async () => {
    await expectEvaluatedTable(t, [
      ['oc rsync ./local db-0:/var/lib/postgresql/data --delete', 'deny', 'cluster-data-delete', ["deletes the pod's files under /var/lib/postgresql/data that ./local does not have"]],
      ['oc rsync --delete -n prod ./local/ pod/db-0:/data', 'deny', 'cluster-data-delete'],
      ['oc rsync ./local db-0:/data', 'deny', 'cluster-data-delete', ['writes into a pod']],
      ['oc rsync ./local db-0:/tmp/local --delete', 'allow', 'no-risk'],
      ['oc rsync db-0:/var/lib/postgresql/data ./backup', 'allow', 'no-risk'],
      // --delete into a local directory deletes there, as rsync --delete does
      ['oc rsync db-0:/data ./src --delete', 'snapshot', 'rm-in-repo', ['oc rsync --delete deletes files in src']],
    ]);
    const v = await evaluatedVerdict(t, 'oc rsync ./local db-0:/var/lib/postgresql/data --delete', { asAgent: true });
    expect(v.instead).toContain('oc rsync db-0:/var/lib/postgresql/data ./backup');
  });

  it('refuses deleting a node\'s files through kubectl debug, a fresh pod\'s own free', async () => {
    await expectEvaluatedTable(t, [
      ['kubectl debug node/n1 -it --image=busybox -- rm -rf /host/var/lib/etcd', 'deny', 'cluster-data-delete', ['on the node n1', '/host/var/lib/etcd']],
      ['kubectl debug node/n1 -it --image=busybox -- chroot /host rm -rf /var/lib/kubelet/pods', 'deny', 'cluster-data-delete', ['/host/var/lib/kubelet/pods']],
      ["kubectl debug node/n1 -it --image=busybox -- sh -c 'truncate -s0 /host/var/log/syslog'", 'deny', 'cluster-data-delete'],
      ['kubectl debug node/n1 -it --image=busybox -- rm -rf /', 'deny', 'cluster-data-delete'],
      ['kubectl debug db-0 -it --copy-to=db-dbg --container=pg -- rm -rf /var/lib/postgresql/data', 'deny', 'cluster-data-delete'],
      ["kubectl run --rm -it x --image=busybox --overrides='{\"spec\":{\"containers\":[{\"name\":\"x\",\"image\":\"busybox\",\"volumeMounts\":[{\"name\":\"d\",\"mountPath\":\"/data\"}]}]}}' -- rm -rf /data", 'deny', 'cluster-data-delete'],
      ["kubectl run --rm -it pgc --image=postgres -- psql -h db -c 'DROP DATABASE app'", 'deny', 'remote-data-delete'],
      // the debugging container's own files, the node's /tmp, reads, profiles that mount nothing of the node
      ['kubectl debug node/n1 -it --image=busybox -- rm -rf /tmp/x /root/scratch', 'allow', 'no-risk'],
      ['kubectl debug node/n1 -it --image=busybox -- rm -rf /host/tmp/x', 'allow', 'no-risk'],
      ['kubectl debug node/n1 -it --image=busybox -- ls -la /host/var/lib', 'allow', 'no-risk'],
      ['kubectl debug node/n1 -it --profile=netadmin --image=busybox -- rm -rf /host/var/lib/etcd', 'allow', 'no-risk'],
      // an ephemeral container, a new container in a copy, a fresh pod: none of the pod's mounts
      ['kubectl debug db-0 -it --image=busybox --target=pg -- rm -rf /data', 'allow', 'no-risk'],
      ['kubectl debug db-0 -it --copy-to=db-dbg --image=busybox -- rm -rf /data', 'allow', 'no-risk'],
      ['kubectl run --rm -it tmp --image=busybox -- rm -rf /data', 'allow', 'no-risk'],
    ]);
    const v = await evaluatedVerdict(t, 'kubectl debug node/n1 -it --image=busybox -- rm -rf /host/var/lib/etcd', { asAgent: true });
    expect(v.instead).toContain('tar czf - /host/PATH');
  });
});
