/**
 * Files deleted or replaced inside a Kubernetes pod (src/policy/command/container-exec.ts
 * classifyPodFiles, cluster.ts classifyKubectlCp): `kubectl exec db-0 -- rm -rf
 * /var/lib/postgresql/data` was "allow: no destructive command found" until 2026-12-06, while
 * `kubectl exec db-0 -- psql -c 'DROP DATABASE app'` was refused. A pod's files are outside the
 * repository and every snapshot, and a PersistentVolume's data is gone for good: deleting or
 * replacing them is `cluster-data-delete` (refused for an agent, asked of a person), the pod's
 * temp directories and reads free. guard runs no kubectl: no cluster is needed. The rows are
 * judged in this process (test/helpers/evaluated.ts); one line goes through `guard check-command`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedTable } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  commitFiles(t, { 'k8s/db.yaml': 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n', 'backup/.keep': '' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}, 120_000);
afterAll(() => t?.cleanup());

describe('files in a pod', () => {
  it('refuses deleting or replacing them for an agent, the pod temp dir and reads free', async () => {
    await expectEvaluatedTable(t, [
      ['kubectl exec db-0 -- rm -rf /var/lib/postgresql/data', 'deny', 'cluster-data-delete', ['rm deletes /var/lib/postgresql/data', 'pod db-0', 'PersistentVolume']],
      ["kubectl exec -it -n prod -c pg db-0 -- sh -c 'rm -rf /data/* && ls > /dev/null'", 'deny', 'cluster-data-delete', ['`rm -rf /data/*`']],
      ["oc exec pod/db-0 -- bash -c 'cd /data && find . -name \"*.wal\" -delete'", 'deny', 'cluster-data-delete', ['find -delete']],
      ['kubectl exec deploy/web -- truncate -s0 /var/log/app.log', 'deny', 'cluster-data-delete', ['/var/log/app.log', 'deploy/web']],
      ['kubectl exec db-0 -- shred -u /data/key.pem', 'deny', 'cluster-data-delete'],
      ["kubectl exec web-0 -- sh -c 'echo debug=true > /etc/app/app.conf'", 'deny', 'cluster-data-delete', ['/etc/app/app.conf', 'replacing the file there if there is one']],
      ['kubectl exec web-0 -- mv /data/new.db /data/app.db', 'deny', 'cluster-data-delete', ['/data/app.db']],
      ['kubectl exec web-0 -- dd if=/dev/zero of=/data/disk.img bs=1M count=1', 'deny', 'cluster-data-delete', ['/data/disk.img']],
      ['kubectl exec db-0 rm /data/old.log', 'deny', 'cluster-data-delete'],
      ['kubectl cp ./dump.sql db-0:/var/lib/postgresql/data/dump.sql', 'deny', 'cluster-data-delete', ['writes into a pod']],
      ['kubectl cp -n prod k8s prod/web-0:/etc/app', 'deny', 'cluster-data-delete'],
      // the pod's temp directories, the null device, appends, reads, everyday lines
      ['kubectl exec db-0 -- rm -rf /tmp/restore', 'allow', 'no-risk'],
      ["kubectl exec db-0 -- sh -c 'pg_dump app > /tmp/app.sql && ls /var/tmp > /dev/null'", 'allow', 'no-risk'],
      ['kubectl exec db-0 -- rm -f /dev/shm/lock', 'allow', 'no-risk'],
      // the null device is the host's: nothing to lose (`of=` is a path in the pod, as `--opt=/path` is)
      ['kubectl exec db-0 -- dd if=/data/base.img of=/dev/null bs=1M', 'allow', 'no-risk'],
      ["kubectl exec web-0 -- sh -c 'echo debug=true >> /etc/app/app.conf'", 'allow', 'no-risk'],
      ['kubectl exec -it db-0 -- sh', 'allow', 'no-risk'],
      ['kubectl exec db-0 -- ls -la /var/lib/postgresql/data', 'allow', 'no-risk'],
      ['kubectl exec db-0 -- cat /etc/hosts', 'allow', 'no-risk'],
      ['kubectl exec web-0 -- env', 'allow', 'no-risk'],
      ['kubectl exec web-0 -- ps aux', 'allow', 'no-risk'],
      ['kubectl exec web-0 -- curl -s localhost:8080/health', 'allow', 'no-risk'],
      ['kubectl exec db-0 -- pg_dump app', 'allow', 'no-risk'],
      ['kubectl exec web-0 -- mkdir -p /data/uploads', 'allow', 'no-risk'],
      ['kubectl cp db-0:/var/lib/postgresql/data ./backup/pgdata', 'allow', 'no-risk'],
      ['kubectl cp ./dump.sql db-0:/tmp/dump.sql', 'allow', 'no-risk'],
      // a data client inside is judged as before
      ["kubectl exec db-0 -- psql -c 'DROP DATABASE app'", 'deny', 'remote-data-delete'],
    ]);
    // the way forward names how to save it first, with the pod and namespace typed
    const v = await evaluatedVerdict(t, 'kubectl exec -n prod db-0 -- rm -rf /data', { asAgent: true });
    expect(v.instead).toContain('kubectl cp -n prod db-0:PATH ./backup');
    expect(v.instead).toContain('VolumeSnapshot');
    // a person is asked, through check-command
    expect(checkVerdict(t, 'kubectl exec db-0 -- rm -rf /var/lib/postgresql/data')).toMatchObject({ verdict: 'ask', rule: 'cluster-data-delete' });
  });
});
