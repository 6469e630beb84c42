/**
 * Every rule the command guard can report, in one table: a stable kebab-case id, a one-line
 * description, and the default "instead" hint shown with a refusal. docs/command-guard.md lists
 * the same table; a test keeps the two in step.
 *
 * The axis (architecture.md): what guard can restore (inside the repository, not ignored) may
 * run after a snapshot; what it cannot restore is denied; what it cannot see is asked about
 * (a person) or denied (an agent, which can always write the command out plainly).
 */
import { STRICTNESS, type Verdict, type VerdictKind } from './types.js';

export interface RuleInfo {
  description: string;
  instead: string;
}

export const RULES = {
  'no-risk': {
    description: 'Nothing in the command destroys data guard cannot restore.',
    instead: '',
  },
  // Remote history: a remote is outside every snapshot.
  'git-push-force': {
    description: 'A force push (`--force`, `-f`, a `+refspec`, `--force-with-lease` with an expected value, of many refs or of a protected branch) rewrites remote history guard cannot restore; so does a forced ref update through the hosting service API (`gh api -X PATCH` or `curl -X PATCH .../git/refs/heads/B` with `force: true`, a GraphQL `updateRef` with `force: true`).',
    instead: 'Push without force (pull or rebase first); on a branch that is not protected, `git push --force-with-lease` (no expected value) runs after a snapshot; or ask the person to force-push if it is really intended.',
  },
  'git-push-lease': {
    description: '`git push --force-with-lease` (bare or `=<ref>`) of branches that are not protected: git overwrites only the tip this repository last fetched, which guard keeps (refs/guard/keep/head) after its snapshot.',
    instead: '`git push --force-with-lease <remote> <old tip>:<branch>` puts the remote branch back (the old tip is in refs/guard/keep/head and in the remote-tracking reflog).',
  },
  'git-push-delete': {
    description: 'A push that deletes a remote branch or tag (`--delete`, `:ref`), or the same through the hosting service API (`gh api -X DELETE repos/O/R/git/refs/heads/B`, `curl -X DELETE https://api.github.com/repos/O/R/git/refs/heads/B`, GitLab `/api/v4/projects/ID/repository/branches/B`, a GraphQL `deleteRef`).',
    instead: 'Ask the person to delete remote branches; guard cannot bring a remote ref back.',
  },
  'git-push-mirror': {
    description: '`git push --mirror` overwrites and deletes every ref on the remote (and would publish guard\'s snapshots).',
    instead: 'Push the branches you mean by name.',
  },
  'git-push-prune': {
    description: '`git push --prune` deletes remote refs that have no local counterpart.',
    instead: 'Push the branches you mean by name; ask the person before deleting remote refs.',
  },
  'git-push-guard-refs': {
    description: "A push refspec that sends guard's snapshot refs (`refs/guard/*`, `refs/*:refs/*`) to a remote.",
    instead: 'Push branches and tags by name; snapshots stay local (or go to the configured backup remote via guard).',
  },
  // guard's recovery data and the git directory.
  'git-reflog-expire': {
    description: '`git reflog expire` throws away the reflog entries that make lost commits recoverable.',
    instead: 'Leave reflogs to expire on their own; guard keeps what it needs in refs/guard.',
  },
  'git-reflog-delete': {
    description: '`git reflog delete` removes reflog entries that make lost commits recoverable.',
    instead: 'Leave the reflog alone.',
  },
  'git-gc-prune': {
    description: '`git gc --prune=now`, `git prune`, `git repack -a -d` (without -A, -k or --cruft) or a shortened expiry deletes unreachable objects at once, with no grace period.',
    instead: 'Run plain `git gc` or `git repack -A -d` (they keep two weeks of unreachable objects), or ask the person.',
  },
  'git-config-recovery': {
    description: 'A git config change that shortens reflog or prune expiry or turns reflogs off, weakening recovery.',
    instead: 'Keep the defaults; ask the person if the repository really needs it.',
  },
  'git-filter-repo': {
    description: '`git filter-repo` / `git filter-branch` / BFG Repo-Cleaner (`bfg`, `java -jar bfg.jar`) rewrite the whole history and drop the old objects.',
    instead: 'Ask the person to run history rewrites themselves, on a fresh clone.',
  },
  'git-worktree-remove-force': {
    description: '`git worktree remove --force` deletes a worktree with uncommitted or untracked changes.',
    instead: 'Commit or stash in that worktree first, then `git worktree remove` without --force.',
  },
  'git-submodule-deinit-force': {
    description: '`git submodule deinit --force` deletes a submodule working tree with its local changes.',
    instead: 'Commit the submodule\'s changes first, then deinit without --force.',
  },
  'git-worktree-commits': {
    description: '`git worktree remove`, `git worktree prune` or `git worktree add --force` over a worktree whose directory is gone deletes a linked worktree\'s HEAD and its per-worktree refs (refs/bisect, refs/worktree, refs/rewritten); commits only those reach (a detached HEAD\'s) would go unreachable and no snapshot holds them, so guard keeps them in refs/guard/keep/head after its snapshot.',
    instead: '`git branch <name> <oid>` (or `git worktree add <path> <oid>`) with an oid the message names gets a kept commit back.',
  },
  'git-worktree-remove-ignored': {
    description: '`git worktree remove` (without --force) deletes the linked worktree\'s ignored files (`.env`, local config) without asking, and no snapshot holds them; regenerable output (`commands.regenerable`: node_modules, dist ...) is fine to lose, but for a nested git repository in it holding work no remote holds (a dependency cloned into node_modules/foo and patched there).',
    instead: 'Move the named files out of that worktree first (or delete them yourself if they are not wanted), then run `git worktree remove` again.',
  },
  'git-submodule-remove-ignored': {
    description: '`git submodule deinit` or `git rm` (without --force) of a checked-out submodule deletes its whole working tree once git finds it clean, its ignored files (`.env`, a local database) with it, and no snapshot holds them (it records only the submodule\'s commit); regenerable output (`commands.regenerable`, matched inside the submodule) is fine to lose.',
    instead: 'Move the named files out of the submodule first (to a place outside it; or delete them yourself if they are not wanted), then run the command again; or ask the person. `git rm --cached <path>` drops the submodule from the index and leaves its files in place.',
  },
  'other-repository': {
    description: 'Deleting or discarding files of another git repository inside this one (a checked-out submodule, `git submodule update --force` over a submodule with uncommitted changes or untracked files, `--recurse-submodules` on a command that discards changes, a nested repository\'s files): snapshots record only a submodule\'s commit, never its files.',
    instead: 'Commit the work inside that repository first (or ask the person); `git submodule deinit <path>` without --force refuses while a submodule has local changes.',
  },
  'git-clean-ignored': {
    description: '`git clean -x`/`-X` (or after un-ignoring files) deletes ignored files (.env, local config, caches); without a look at the repository guard cannot capture them first.',
    instead: 'Use `git clean -n -x` to list them, then delete named build paths with rm (guard snapshots first).',
  },
  'git-clean-nested': {
    description: '`git clean -ff` deletes the untracked (with -x, also ignored) nested git repositories its dry run lists, which snapshots do not hold; a registered submodule is never one.',
    instead: 'Use `git clean -fd` (one -f) and remove nested repositories by hand if you really mean it.',
  },
  'git-dir-write': {
    description: 'Deleting or writing files under `.git` (refs, packed-refs, HEAD, hooks, config, guard\'s data) bypasses git and guard.',
    instead: 'Use git commands (git config, git update-ref, git branch) instead of editing .git directly.',
  },
  'git-dir-arg': {
    description: 'A program guard does not know is handed a path inside `.git`, which it may overwrite.',
    instead: 'Use git commands to read or change repository internals.',
  },
  'guard-self': {
    description: "Switching guard off from inside an agent: `guard uninstall`/`approve`, editing `.guard.yaml` or the agents' hook settings (also through git: `git rm`, `git mv` of them or onto them, or a `git checkout -- <path>`/`git restore` that would change them; a `chmod`/`chown` that can make them unreadable), touching guard's refs or processes.",
    instead: 'Ask the person to change guard\'s configuration; agents cannot turn their own guard off.',
  },
  'guard-file-arg': {
    description: "An agent hands guard's own files (`.guard.yaml`, hook settings) to a program guard does not know, which may overwrite them.",
    instead: 'Ask the person to change guard\'s configuration.',
  },
  'hooks-disable': {
    description: 'Skipping or redirecting git hooks (`--no-verify`, `core.hooksPath`, `HUSKY=0`) turns guard\'s git-level checks off for agents.',
    instead: 'Run the command with hooks on and fix what they report.',
  },
  'git-branch-protected': {
    description: 'Deleting, renaming away or force-moving a protected branch.',
    instead: 'Work on another branch; ask the person to change protected branches.',
  },
  // Local, restorable: snapshot first.
  'git-reset-hard': {
    description: '`git reset --hard` discards uncommitted changes (restorable from the snapshot taken first).',
    instead: 'Use `git stash` to set changes aside, or `git reset --keep`.',
  },
  'git-operation-quit': {
    description: '`--quit` of a merge, rebase, `git am`, cherry-pick or revert forgets the operation in progress (its todo, the commits or patches left, MERGE_HEAD) and keeps the files (restorable from the snapshot taken first, which records the operation\'s state).',
    instead: 'Finish the operation with `--continue`, or leave it in progress for the person.',
  },
  'git-checkout-discard': {
    description: '`git checkout` with paths, `.` or `--force` overwrites uncommitted changes (restorable from the snapshot taken first).',
    instead: 'Use `git stash`, or `git switch` for changing branches.',
  },
  'git-restore': {
    description: '`git restore` discards uncommitted changes (restorable from the snapshot taken first).',
    instead: 'Use `git stash` to set changes aside.',
  },
  'git-unstage': {
    description: 'A command that resets or removes index entries and leaves the files (`git reset [-- <paths>]`, `git reset --mixed|--keep <commit>`, `git restore --staged`, `git rm --cached`, `git read-tree <tree>`, `git update-index --force-remove`, `git apply --cached`) where a staged version it touches is neither HEAD\'s nor the working tree\'s (after `git add -p`, or an edit after `git add`), and `git apply --index` / `-3` (which replaces the file along with its entry) where a staged version is not HEAD\'s: restorable from the snapshot taken first. Where nothing is staged that way, it runs with no snapshot.',
    instead: 'Commit the staged version first (`git commit`), or stash it (`git stash push --staged`).',
  },
  'git-switch-discard': {
    description: '`git switch --discard-changes`/`--force` throws local changes away (restorable from the snapshot taken first).',
    instead: 'Commit or stash first, then switch.',
  },
  'git-clean': {
    description: '`git clean -f` deletes untracked files (restorable from the snapshot taken first).',
    instead: 'Run `git clean -n` first to see what would go.',
  },
  'guard-policy-put-back': {
    description: "An agent's git command that takes the working tree to a tree without `.guard.yaml` while HEAD tracks it (`git reset --hard HEAD~1` after a commit that took it in, `git checkout X`, `git switch X`, `git read-tree -u X`; not a merge, rebase or pull, which keep it): guard puts `.guard.yaml` back right after the command, untracked, byte for byte, from the snapshot taken first (an agent without a hook after its commands is refused: guard-self).",
    instead: 'Nothing to change: guard puts its policy back after the command (to switch back to a branch that tracks it, `git checkout -f BRANCH`: git stops at the untracked copy).',
  },
  'git-branch-delete': {
    description: '`git branch -D` deletes an unmerged branch (restorable from the snapshot taken first).',
    instead: 'Use `git branch -d`, which refuses to drop unmerged work.',
  },
  'git-branch-force': {
    description: 'Force-moving or overwriting a branch (`branch -f`, `-M`, `-C`, `checkout -B`, `switch -C`); restorable from the snapshot taken first.',
    instead: 'Create a new branch instead of moving an existing one.',
  },
  'git-stash-drop': {
    description: '`git stash drop` deletes a stash entry (restorable once snapshots hold the stash).',
    instead: 'Leave the stash entry, or `git stash branch` it.',
  },
  'git-stash-clear': {
    description: '`git stash clear` deletes every stash entry (restorable once snapshots hold the stash).',
    instead: 'Drop the entries you mean one by one.',
  },
  'git-mv-force': {
    description: '`git mv -f` renames a file over a tracked or untracked file at its destination (restorable from the snapshot taken first; an ignored file there is captured first: overwrite-ignored).',
    instead: 'Move to a name that is free, or `git rm` the file at the destination first.',
  },
  'git-rm-force': {
    description: '`git rm -f` deletes files with uncommitted changes (restorable from the snapshot taken first).',
    instead: 'Commit or stash the changes first, then `git rm`.',
  },
  'git-tag-delete': {
    description: 'Deleting or force-moving a tag (restorable from the snapshot taken first).',
    instead: 'Create a new tag name instead.',
  },
  'git-update-ref-unkept': {
    description: '`git update-ref` deletes or moves a ref that no snapshot holds (`refs/replace/*`, any ref outside branches, tags, notes, the stash and remote-tracking refs); so do `git replace -d` and `git replace -f` (a replace ref).',
    instead: 'Leave that ref as it is, or ask the person to change it (`git for-each-ref refs/replace` shows what it holds); new ones can be made without loss by `git replace` without -f.',
  },
  'git-remote-change': {
    description: '`git remote remove`/`rename`/`set-url`/`set-branches`, or `git config` writing a `remote.<name>.*` key, changes or deletes a remote\'s settings (restorable from the snapshot taken first; the remote-tracking refs `remove` deletes come back with `git fetch`).',
    instead: 'Add another remote with `git remote add` instead of changing the one the branches track.',
  },
  'git-notes-remove': {
    description: '`git notes remove`/`prune`, or `git notes add -f`/`copy -f`, deletes or replaces notes (restorable from the snapshot taken first).',
    instead: 'Add to a note with `git notes append` instead of replacing or removing it.',
  },
  'git-update-ref': {
    description: '`git update-ref` moves or deletes a ref directly (restorable from the snapshot taken first).',
    instead: 'Use porcelain commands (git branch, git tag) where possible.',
  },
  'git-sparse-checkout': {
    description: '`git sparse-checkout set`, `add`, `reapply`, `init` or `disable` changes which files are on disk: it deletes the tracked files that leave the view and, in cone mode, every directory leaving the cone that holds only ignored files (build output, `.env.local`). Restorable from the snapshot taken first (the view, tracked and untracked files), which also captures those ignored files, read from the repository before the command, except regenerable output such as dist; what cannot be captured (over `commands.maxIgnoredCapture`, a nested repository, a protected path) is denied.',
    instead: 'Leave the person\'s sparse-checkout view as it is; read files outside it with `git show HEAD:path`.',
  },
  'git-worktree-overwrite': {
    description: 'Plumbing that overwrites working-tree files (`read-tree -u`, `checkout-index -f`); restorable from the snapshot taken first.',
    instead: 'Use porcelain commands that refuse to overwrite local changes.',
  },
  // Files.
  'rm-root': {
    description: 'Removing `/`.',
    instead: 'Name the paths inside the repository you mean to delete.',
  },
  'rm-home': {
    description: 'Removing the home directory (or a directory that contains it).',
    instead: 'Name the paths inside the repository you mean to delete.',
  },
  'rm-repo-root': {
    description: 'Removing the repository itself (its root, or a directory that contains it).',
    instead: 'Delete the files inside it that you mean, by name.',
  },
  'rm-outside-repo': {
    description: 'Deleting, truncating or replacing files outside the repository (`rm ~/.bashrc`, `: > ~/.bashrc`, `echo x > ~/.bashrc`, `cp KEY ~/.ssh/id_ed25519`, `curl -o ~/.npmrc`; also through a symbolic link inside it), which guard cannot restore. Appending, a new file, `cp -n`/`--backup` and edits in place (`sed -i`) stay free; the system temp directory is scratch space (`commands.tempIsScratch`).',
    instead: 'Ask the person to delete files outside the repository, or keep scratch files inside it or in the temp directory.',
  },
  'container-volume-delete': {
    description: 'Deleting container volumes (`docker compose down -v`, `docker compose rm -v`, `docker rm -v`, `docker volume rm|prune`, `docker system prune --volumes`, and through podman; Ansible\'s docker_volume, docker_container, docker_prune and docker_compose(_v2) tasks that do the same), and deleting files in a container\'s named volume (`docker compose exec db rm -rf /var/lib/postgresql/data`, `docker run -v pgdata:/data alpine rm -rf /data/x`; a volume of regenerable output such as `node_modules:/app/node_modules` stays free): a compose project\'s database lives in one, in the engine\'s storage outside the repository, where no snapshot holds it (refused for an agent, asked of a person).',
    instead: 'Run it without deleting volumes (`docker compose down` keeps them); save a volume first with `docker run --rm -v VOLUME:/v -v "$PWD":/b alpine tar czf /b/VOLUME.tgz -C /v .`; or ask the person to run it.',
  },
  'remote-data-delete': {
    description: 'Deleting data in a cloud or on a database server, outside the repository, where no snapshot holds it: `aws s3 rm --recursive`, `aws s3 sync --delete` into a bucket, `gsutil rm -r`, `gcloud projects delete`, `az group delete`, `aws rds delete-db-instance`, `heroku pg:reset`, `fly apps destroy`, `supabase db reset --linked`, `firebase firestore:delete`, `dropdb`, DROP, TRUNCATE, or DELETE or UPDATE without WHERE sent to `psql`/`mysql`/`sqlcmd`/`clickhouse-client`/`cockroach sql` (in `-c`/`-e`/`-Q`/`--query`, a file, a heredoc or a pipe), `rails db:drop|reset|schema:load`, `prisma migrate reset`, `drizzle-kit push --force`, `typeorm schema:drop|sync`, `manage.py flush`, `sequelize db:drop`, `artisan migrate:fresh|db:wipe`, `doctrine:database:drop --force`, `mix ecto.reset`, `dotnet ef database drop`, `flyway clean`, `liquibase drop-all`, `alembic downgrade base`, `flask db downgrade base`, `migrate drop`, `dbmate drop`, `diesel database reset`, `sqlx database drop`, `goose reset`, `atlas schema clean` (also from the tools\' official images, `docker run flyway/flyway ... clean`, or a compose service of one, `docker compose run flyway clean`), and rollbacks of more than one migration (`artisan migrate:rollback`, `rails db:rollback STEP=3`, `mix ecto.rollback -n 3`, `manage.py migrate APP 0001`, `diesel migration revert --all`, `mvn liquibase:rollback -Dliquibase.rollbackCount=3`, `flyway undo -target=2`) where the project\'s configuration names a server database or the command runs on another machine (`ssh prod "python manage.py flush"`, `heroku run`), `redis-cli flushall`, `mongosh --eval` dropping, `npm unpublish`, and the deletes of developer platforms and data stores by their own clients (`wrangler d1 delete`, `wrangler d1 execute --remote` with such SQL, `neonctl branches delete|reset`, `turso db destroy`, `pscale database delete`, `bq rm`, `mc rm --recursive --force`, `rclone purge|sync` to a remote, `cqlsh` DROP KEYSPACE, `kafka-topics --delete`, `etcdctl del --prefix`, `stripe RESOURCE delete ID` and the operations that end an object for good, `stripe subscriptions cancel`, `stripe invoices void_invoice`, `stripe accounts reject` ..., in live mode: `--live`, a live `--api-key` or a live `STRIPE_API_KEY` on the line) (refused for an agent, asked of a person); SQL guard cannot read sent by an agent is asked of the person.',
    instead: 'Back the data up first (`pg_dump`, `mysqldump`, `aws s3 sync s3://BUCKET ./backup`, an export), then ask the person to run it; guard cannot bring it back.',
  },
  'infra-destroy': {
    description: 'Deleting every cloud resource of an infrastructure stack or a deployed environment (`terraform destroy`, `terraform apply -destroy`, `tofu destroy`, `terragrunt run-all destroy`, `pulumi destroy`, `cdk destroy`, `cdktf destroy`, `sst remove`, `serverless remove`, `sam delete`, `amplify delete`, `ampx sandbox delete`, `copilot app|env|svc delete`, `eksctl delete cluster`, `kops delete cluster --yes`, `azd down`, `eb terminate`), or replacing a named resource that may hold data (`terraform apply -replace=aws_db_instance.main`, `terraform taint`, `pulumi up --replace URN`; computed-value types such as `random_*`, `null_resource`, `terraform_data` stay free), or destroying one whose block was deleted from the configuration (`terraform apply -auto-approve` where a resource of the local state, or one declared at HEAD with a remote backend, has no block left, and no `moved` or `removed` block for it, or an instance the block\'s literal `count` or `for_each` no longer makes; `terragrunt apply -auto-approve` of a local module likewise), or applying a saved plan that destroys one (`terraform apply tfplan` after `terraform plan -destroy -out=tfplan`, `pulumi up --plan=plan.json` whose steps delete or replace one: the plan file\'s own changes are read): the databases, buckets and volumes go with their data, outside the repository, where no snapshot holds them; recreated, they come back empty (refused for an agent, asked of a person; a local state file is captured first). Local clusters (`kind`, `minikube`, `k3d`) stay free.',
    instead: 'Show what it would delete (`terraform plan -destroy`, `pulumi destroy --preview-only`, `cdk diff`), back the data up (`pg_dump`, a database snapshot, `aws s3 sync s3://BUCKET ./backup`), then ask the person to run it; to remove one resource, take it out of the configuration and let the person apply.',
  },
  'dvc-data-delete': {
    description: 'Deleting DVC data outside the repository: `dvc gc -c|--cloud` (unused versions on the DVC remote too) and `dvc gc` with a cache outside the repository (`cache.dir`, a shared cache): old dataset and model versions that may exist nowhere else (refused for an agent, asked of a person). A cache inside the repository (`dvc gc`, `dvc destroy`) and the workspace data that `dvc checkout|pull --force` and `dvc remove --outs` overwrite or delete are captured first, as a deletion of ignored files.',
    instead: 'Push the data first (`dvc push`, so the remote holds every version), run `dvc gc` without `-c`, or keep more revisions (`-a -T`, `--all-commits`); then ask the person to run it.',
  },
  'forge-repo-delete': {
    description: 'Deleting the repository on the hosting service (`gh repo delete`, `glab repo delete`, `gh api -X DELETE repos/O/R`, `curl -X DELETE https://api.github.com/repos/O/R`, GitLab `/api/v4/projects/ID`, Bitbucket `/2.0/repositories/W/R`): every branch, tag, issue and pull request there, which no snapshot holds (refused for an agent, asked of a person).',
    instead: 'Archive it instead (`gh repo archive`: read-only, nothing lost); or ask the person to delete it.',
  },
  'cluster-data-delete': {
    description: 'Deleting data in a Kubernetes cluster, outside the repository, where no snapshot holds it: `kubectl delete` of a PersistentVolumeClaim, PersistentVolume, Namespace or CustomResourceDefinition (every object of its kind goes with it) (by name, `--all`, or in the manifests of `-f`/`-k`, or of manifests guard cannot read), `kubectl replace --force` of such manifests, `kubectl apply --prune`, `kubectl drain --delete-emptydir-data|--force`, `helm uninstall` and `argocd app|appset delete` without `--cascade=false`, `argocd app sync --prune` (also Ansible\'s `k8s` and `helm` tasks with `state: absent` and `k8s_drain` tasks that do the same), `helmfile destroy|delete` (every release of the helmfile), `skaffold delete` (whatever skaffold.yaml deploys), and files deleted or replaced in a pod (`kubectl exec POD -- rm -rf /data`, `find -delete`, `truncate`, `> /etc/app.conf`, `mv` or `cp` over a file, through `sh -c` or a script fed on stdin too; `kubectl cp FILE POD:/data/x`, `oc rsync DIR POD:/data [--delete]`) or on a node (`kubectl debug node/NAME -- rm -rf /host/var/lib/...`) (refused for an agent, asked of a person; `tilt down` stays free: Tilt deploys to local clusters only). `kubectl delete pod|deployment|service ...` stays free: a controller or `kubectl apply` brings those back; so do the pod\'s `/tmp`, `/var/tmp` and `/dev/shm`, reads and appends in a pod, a fresh pod\'s own files (`kubectl run --rm`, `kubectl debug POD`), and `kubectl cp POD:/data ./backup`, `oc rsync POD:/data ./backup`.',
    instead: 'Delete what comes back by itself or from the repository\'s manifests instead (`kubectl delete pod NAME` restarts a Deployment\'s pod); save the data first (a VolumeSnapshot, `kubectl exec POD -- pg_dump ...`); or ask the person to run it.',
  },
  'remote-host-delete': {
    description: 'Deleting or replacing files on another machine, outside the repository and every snapshot: a command run there by `ssh HOST CMD` (`ssh prod "rm -rf /var/www/app"`), `fly ssh console -C CMD` (or `fly machine exec ID CMD`), `gcloud compute ssh VM --command CMD`, `ansible HOSTS -m shell|command|raw -a CMD` (or `-m file -a \'path=P state=absent\'`), the tasks of `ansible-playbook PLAYBOOK`, `aws ssm send-command` (AWS-RunShellScript), `az vm run-command invoke` or `az ssh vm -- CMD`, or `heroku run CMD` (a dyno\'s own files are thrown away: only what it sends the app\'s database is judged there), and `rsync --delete` into `HOST:PATH`; also a remote command or playbook guard cannot see (`ssh HOST "$CMD"`, PowerShell that does more than read, a script or document downloaded by AWS-RunRemoteScript or `--script-uri`) (refused for an agent, asked of a person). The remote\'s /tmp, reads, appends and edits in place stay free.',
    instead: 'Save it first (`scp -r HOST:PATH ./backup`, `ssh HOST tar czf - PATH > backup.tgz`, a volume snapshot), then ask the person to run it; `rsync -n --delete ...` lists what it would delete; the host\'s /tmp stays free for scratch files.',
  },
  'device-app-data-delete': {
    description: 'Deleting an app\'s data on an Android device or emulator or an iOS simulator, outside the repository, where no snapshot holds it: `adb uninstall PKG` (without `-k`), `pm clear PKG` and `pm uninstall PKG` (or `cmd package clear|uninstall`) run by `adb shell`, `emulator -wipe-data`, `avdmanager delete avd`, `xcrun simctl uninstall DEVICE BUNDLE_ID`, `xcrun simctl erase DEVICE|all`, `xcrun simctl delete DEVICE|all`, `xcrun simctl keychain DEVICE reset` (the apps\' saved logins and tokens), and the Android Gradle plugin\'s `./gradlew uninstallAll` / `uninstallDebug` (any `uninstall<Variant>`, every connected device) (refused for an agent, asked of a person). Files deleted on the device by `adb shell CMD` are `remote-host-delete`. `adb install -r`, `adb uninstall -k`, `./gradlew installDebug`, `xcrun simctl install` keep the data and stay free, as do `xcrun simctl list|boot|shutdown|launch`, `xcrun simctl privacy DEVICE reset` (permission answers, given back by `grant`) and `xcrun simctl delete unavailable`.',
    instead: 'Keep the data: `adb install -r APK` replaces the app and keeps its data, `adb uninstall -k PKG` keeps it too; save it first (`adb exec-out run-as PKG tar c . > app-data.tar` on a debug build, `adb pull`), then ask the person to run it.',
  },
  'container-unknown-mounts': {
    description: 'Deleting or overwriting files in a running container guard cannot match to a service of the compose file (`docker exec NAME rm -rf /app/src`, `podman exec $(podman ps -q) sh -c \'rm -rf storage/*\'`), or through a mount whose host side guard cannot read (`docker run -v "$SRC":/app`): its bind mounts may show the repository, so a snapshot is taken first (it holds the tracked and untracked files wherever the container shows them, and captures the repository\'s ignored files its paths may be: `/app/.env` as `.env`, `/app` deleted whole as every ignored file that is not regenerable output, over `commands.maxIgnoredCapture` refused) and pushed into the backup outside the working tree before the command runs, since what it deletes may be the repository\'s root with its .git (refused where the backup cannot take it); the container\'s `/`, above every mount, is the repository\'s root: rm-repo-root.',
    instead: 'Nothing to change: guard snapshots the repository and puts the snapshot into the backup first. Run it as `docker compose exec SERVICE ...` (or name the container as compose names it) so guard maps its paths to the repository\'s.',
  },
  'rm-in-repo': {
    description: 'Deleting files inside the repository (restorable from the snapshot taken first, which also captures the ignored files that go, except regenerable output such as node_modules).',
    instead: 'Delete only what you mean; guard snapshots the repository first.',
  },
  'overwrite-ignored': {
    description: 'Overwriting or editing in place an ignored file that is not regenerable output (`.env.local`, local config: `cp .env.example .env.local`, `echo X= > .env.local`, `sed -i`, a file tool, a recursive copy or an archive extracted over it: `cp -r tpl/. .`, `rsync -a f .`, `tar xf`, `cpio -i`, `7z x`, `wget -r`; a tracked file of another tree that git writes over it: `git switch X`, `checkout X`, `reset --hard X`, `restore --source X`, `merge X`, `cherry-pick C`, `stash pop`, `read-tree -u X`, `git am -3` of a patch creating it; `git mv -f` onto it; a write through an output-file option: `curl -o`, `wget -O`, `sort -o`, `openssl -out`, `op inject -o`, `git archive -o`, `git diff --output`, `git format-patch`, `zip`, `tar -cf`; a file database its client may write: `sqlite3 local.db \'delete from x\'`, `duckdb -c`, `sqlite-utils insert`): no snapshot holds ignored files, so guard captures it into the snapshot taken first.',
    instead: 'Nothing to change: the old file is in the snapshot taken first (`guard rollback` brings it back).',
  },
  'edit-listed': {
    description: 'Editing in place the files a listing command prints (`git grep -l foo | xargs sed -i ...`, `find src -name \'*.js\' -print0 | xargs -0 perl -pi ...`, `sed -i ... $(git ls-files \'*.js\')`): the names are unknown before it runs, but every one is in a set guard lists (tracked files, or what lies under the named directories), none of them ignored, so the snapshot taken first holds them all.',
    instead: 'Nothing to change: the files are in the snapshot taken first (`guard rollback` brings them back).',
  },
  'capture-too-large': {
    description: 'A command would delete or overwrite, or an agent\'s file tool (Write, Edit, delete) replace, more ignored files than guard captures before it (`commands.maxIgnoredCapture`), so they could not be brought back.',
    instead: 'Delete the large ignored files you mean by name (or add them to commands.regenerable), or ask the person to raise commands.maxIgnoredCapture.',
  },
  'untracked-too-large': {
    description: 'Deleting an untracked file larger than `snapshot.maxFileSize`, or stashing one with `git stash -u`, or writing an untracked database that large (a migration, `sqlite3 big.db \'delete from x\'`): snapshots skip such files, so no rollback could bring it back (a rollback drops the stash entry made after its snapshot).',
    instead: 'Move the file out of the repository first (or add it to git), or ask the person to raise snapshot.maxFileSize in .guard.yaml.',
  },
  'script-unknown-write': {
    description: 'A script file, makefile recipe or package script guard read writes to a path it computes when it runs (`wget -O "$TMP_DOWNLOAD_DIR/$name"` in Maven\'s mvnw): the build\'s own output, as its unknown programs are; typed, the same write is refused.',
    instead: 'Nothing to change: guard snapshots first, so `guard rollback` brings back what it overwrote in the repository.',
  },
  'tracked-database': {
    description: 'A migration, a fixture load or a database client may write a database file the snapshots hold (tracked, or untracked and not ignored: symfony/demo\'s `data/database.sqlite` before `bin/console doctrine:fixtures:load -n`, `sqlite3 data/database.sqlite \'delete from x\'`, `python manage.py migrate` over an untracked `db.sqlite3`) and that a running application may have written since the last snapshot: the snapshot taken first holds its current bytes.',
    instead: 'Nothing to change: the database as it was is in the snapshot taken right before the command (`guard list` names it, `guard rollback ID` brings it back; stop the application that holds the database open first).',
  },
  'rm-unknown-target': {
    description: 'Deleting paths guard cannot see before the command runs (variables, command output, xargs input).',
    instead: 'Write the paths out literally so guard can check them.',
  },
  'protected-path': {
    description: 'Deleting a protected path (anyone), or writing one (agents); for an agent also through git (`git rm`, `git mv` of it or into it, a `git checkout -- <path>`/`git restore` that would change it).',
    instead: 'Ask the person to change protected files, or remove the path from protect.paths in .guard.yaml.',
  },
  'device-write': {
    description: 'Writing a block device (`dd of=/dev/sda`, `> /dev/sda`, `mkfs`): nothing can bring that data back.',
    instead: 'Ask the person to run disk-level commands themselves.',
  },
  'opaque-command': {
    description: 'A command guard cannot see before it runs (a computed command name, `eval` of command output, a shell reading a pipe such as `base64 -d | sh`, `$IFS` tricks; a saved plan guard cannot read, `terraform apply "$PLAN"`; `pulumi up --yes`, whose program alone decides what it deletes).',
    instead: 'Write the command out literally (no eval, no piping into a shell) so guard can check it.',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleName = keyof typeof RULES;

export function makeVerdict(kind: VerdictKind, rule: RuleName, reason: string, command?: string, instead?: string): Verdict {
  const verdict: Verdict = { verdict: kind, rule, reason };
  const hint = instead ?? RULES[rule].instead;
  if (kind !== 'allow' && hint) verdict.instead = hint;
  if (command !== undefined) verdict.command = command;
  return verdict;
}

export const ALLOW: Verdict = Object.freeze({ verdict: 'allow', rule: 'no-risk', reason: 'no destructive command found' }) as Verdict;

/** The stricter of two verdicts; on a tie the first one stays (it came earlier in the command). */
export function stricter(a: Verdict, b: Verdict): Verdict {
  return STRICTNESS[b.verdict] > STRICTNESS[a.verdict] ? b : a;
}

/**
 * What deleting data no snapshot holds gets (a volume, a cluster's claims, a cloud's or a database
 * server's data, a stack's resources): refused for an agent, asked of a person.
 */
export function unrecoverableKind(isAgent: boolean): VerdictKind {
  return isAgent ? 'deny' : 'ask';
}

/** What an opaque command gets: a person is asked, an agent is told to write it out. */
export function opaqueKind(isAgent: boolean): VerdictKind {
  return isAgent ? 'deny' : 'ask';
}
