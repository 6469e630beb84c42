/**
 * The sweep of 2026-12-05 evening on Terraform, Docker Compose and JavaScript monorepo clones
 * (terraform-aws-modules/terraform-aws-s3-bucket, docker/awesome-compose, t3-oss/create-t3-turbo,
 * denoland/fresh, a yarn-berry workspace; docs/FRICTION.md, "Infrastructure as code and
 * JavaScript monorepos"). Holes, each "allow: no destructive command found" before:
 *  - `terraform apply|destroy|import|state rm|workspace delete|init -migrate-state` (and tofu,
 *    terragrunt) rewrite the ignored local state: now captured first (terraform-state.ts);
 *  - `docker compose down -v`, `docker volume rm|prune`: volumes outside the repository, nothing
 *    to capture: refused for an agent, asked of a person (container-volumes.ts);
 *  - `pnpm -r exec rm -rf .env.local`, `yarn workspaces foreach exec ...` were judged where typed
 *    only, not in each package (package-scripts.ts workspaceExec);
 *  - `deno task clean` did not read deno.json (deno-tasks.ts); `vercel env pull` writes
 *    .env.local anew (env-pull.ts); `trash FILE` deletes (files.ts); `expo prebuild --clean`
 *    deletes the ignored ios/ and android/ (expo-prebuild.ts).
 * Left open by the sweep, fixed the night after (docs/DECISIONS.md, "State outside the repository"):
 *  - `pulumi destroy|up|refresh|stack rm|state delete` rewrite the DIY backend's state in an ignored
 *    `.pulumi/`: now captured first (pulumi-state.ts);
 *  - `kubectl delete pvc|pv|ns` (by name, `--all`, `-f`/`-k` manifests), `apply --prune`, `drain
 *    --delete-emptydir-data`, `helm uninstall`: data in a cluster, refused for an agent, asked of a
 *    person (cluster.ts); `kubectl delete pod x` and manifests without such kinds stay free.
 *  - `docker compose run|exec SERVICE CMD`, `docker run -v SRC:DST CMD`: CMD judged as the host command it
 *    is through the repository's bind mounts (compose.yaml's `volumes`, `working_dir`, the
 *    Dockerfile's WORKDIR; `-v`, `--mount` on the line), the container's own paths as scratch
 *    (container-run.ts).
 * Friction: `pnpm lint` whose root script is `turbo run lint -- --cache` was refused as nested too
 * deeply (turbo judged as running the root's own script again): turbo runs the root's script only
 * for a `//#task` of turbo.json, lerna never.
 *
 * Terraform is not run here (a test must not need it): the rollback gives back the state file as
 * it was before the command, whatever the command wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';
import { stripJsonc } from '../../../src/policy/command/deno-tasks.js';
import { checkVerdict, type VerdictCase } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const STATE = '{"version":4,"terraform_version":"1.9.0","serial":3,"lineage":"5f0c","resources":[{"type":"terraform_data","name":"bucket"}]}\n';

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '*.tfstate\n*.tfstate.*\n**/.terraform/*\n.env\n.env*.local\n*.db\nnode_modules\ndist\napps/mobile/ios\napps/mobile/android\n.pulumi/\n',
    // Pulumi with its DIY backend in the repository (`backend.url: file://.`)
    'stack/Pulumi.yaml': 'name: site\nruntime: nodejs\nbackend:\n  url: file://.\n',
    // Kubernetes manifests: an app, a database with its claim, a kustomize overlay over a base with a namespace
    'k8s/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n',
    'k8s/db/pvc.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\n',
    'k8s/list.json': '{"kind":"List","items":[{"kind":"PersistentVolumeClaim"}]}\n',
    'overlays/dev/kustomization.yaml': 'namespace: dev\nresources:\n  - ../../base\n  - app.yaml\n',
    'overlays/dev/app.yaml': 'kind: Deployment\n',
    'base/kustomization.yaml': 'resources:\n- ns.yaml\n',
    'base/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n',
    'overlays/app/kustomization.yaml': 'resources: [../dev/app.yaml]\n',
    'apps/mobile/app.json': '{"expo":{"name":"mobile"}}\n',
    'infra/main.tf': 'resource "terraform_data" "bucket" { input = "demo" }\n',
    'compose.yaml': 'services:\n  db:\n    image: postgres\n    volumes:\n      - db-data:/var/lib/postgresql/data\n  app:\n    build: .\n    volumes:\n      - .:/app\n      - /app/node_modules\n      - gen-cache:/app/tools/gen\n  web:\n    image: node:20\n    working_dir: /srv\n    volumes:\n      - type: bind\n        source: ./packages/web\n        target: /srv\nvolumes:\n  db-data:\n',
    'Dockerfile': 'FROM node:20\nWORKDIR /app\nCOPY . .\n',
    'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'], scripts: { lint: 'turbo run lint --continue -- --cache', clean: 'rm -rf local.db' } }),
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'turbo.json': JSON.stringify({ tasks: { lint: {}, clean: { cache: false }, '//#clean': { cache: false } } }),
    'lerna.json': '{"version":"0.0.0"}\n',
    'packages/web/package.json': JSON.stringify({ name: 'web', scripts: { lint: 'eslint .', clean: 'rm -rf dist' } }),
    'tools/gen/deno.json': JSON.stringify({ tasks: { wipe: 'rm -f gen.db' } }),
    'deno.jsonc': '{\n  // tasks\n  "workspace": ["./tools/*"],\n  "tasks": {\n    "dev": "deno run -A main.ts",\n    "clean": { "command": "rm -rf local.db", "dependencies": ["dev"] },\n  },\n}\n',
  });
  writeFiles(t, {
    'stack/.pulumi/meta.yaml': 'version: 1\n',
    'stack/.pulumi/stacks/site/dev.json': ['{"checkpoint":{"latest":{"resources":[{"urn":"urn:pulumi:dev::site::aws:s3/bucket:Bucket::b"}]}}}\n', 0o600],
    'stack/.pulumi/backups/site/dev/dev.1733400000.json': '{"checkpoint":{}}\n',
    'infra/terraform.tfstate': [STATE, 0o600],
    'infra/terraform.tfstate.backup': [STATE.replace('"serial":3', '"serial":2'), 0o600],
    'infra/.terraform/providers/aws/terraform-provider-aws': 'binary',
    'packages/web/.env.production.local': ['WEB_KEY=mine\n', 0o600],
    '.env.local': ['ROOT_KEY=mine\n', 0o600],
    'local.db': 'SQLite format 3\0rows',
    'tools/gen/gen.db': 'SQLite format 3\0rows',
    'apps/mobile/ios/Podfile': "platform :ios, '15.1' # edited by hand\n",
    'packages/web/dist/a.js': 'x\n',
  });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const CASES: readonly VerdictCase[] = [
  // Terraform, OpenTofu, Terragrunt: the ignored state captured first; the provider cache (.terraform) is regenerable
  ['terraform -chdir=infra apply -auto-approve', 'snapshot', 'overwrite-ignored', ['infra/terraform.tfstate', 'infra/terraform.tfstate.backup']],
  ['cd infra && terraform state rm terraform_data.bucket', 'snapshot', 'overwrite-ignored', 'infra/terraform.tfstate'],
  // ... but a destroy deletes the resources and the data they hold, which no snapshot holds (infra-destroy.ts)
  ['cd infra && terraform destroy -target=terraform_data.bucket -auto-approve', 'deny', 'infra-destroy', 'cloud resources'],
  ['terraform -chdir=infra import -var x=1 terraform_data.b id', 'snapshot', 'overwrite-ignored', 'infra/terraform.tfstate'],
  ['terraform -chdir=infra workspace delete -force staging', 'snapshot', 'overwrite-ignored', 'infra/terraform.tfstate'],
  ['terraform -chdir=infra init -migrate-state', 'snapshot', 'overwrite-ignored', 'infra/terraform.tfstate'],
  ['tofu -chdir=infra destroy -auto-approve', 'deny', 'infra-destroy', 'tofu destroy'],
  ['terraform -chdir=infra apply -destroy -auto-approve', 'deny', 'infra-destroy', 'apply -destroy'],
  ['terraform -chdir=infra plan -destroy', 'allow', 'no-risk'],
  ['terragrunt run-all apply', 'snapshot', 'overwrite-ignored', 'infra/terraform.tfstate'],
  // a named resource replaced: refused where its type may hold data, the state captured where it only computes a value
  ['terraform -chdir=infra apply -auto-approve -replace=aws_db_instance.main', 'deny', 'infra-destroy', ['aws_db_instance.main', 'created anew']],
  ['cd infra && terraform taint module.db.aws_rds_cluster.this[0]', 'deny', 'infra-destroy', ['at the next apply']],
  ['terraform -chdir=infra apply -replace=terraform_data.bucket -auto-approve', 'snapshot', 'overwrite-ignored', 'infra/terraform.tfstate'],
  ['terraform -chdir=infra plan -replace=aws_db_instance.main', 'allow', 'no-risk'],
  ['pulumi up --yes --replace urn:pulumi:dev::app::aws:rds/instance:Instance::db', 'deny', 'infra-destroy', ['aws:rds/instance:Instance']],
  ['terraform -chdir=infra plan -out=tfplan', 'allow', 'no-risk'],
  ['terraform -chdir=infra init -upgrade', 'allow', 'no-risk'],
  ['terraform -chdir=infra state list', 'allow', 'no-risk'],
  ['terraform -chdir=infra state pull', 'allow', 'no-risk'],
  ['terraform apply -help', 'allow', 'no-risk'],
  ['terraform -chdir=infra workspace select staging', 'allow', 'no-risk'],
  ['rm -rf infra/.terraform', 'allow', 'no-risk'],
  // Docker and Podman volumes: outside the repository
  ['docker compose down -v', 'deny', 'container-volume-delete'],
  ['docker compose -f compose.yaml -p app down --volumes --remove-orphans', 'deny', 'container-volume-delete'],
  ['docker-compose rm -fv', 'deny', 'container-volume-delete'],
  ['docker volume rm app_db-data', 'deny', 'container-volume-delete'],
  ['docker system prune -af --volumes', 'deny', 'container-volume-delete'],
  ['podman volume prune -f', 'deny', 'container-volume-delete'],
  ['docker compose down', 'allow', 'no-risk'],
  ['docker compose rm -f', 'allow', 'no-risk'],
  ['docker system prune -f', 'allow', 'no-risk'],
  ['docker compose up -d', 'allow', 'no-risk'],
  // A command run in a container, through a bind mount of the repository: judged as on the host
  ['docker compose run --rm app rm -rf /app/local.db', 'snapshot', 'rm-in-repo', ['local.db', 'where /app is .']],
  ['docker compose exec app rm -f /app/.env.local', 'snapshot', 'rm-in-repo', '.env.local'],
  ['docker compose run app rm -rf infra', 'snapshot', 'rm-in-repo', 'infra'],
  ['docker compose run --rm app rm -rf /', 'deny', 'rm-repo-root'],
  ["docker compose exec -T app sh -c 'rm -rf /app/packages/web/.env.production.local && npm ci'", 'snapshot', 'rm-in-repo', 'packages/web/.env.production.local'],
  ['docker compose run web rm -f .env.production.local', 'snapshot', 'rm-in-repo', 'packages/web/.env.production.local'],
  ['docker compose run web rm -rf dist', 'allow', 'no-risk'],
  ['docker compose run app rm -rf /tmp/cache /var/cache/apk', 'allow', 'no-risk'],
  // a named volume's data: refused as `docker volume rm` is (since the night of 2026-12-06)
  ['docker compose run db rm -rf /var/lib/postgresql/data', 'deny', 'container-volume-delete'],
  // a volume over a path of the bind mount hides the repository's files there; one named as a cache is free
  ['docker compose run app rm -rf /app/tools/gen', 'allow', 'no-risk'],
  ['docker compose run app rm -rf /app/tools', 'snapshot', 'rm-in-repo', 'tools'],
  ['docker run --rm -v "$PWD":/src -w /src alpine rm -rf local.db', 'snapshot', 'rm-in-repo', 'local.db'],
  ['docker run --rm -it -v "$(pwd)":/src alpine rm -rf /src/tools', 'snapshot', 'rm-in-repo', 'tools'],
  ['podman run --rm --mount type=bind,source=.,target=/w alpine rm -f /w/local.db', 'snapshot', 'rm-in-repo', 'local.db'],
  ['docker run --rm -v "$PWD":/src:ro alpine rm -rf /src/local.db', 'allow', 'no-risk'],
  ['docker run --rm alpine rm -rf /etc', 'allow', 'no-risk'],
  // Pulumi's DIY backend state in the repository (stack/.pulumi): captured before what rewrites it
  ['cd stack && pulumi destroy --yes', 'deny', 'infra-destroy', 'pulumi destroy'],
  // (holes3, 2026-12-07: `up -y` runs whatever the program now declares, unseen: refused for an agent; the capture still runs for a person who goes ahead)
  ['pulumi -C stack up -y -s dev', 'deny', 'opaque-command', 'pulumi up -y'],
  ['pulumi --cwd stack stack rm dev --yes --force', 'snapshot', 'overwrite-ignored', 'stack/.pulumi/stacks/site/dev.json'],
  ["cd stack && pulumi state delete 'urn:pulumi:dev::site::aws:s3/bucket:Bucket::b' --yes", 'snapshot', 'overwrite-ignored', 'stack/.pulumi/meta.yaml'],
  ['cd stack && pulumi refresh --yes', 'snapshot', 'overwrite-ignored', 'stack/.pulumi/stacks/site/dev.json'],
  ['cd stack && pulumi preview', 'allow', 'no-risk'],
  ['cd stack && pulumi destroy --preview-only', 'allow', 'no-risk'],
  ['pulumi stack ls', 'allow', 'no-risk'],
  ['pulumi config get aws:region', 'allow', 'no-risk'],
  ['pulumi login file://.', 'allow', 'no-risk'],
  // Kubernetes and Helm: data in a cluster (claims, volumes, namespaces) refused; what comes back free
  ['kubectl delete pvc data-postgres-0', 'deny', 'cluster-data-delete', 'PersistentVolumeClaim'],
  ['kubectl -n dev delete namespace/dev', 'deny', 'cluster-data-delete', 'Namespace'],
  ['kubectl delete pv,svc --all', 'deny', 'cluster-data-delete', 'PersistentVolume'],
  ['kubectl delete -f k8s/', 'deny', 'cluster-data-delete', 'PersistentVolumeClaim'],
  ['kubectl delete -R -f k8s', 'deny', 'cluster-data-delete', 'PersistentVolumeClaim'],
  ['kubectl delete -f k8s/list.json', 'deny', 'cluster-data-delete', 'PersistentVolumeClaim'],
  ['kubectl delete -k overlays/dev', 'deny', 'cluster-data-delete', 'Namespace'],
  ['kubectl delete -f https://example.com/all.yaml', 'deny', 'cluster-data-delete', 'cannot read'],
  ['kubectl replace --force -f k8s/db/pvc.yaml', 'deny', 'cluster-data-delete', 'PersistentVolumeClaim'],
  ['kubectl apply -f k8s/ --prune -l app=web', 'deny', 'cluster-data-delete', '--prune'],
  ['kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data', 'deny', 'cluster-data-delete', 'emptyDir'],
  ['helm uninstall web -n dev', 'deny', 'cluster-data-delete', 'release'],
  ['kubectl delete pod web-7d4b9c-x2x', 'allow', 'no-risk'],
  ['kubectl delete -f k8s/app.yaml', 'allow', 'no-risk'],
  ['kubectl delete -k overlays/app', 'allow', 'no-risk'],
  ['kubectl delete all --all', 'allow', 'no-risk'],
  ['kubectl delete pvc data --dry-run=server', 'allow', 'no-risk'],
  ['kubectl drain node-1 --ignore-daemonsets', 'allow', 'no-risk'],
  ['kubectl apply -f k8s/', 'allow', 'no-risk'],
  ['helm uninstall web --dry-run', 'allow', 'no-risk'],
  // Monorepo runners: a command run in each package; turbo's and lerna's root
  ['pnpm -r exec rm -rf .env.production.local', 'snapshot', 'rm-in-repo', 'packages/web/.env.production.local'],
  ['yarn workspaces foreach -A exec rm -rf .env.production.local', 'snapshot', 'rm-in-repo', 'packages/web/.env.production.local'],
  ['pnpm -r exec rm -rf dist node_modules', 'allow', 'no-risk'],
  ['pnpm lint', 'allow', 'no-risk'],
  ['turbo run lint -- --fix', 'allow', 'no-risk'],
  ['turbo run clean', 'snapshot', 'rm-in-repo', 'local.db'],
  ['lerna run clean', 'allow', 'no-risk'],
  // deno tasks (deno.jsonc: comments, trailing commas, a task object with dependencies)
  ['deno task clean', 'snapshot', 'rm-in-repo', ['local.db', 'task "clean"']],
  ['deno task dev', 'allow', 'no-risk'],
  // a workspace run: the root's and each member's (a member glob listed by git)
  ['deno task -r wipe', 'snapshot', 'rm-in-repo', 'tools/gen/gen.db'],
  ['deno task wipe', 'allow', 'no-risk'],
  // .env writers and trash
  ['vercel env pull --yes', 'snapshot', 'overwrite-ignored', '.env.local'],
  ['vercel env pull .env.development.local', 'allow', 'no-risk'],
  ['npx trash local.db', 'snapshot', 'rm-in-repo', 'local.db'],
  // expo prebuild --clean deletes the native projects (ignored, edited by hand)
  ['cd apps/mobile && npx expo prebuild --clean', 'snapshot', 'rm-in-repo', 'apps/mobile/ios/Podfile'],
  ['cd apps/mobile && npx expo prebuild --clean --platform android', 'allow', 'no-risk'],
  ['cd apps/mobile && npx expo prebuild', 'allow', 'no-risk'],
];

describe('infrastructure-as-code and monorepo lines of the sweep', () => {
  it('judges each line as the tool runs it', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      await expectEvaluatedVerdicts(t, CASES);
      // A person is asked about a volume deletion, not refused.
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      const down = checkVerdict(t, 'docker compose down -v');
      expect(down).toMatchObject({ verdict: 'ask', rule: 'container-volume-delete' });
      expect(down).toEqual(await evaluatedVerdict(t, 'docker compose down -v'));
      expect(await evaluatedVerdict(t, 'helm uninstall web')).toMatchObject({ verdict: 'ask', rule: 'cluster-data-delete' });
      expect(await evaluatedVerdict(t, 'terraform -chdir=infra destroy')).toMatchObject({ verdict: 'ask', rule: 'infra-destroy' });
      expect(await evaluatedVerdict(t, 'cd stack && pulumi destroy --yes')).toMatchObject({ verdict: 'ask', rule: 'infra-destroy' });
      expect((await evaluatedVerdict(t, 'terraform -chdir=infra apply', { asAgent: true })).reason).not.toContain('.terraform/');
    });
    // The sh fast path hands each of these on to Node.
    for (const command of ['terraform apply', 'tofu destroy', 'terragrunt run-all apply', 'docker compose down -v', 'docker-compose down -v', 'podman volume rm x', 'vercel env pull', 'trash local.db', 'deno task clean', 'npx expo prebuild --clean']) {
      expect(fastPathAllows(command), command).toBe(false);
    }
    // kubectl, helm and pulumi only beside a subcommand that may delete or rewrite (FAST_PATH_VERB_RISKY)
    for (const command of ['kubectl delete pvc x', 'kubectl -n a delete ns/a', 'oc delete project x', 'kubectl apply -f k8s --prune -l a=b', 'kubectl drain n1', 'helm uninstall x', 'helm del x', 'pulumi up -y', 'pulumi destroy', 'pulumi state unprotect u', 'pulumi stack change-secrets-provider x', 'npx cdk destroy --all', 'cdktf destroy', 'sst remove --stage prod', 'serverless remove', 'sls remove']) {
      expect(fastPathAllows(command), command).toBe(false);
    }
    for (const command of ['kubectl get pods -A', 'kubectl logs -f deploy/web', 'kubectl describe pvc data', 'kubectl apply -f k8s/', 'helm list -A', 'helm template web charts/web', 'pulumi preview', 'pulumi stack ls', 'pulumi config get region', 'npx cdk synth', 'cdk diff', 'sst dev', 'sls deploy -s dev']) {
      expect(fastPathAllows(command), command).toBe(true);
    }
    expect(JSON.parse(stripJsonc('{ "a": "// not a comment", /* c */ "b": [1,], }'))).toEqual({ a: '// not a comment', b: [1] });
  }, 300_000);

  it('terraform state rm through the installed hook: the state is captured, and the rollback gives its bytes and mode back', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const files = ['infra/terraform.tfstate', 'infra/terraform.tfstate.backup'];
      const before = stateWithModes(t, files);
      expect(installedClaudeHook(t, 'terraform -chdir=infra state rm terraform_data.bucket').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: expect.arrayContaining(files) })]);
      // What `state rm` does: the old state becomes the backup, the resource leaves the new state.
      fs.writeFileSync(path.join(t.dir, 'infra/terraform.tfstate.backup'), STATE);
      fs.writeFileSync(path.join(t.dir, 'infra/terraform.tfstate'), STATE.replace(/"resources":\[.*\]/, '"resources":[]').replace('"serial":3', '"serial":4'));
      rollbackOk(t);
      expect(stateWithModes(t, files)).toEqual(before);
    });
  });
});
