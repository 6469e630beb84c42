/**
 * Lines that destroyed what guard cannot bring back and were free until 2026-12-07 (helper
 * holes6), because the command ran where guard judged it without looking:
 *
 *  - a container or a pod on another machine deleting its files (`ssh host docker exec app rm -rf
 *    /data`, `ssh bastion kubectl exec db-0 -- rm -rf ...`): the ssh file pass judged the
 *    container as the host's own and dropped its verdict (container-run.ts
 *    classifyUnseenMachineContainer; unseen-files.ts hands a nested pass's verdict to the outer);
 *  - git on another machine (`ssh host 'cd /srv/app && git push -f origin main'`, `ssh host git
 *    -C /srv/repo reset --hard`, `ssh host 'git branch -D x'`): its repository has no snapshot
 *    (unseen-files.ts gitElsewhere);
 *  - `run-as PKG CMD` after other commands in `adb shell`'s string (android.ts classifyRunAs);
 *  - a PocketBase application built under another name (`./base migrate down`: go-run.ts
 *    renamedPocketbase);
 *  - (friction) a copy into the other machine's /tmp itself (`ssh host cp app.log /tmp/`) was
 *    refused as replacing /tmp (targets.ts replacesUnseen);
 *  - mkdocs.yml's `remote_branch:` named in the refusal of `mkdocs gh-deploy --force`, and
 *    gh-pages' Node API with `history: false` (site-publish.ts).
 *
 * Everyday lines beside them stay free (also in test/unit/policy/command/everyday.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('what runs where guard sees nothing', () => {
  it('refuses a deletion in a container or pod on another machine; its /tmp and reads stay free', async () => {
    await withTestRepo(async (t) => {
      // a compose file here names a service app with a bind mount: the other machine's is not this one
      commitFiles(t, { 'compose.yaml': 'services:\n  app:\n    image: node\n    volumes:\n      - ./:/data\n' });
      t.guard(['init', '--yes', '--agents', 'claude']);
      const v = checkVerdict(t, 'ssh host docker exec app rm -rf /data', { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'remote-host-delete', reason: expect.stringContaining('`rm -rf /data`: rm deletes /data (run in the container app), on another machine') });
      expect(v.instead).toContain('`ssh host docker exec CONTAINER tar czf - PATH > backup.tgz`');
      expect(hookWithVerdict(t, "ssh host 'docker exec app sh -c \"rm -rf /data\"'")).toMatchObject({ decision: 'deny', verdict: 'deny' });
      // a person is asked
      expect(checkVerdict(t, 'ssh host docker compose exec app rm -rf /data')).toMatchObject({ verdict: 'ask', rule: 'remote-host-delete' });
      await expectEvaluatedTable(t, [
        ['ssh host docker exec -w /app app rm -rf uploads', 'deny', 'remote-host-delete', ['/app/uploads (run in the container app)']],
        ['ssh host docker run -v /srv/data:/data alpine rm -rf /data', 'deny', 'remote-host-delete', ['(run in a container of alpine)']],
        ['ssh bastion kubectl exec db-0 -- rm -rf /var/lib/postgresql/data', 'deny', 'remote-host-delete', ['`rm -rf /var/lib/postgresql/data`', '(run in the pod db-0)']],
        ["ssh bastion 'kubectl exec db-0 -- sh -c \"rm -rf /data\"'", 'deny', 'remote-host-delete', ['(run in the pod db-0)']],
        // judged before, unchanged
        ["ssh host 'docker compose exec db psql -c \"DROP TABLE x\"'", 'deny', 'remote-data-delete'],
        ['ssh host kubectl delete ns prod', 'deny', 'cluster-data-delete'],
        ['ssh prod docker exec db dropdb app', 'deny', 'remote-data-delete'],
        ['kubectl exec db-0 -- rm -rf /data', 'deny', 'cluster-data-delete'],
        // here, a running container's mounts may show the repository: a snapshot first, as before
        ['docker exec web rm -rf /srv/x', 'snapshot', 'container-unknown-mounts'],
        // free: reads, the container's /tmp, a fresh container's own files
        ['ssh host docker ps', 'allow', 'no-risk'],
        ['ssh host docker exec app ls /data', 'allow', 'no-risk'],
        ['ssh host docker exec app rm -rf /tmp/cache', 'allow', 'no-risk'],
        ['ssh host docker run --rm alpine rm -rf /x', 'allow', 'no-risk'],
        ['ssh bastion kubectl exec db-0 -- ls /data', 'allow', 'no-risk'],
        ['ssh bastion kubectl exec db-0 -- rm -rf /tmp/x', 'allow', 'no-risk'],
        ['ssh host ls', 'allow', 'no-risk'],
        // a copy into a scratch directory itself lands in it (it was refused as replacing /tmp)
        ['ssh host cp app.log /tmp/', 'allow', 'no-risk'],
        ['ssh host mv app.log /tmp', 'allow', 'no-risk'],
        ['adb shell "cp /sdcard/x.png /data/local/tmp/"', 'allow', 'no-risk'],
        ['ssh host cp app.conf /etc/', 'deny', 'remote-host-delete'],
        ['ssh host rm -rf /tmp', 'deny', 'remote-host-delete'],
      ]);
    });
  });

  it("refuses git that drops work in another machine's repository, with git's own way forward", async () => {
    await withTestRepo(async (t) => {
      t.guard(['init', '--yes', '--agents', 'claude']);
      const v = checkVerdict(t, 'ssh host git -C /srv/repo reset --hard', { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'git-reset-hard', reason: 'git reset --hard discards uncommitted changes, in /srv/repo on another machine, where guard cannot snapshot the repository first (run on the host host)' });
      expect(v.instead).toContain('`git reset --keep`');
      expect(hookWithVerdict(t, "ssh host 'cd /srv/app && git push -f origin main'")).toMatchObject({ decision: 'deny', verdict: 'deny' });
      expect(checkVerdict(t, "ssh host 'git branch -D x'")).toMatchObject({ verdict: 'ask', rule: 'git-branch-delete' });
      await expectEvaluatedTable(t, [
        ["ssh host 'cd /srv/app && git push -f origin main'", 'deny', 'git-push-force', ['on another machine']],
        ["ssh host 'git branch -D x'", 'deny', 'git-branch-delete', ['in ~ on another machine']],
        ["ssh prod 'cd app && git clean -fdx'", 'deny', 'git-clean-ignored', ['in ~/app on another machine']],
        ["ssh prod 'cd app && git checkout -- .'", 'deny', 'git-checkout-discard'],
        ["ssh prod 'cd app && git stash drop'", 'deny', 'git-stash-drop'],
        ["ssh prod 'cd app && git fetch && git reset --hard origin/main'", 'deny', 'git-reset-hard'],
        ['kubectl exec web-0 -- git reset --hard', 'deny', 'git-reset-hard', ['(run in the pod web-0)']],
        // free: what keeps the work there
        ["ssh host 'git pull'", 'allow', 'no-risk'],
        ['ssh host git status', 'allow', 'no-risk'],
        ["ssh prod 'cd app && git fetch && git checkout v1.2.0'", 'allow', 'no-risk'],
        ["ssh prod 'cd app && git reset --keep origin/main'", 'allow', 'no-risk'],
        ["ssh prod 'cd app && git stash && git pull --rebase && git stash pop'", 'allow', 'no-risk'],
        ["ssh prod 'cd app && git commit -am x && git push'", 'allow', 'no-risk'],
        ["ssh prod 'git clone https://example.com/a/b.git /srv/b'", 'allow', 'no-risk'],
      ]);
    });
  });

  it('takes a lone git checkout there for a path where only a path can have its name (holes8, 2026-12-08)', async () => {
    await withTestRepo(async (t) => {
      t.guard(['init', '--yes', '--agents', 'claude']);
      const v = checkVerdict(t, "ssh host 'cd /srv/app && git checkout config.yml'", { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'git-checkout-discard', reason: expect.stringContaining('git checkout config.yml discards the uncommitted changes of config.yml (a path by its name, not a branch or tag), in /srv/app on another machine') });
      expect(hookWithVerdict(t, 'ssh host git checkout .')).toMatchObject({ decision: 'deny', verdict: 'deny' });
      expect(checkVerdict(t, 'ssh host git checkout .env')).toMatchObject({ verdict: 'ask', rule: 'git-checkout-discard' });
      // each deny row was "allow: no destructive command found"
      await expectEvaluatedTable(t, [
        ['ssh host git -C /srv/app checkout src/app.py', 'deny', 'git-checkout-discard', ['in /srv/app on another machine']],
        ['ssh host git checkout yarn.lock', 'deny', 'git-checkout-discard'],
        ['ssh host git checkout src/', 'deny', 'git-checkout-discard'],
        ['ssh host git checkout ./deploy/nginx.conf', 'deny', 'git-checkout-discard'],
        ['ssh host git checkout public/404.html', 'deny', 'git-checkout-discard'],
        ['ssh host git checkout Dockerfile', 'deny', 'git-checkout-discard'],
        ["ssh host 'git checkout \"*.py\"'", 'deny', 'git-checkout-discard'],
        ['kubectl exec web-0 -- git checkout settings.py', 'deny', 'git-checkout-discard', ['(run in the pod web-0)']],
        // judged before, unchanged
        ["ssh host 'cd /srv/app && git checkout -- config.yml'", 'deny', 'git-checkout-discard'],
        ['ssh host git restore .', 'deny', 'git-restore'],
        // git restore takes only paths: refused there whatever the path's name (since holes6), not only a file's name as checkout
        ['ssh host git restore config.yml', 'deny', 'git-restore', ['in ~ on another machine']],
        ["ssh host 'cd /srv/app && git restore src'", 'deny', 'git-restore', ['in /srv/app on another machine']],
        ['ssh host git restore --source=HEAD~1 --worktree README', 'deny', 'git-restore'],
        ['ssh host git restore -p', 'deny', 'git-restore'],
        // only the index: the files stay
        ['ssh host git restore --staged config.yml', 'allow', 'no-risk'],
        // a deploy's branch, tag or commit stays free
        ['ssh host git checkout v1.2.0', 'allow', 'no-risk'],
        ['ssh host git checkout main', 'allow', 'no-risk'],
        ["ssh host 'cd /srv/app && git fetch --tags && git checkout v2.0.0-rc.1'", 'allow', 'no-risk'],
        ['ssh host git checkout release/2.x', 'allow', 'no-risk'],
        ['ssh host git checkout v1.0.0.rc1', 'allow', 'no-risk'],
        ['ssh host git checkout 5.6.15.Final', 'allow', 'no-risk'],
        ['ssh host git checkout origin/main', 'allow', 'no-risk'],
        ['ssh host git checkout 3f2a9c1', 'allow', 'no-risk'],
        ['ssh host git checkout HEAD~1', 'allow', 'no-risk'],
        ['ssh host git checkout -', 'allow', 'no-risk'],
        ['ssh host git checkout -b hotfix origin/main', 'allow', 'no-risk'],
      ]);
    });
  });

  it("refuses a volume deletion on another machine's engine with a way forward through that engine (holes8, 2026-12-08)", async () => {
    await withTestRepo(async (t) => {
      // this repository's compose file with a named volume: `-H`/`--context` run it against the other engine
      commitFiles(t, { 'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n' });
      t.guard(['init', '--yes', '--agents', 'claude']);
      const ssh = checkVerdict(t, "ssh prod 'cd /srv/app && docker compose down --volumes'", { asAgent: true });
      expect(ssh).toMatchObject({ verdict: 'deny', rule: 'container-volume-delete' });
      // the rule's own way forward (`-v "$PWD":/b`) would save this machine's volume of that name
      expect(ssh.instead).toContain('`ssh prod docker run --rm -v VOLUME:/v alpine tar czf - -C /v . > VOLUME.tgz`');
      const host = checkVerdict(t, 'docker -H ssh://prod compose down -v', { asAgent: true });
      expect(host).toMatchObject({ verdict: 'deny', rule: 'container-volume-delete', reason: expect.stringContaining('on the engine ssh://prod') });
      expect(host.instead).toContain('`docker -H ssh://prod run --rm -v VOLUME:/v alpine tar czf - -C /v . > VOLUME.tgz`');
      expect(checkVerdict(t, 'DOCKER_HOST=ssh://prod docker volume rm pgdata')).toMatchObject({ verdict: 'ask', rule: 'container-volume-delete' });
      await expectEvaluatedTable(t, [
        ['docker --context prod compose down -v', 'deny', 'container-volume-delete', ['on the engine prod']],
        ['DOCKER_CONTEXT=prod docker volume prune -af', 'deny', 'container-volume-delete', ['on the engine prod']],
        ['podman --connection prod volume rm pgdata', 'deny', 'container-volume-delete', ['on the engine prod']],
        ['ssh prod docker compose down -v', 'deny', 'container-volume-delete', ['(run on the host prod)']],
        // this machine's engine: as before
        ['docker -H unix:///var/run/docker.sock volume rm pgdata', 'deny', 'container-volume-delete'],
        // free: what keeps the volumes, and the way forward itself
        ['ssh prod docker compose ps', 'allow', 'no-risk'],
        ['ssh prod docker compose logs --tail 50 db', 'allow', 'no-risk'],
        ["ssh prod 'cd /srv/app && docker compose pull && docker compose up -d'", 'allow', 'no-risk'],
        ['docker -H ssh://prod compose down', 'allow', 'no-risk'],
        ['DOCKER_HOST=ssh://prod docker volume ls', 'allow', 'no-risk'],
        ['ssh prod docker run --rm -v pgdata:/v alpine tar czf - -C /v . > pgdata.tgz', 'allow', 'no-risk'],
      ]);
    });
  });

  it("judges run-as anywhere in adb shell's string in the app's data directory", async () => {
    await withTestRepo(async (t) => {
      t.guard(['init', '--yes', '--agents', 'claude']);
      expect(checkVerdict(t, 'adb shell "cd /x && run-as com.app rm -rf databases"', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'remote-host-delete', reason: expect.stringContaining('rm deletes /data/data/com.app/databases, on another machine') });
      await expectEvaluatedTable(t, [
        ["adb shell 'run-as com.app ls; run-as com.app rm -rf files'", 'deny', 'remote-host-delete', ['/data/data/com.app/files']],
        ['adb shell "run-as com.app --user 10 rm -rf shared_prefs"', 'deny', 'remote-host-delete', ['/data/data/com.app/shared_prefs']],
        ['adb shell run-as com.app rm -rf databases', 'deny', 'remote-host-delete'],
        ['adb shell run-as com.app ls', 'allow', 'no-risk'],
        ['adb shell "cd /data/local/tmp && run-as com.app ls databases"', 'allow', 'no-risk'],
        ['adb shell "run-as com.app cp databases/app.db /data/local/tmp/app.db"', 'allow', 'no-risk'],
      ]);
    });
  });

  it('knows a PocketBase application built under another name by the main.go beside it', async () => {
    await withTestRepo(async (t) => {
      // pocketbase/pocketbase's examples/base: `/*` ignored but .gitignore and main.go; `go build` makes ./base
      commitFiles(t, {
        '.gitignore': '/*\n!.gitignore\n!main.go\n',
        'main.go': 'package main\n\nimport (\n\t"log"\n\n\t"github.com/pocketbase/pocketbase"\n)\n\nfunc main() {\n\tapp := pocketbase.New()\n\tif err := app.Start(); err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n',
      });
      writeFiles(t, { 'base': '\u007fELF not really\n', 'pb_data/data.db': 'SQLite format 3\u0000rows\n' });
      fs.chmodSync(path.join(t.dir, 'base'), 0o755);
      t.guard(['init', '--yes', '--agents', 'claude']);
      expect(checkVerdict(t, './base migrate down', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored', reason: expect.stringContaining('pb_data/data.db') });
      await expectEvaluatedTable(t, [
        ['./base migrate down 2', 'snapshot', 'overwrite-ignored', ['pocketbase migrate down', 'pb_data/data.db']],
        ['./base superuser delete a@b.c', 'snapshot', 'overwrite-ignored', ['pocketbase superuser delete']],
        ['./base serve', 'allow', 'no-risk'],
        ['./base migrate create add_posts', 'allow', 'no-risk'],
      ]);
      // the same binary where no main.go imports PocketBase: an unknown program, as before
      fs.writeFileSync(path.join(t.dir, 'main.go'), 'package main\n\nfunc main() {}\n');
      await expectEvaluatedTable(t, [['./base migrate down', 'allow', 'no-risk']]);
    });
  });

  it("names mkdocs.yml's remote_branch, and refuses gh-pages' Node API with history: false", async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, {
        'mkdocs.yml': 'site_name: x\nremote_branch: main # the site on main\nremote_name: upstream\n',
        'scripts/deploy.mjs': "import ghpages from 'gh-pages';\nghpages.publish('dist', { history: false, branch: 'pages' }, (err) => console.log(err));\n",
        'scripts/deploy-plain.js': "const ghpages = require('gh-pages');\nghpages.publish('dist', () => {});\n",
        'package.json': JSON.stringify({ name: 'x', scripts: { deploy: 'node scripts/deploy.mjs', 'deploy:plain': 'node scripts/deploy-plain.js' } }),
      });
      t.guard(['init', '--yes', '--agents', 'claude']);
      expect(checkVerdict(t, 'mkdocs gh-deploy --force', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'git-push-force', reason: expect.stringContaining("force-pushes main (mkdocs.yml's remote_branch) to upstream") });
      expect(hookWithVerdict(t, 'npm run deploy')).toMatchObject({ decision: 'deny', verdict: 'deny' });
      await expectEvaluatedTable(t, [
        ['mkdocs gh-deploy --force -b pages', 'deny', 'git-push-force', ['force-pushes pages to upstream']],
        ["node -e \"require('gh-pages').publish('dist', {history: false})\"", 'deny', 'git-push-force', ['force-pushes gh-pages to origin']],
        ['node scripts/deploy.mjs', 'deny', 'git-push-force', ['force-pushes pages to origin']],
        ['mkdocs gh-deploy', 'allow', 'no-risk'],
        ["node -e \"require('gh-pages').publish('dist')\"", 'allow', 'no-risk'],
        ['npm run deploy:plain', 'allow', 'no-risk'],
      ]);
    });
  });
});
