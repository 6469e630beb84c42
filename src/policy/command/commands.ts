/**
 * Decides one simple command by its own argv. Wrappers (`env`, `sudo`, `nohup`, `timeout`,
 * `xargs`, `npx` ...) are peeled off and the wrapped command is decided in their place; shells
 * and `eval` hand their code back to the evaluator; everything else goes to the handler for the
 * program (git, rm and friends, interpreters, guard itself). A program guard does not model is
 * allowed, unless it is handed a path inside `.git` or one of guard's files.
 */
import { checkTarExtraction, classify7z, classifyCpio, classifyUnzip, classifyZip } from './archives.js';
import path from 'node:path';
import { knownField, provenance, unknownField, type Field } from './expand.js';
import { classifyFileCommand, FILE_COMMANDS } from './files.js';
import { classifyGit } from './git.js';
import { classifyOutputFiles, OUTPUT_FILE_PROGRAMS } from './output-files.js';
import { classifyContainerVolumes, CONTAINER_PROGRAMS } from './container-volumes.js';
import { classifyForge, FORGE_PROGRAMS } from './forge-cli.js';
import { classifySitePublish, SITE_PUBLISH_PROGRAMS } from './site-publish.js';
import { classifyHttpApi, HTTP_API_PROGRAMS } from './http-api.js';
import { classifyContainerRun } from './container-run.js';
import { classifyContainerData } from './container-exec.js';
import { classifySail } from './sail.js';
import { classifyServerFramework, SERVER_FRAMEWORK_PROGRAMS } from './server-frameworks.js';
import { classifyRemoteData, REMOTE_DATA_PROGRAMS } from './remote-data.js';
import { classifyRemoteShell, REMOTE_SHELL_PROGRAMS } from './remote-shell.js';
import { ANDROID_PROGRAMS, classifyAndroid, classifyDevicePackageManager, classifyRunAs } from './android.js';
import { SIMULATOR_PROGRAMS, classifySimulator } from './ios-simulator.js';
import { classifyTerraform, TERRAFORM_PROGRAMS } from './terraform-state.js';
import { classifyDvc } from './dvc.js';
import { classifyPulumi } from './pulumi-state.js';
import { classifyInfraDestroy, INFRA_DESTROY_PROGRAMS } from './infra-destroy.js';
import { classifyDotnet } from './dotnet.js';
import { classifyArgocd, classifyHelm, classifyHelmfile, classifyKubectl, classifySkaffold, KUBECTL_PROGRAMS, kubectlSubcommand, reportKubectlUnseen } from './cluster.js';
import { classifyEnvPull, ENV_PULL_PROGRAMS } from './env-pull.js';
import { classifyDenoTask } from './deno-tasks.js';
import { classifyExpo } from './expo-prebuild.js';
import { BUILD_TOOL_PROGRAMS, CLEAN_TOOL_PROGRAMS, classifyBuildTool, classifyCleanTool } from './build-tools.js';
import { classifyDatabaseClient, classifyMigrationTool, DATABASE_PROGRAMS, MIGRATION_PROGRAMS, refuseProjectCommand } from './databases.js';
import { pocketbaseRunArgs, renamedPocketbase } from './go-run.js';
import { redwoodPrismaArgs } from './js-frameworks.js';
import { classifyRunner, RUNNER_PROGRAMS } from './runners.js';
import { classifyComposer } from './composer-scripts.js';
import { classifyBunScript, classifyMonorepoRun, classifyPackageManager, classifyRunAll } from './package-scripts.js';
import { classifyMakeRun } from './make-targets.js';
import { NINJA_CLEAN_PROGRAMS, classifyNinjaClean } from './ninja-clean.js';
import { classifyJustRun } from './just-recipes.js';
import { classifyTaskRun } from './taskfile-tasks.js';
import { parseWords } from './parse.js';
import { classifyScriptCommand, PYTHON_MIGRATION_MODULES, pythonModuleOf, pythonScriptOf, SCRIPT_COMMANDS } from './scripts.js';
import { readRunFile, runnerOf, runScriptFile, SCRIPT_TEXT_LIMIT } from './script-files.js';
import { setErrexit } from './errexit.js';
import { makeVerdict } from './rules.js';
import { report, reportOpaque, shellQuote, stdinOrigin, sub, unexportedForChild, values, type Invocation, type Runtime } from './runtime.js';
import { checkDeleteTarget, checkMoveSource, checkOpaqueArgument, checkWriteTarget, movesOut } from './targets.js';
import { isUnder, resolvePath } from './paths.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash', 'posh', 'fish', 'rbash', 'csh', 'tcsh', 'pdksh', 'oksh', 'loksh']);

/** Programs that only read their arguments: a `.git` path given to them is harmless. */
const READ_ONLY = new Set([
  'cat', 'less', 'more', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'ls', 'll', 'la', 'dir', 'stat', 'file', 'wc', 'du',
  'df', 'tree', 'realpath', 'readlink', 'basename', 'dirname', 'echo', 'printf', 'test', '[', 'diff', 'cmp', 'comm', 'md5sum', 'sha1sum',
  'sha256sum', 'sha512sum', 'shasum', 'cksum', 'b2sum', 'xxd', 'od', 'hexdump', 'strings', 'jq', 'yq', 'bat', 'nl', 'uniq', 'cut', 'column',
  'tac', 'rev', 'fold', 'fmt', 'zcat', 'zless', 'pwd', 'true', 'false', 'type', 'which', 'whereis', 'cd', 'pushd', 'popd', 'hash',
  'lsof', 'fuser', 'tokei', 'cloc', 'sha224sum', 'sha384sum', 'md5',
]);

/** Option letters that take an argument, per wrapper, and what to do with a wrapper's options. */
interface WrapperSpec {
  /** Short options taking an argument (as letters) and long ones (without --). */
  shortArgs?: string;
  longArgs?: string[];
  /** After the options, skip this many operands (timeout's duration, taskset's mask). */
  operands?: number;
  /** NAME=VALUE pairs may follow the options (env, sudo). */
  assignments?: boolean;
}

const WRAPPERS: Record<string, WrapperSpec> = {
  nohup: {},
  setsid: {},
  unbuffer: {},
  builtin: {},
  caffeinate: { shortArgs: 'tw' },
  nice: { shortArgs: 'n', longArgs: ['adjustment'] },
  timeout: { shortArgs: 'sk', longArgs: ['signal', 'kill-after'], operands: 1 },
  stdbuf: { shortArgs: 'ioe', longArgs: ['input', 'output', 'error'] },
  ionice: { shortArgs: 'cnp', longArgs: ['class', 'classdata', 'pid', 'pgid', 'uid'] },
  chrt: { shortArgs: 'TPD', longArgs: ['sched-runtime', 'sched-period', 'sched-deadline'], operands: 1 },
  taskset: { operands: 1 },
  doas: { shortArgs: 'uC' },
  exec: { shortArgs: 'a' },
  command: {},
  strace: { shortArgs: 'eoOpPsSuIXb', longArgs: ['output', 'trace', 'signal', 'user'] },
  ltrace: { shortArgs: 'eoOpPsSuIXbnAaDFLlt' },
  catchsegv: {},
  proxychains: { shortArgs: 'f' },
  proxychains4: { shortArgs: 'f' },
  torsocks: {},
  firejail: {},
  unshare: {},
  runuser: { shortArgs: 'ugGs', longArgs: ['user', 'group', 'shell'] },
  chronic: {},
  ifne: {},
  'dbus-run-session': {},
  'with-contenv': {},
  // shx (ShellJS's commands for package scripts): `shx rm -rf dist` is `rm -rf dist`.
  shx: {},
  // `corepack pnpm install`, `corepack yarn nuke`: the package manager it runs.
  corepack: {},
  // zsh's `repeat N cmd` (the agent's shell is often zsh): cmd, N times; read by bash's grammar
  // as a program named repeat, it was free (`repeat 3 rm -rf src`) until 2026-12-07 (holes4).
  repeat: { operands: 1 },
};

/** The build tools and CLIs classifyServerFramework reads besides SERVER_FRAMEWORK_PROGRAMS (their Flyway and Liquibase plugins, `symfony console`). */
const IN_CONTAINER_BUILD_TOOLS = new Set(['mvn', 'mvnw', 'mvnd', 'gradle', 'gradlew', 'symfony']);

/** Commands that run another, unwrapped inside a container as on the host (`su postgres -c ...`, `env X=1 psql`). */
const IN_CONTAINER_UNWRAPPED = new Set(['env', 'sudo', 'su', 'time', 'npx']);

/**
 * A command inside a container or pod (CommandContext.inContainer): the data rules alone, the
 * frameworks reading their configuration where the line runs on the host (container-exec.ts).
 */
function classifyInContainer(inv: Invocation, program: string, name: string, args: Field[], rt: Runtime): void {
  // `gosu postgres psql ...`, `su-exec postgres psql ...` (the images' entrypoints use them)
  if ((name === 'gosu' || name === 'su-exec') && args.length > 1) return rt.exec(sub(inv, args.slice(1)));
  if (REMOTE_DATA_PROGRAMS.has(name) || name === 'npm') return classifyRemoteData(inv, name, args, rt);
  const unseen = rt.ctx.inContainer?.unseen;
  const here: Invocation = { ...inv, cwd: rt.ctx.inContainer?.configDir ?? null, ...(unseen !== undefined ? { unseenProject: unseen } : {}) };
  if (SERVER_FRAMEWORK_PROGRAMS.has(name)) {
    classifyServerFramework(here, name, args, rt);
    // a project's own rake task (`docker compose run web bin/rails demo_data:default`), where the container's project is the repository
    if (name === 'rails' || name === 'rake') refuseProjectCommand(here, name, args, rt, undefined);
    return;
  }
  if (name === 'dotnet' && args[0]?.value === 'ef') return classifyServerFramework(here, 'dotnet-ef', args.slice(1), rt);
  if (name === 'cargo' && args[0]?.value === 'sqlx') return classifyServerFramework(here, 'sqlx', args.slice(1), rt);
  if (classifyEngineInContainer(inv, here, name, args, rt)) return;
  // `./mvnw flyway:clean`, `gradle flywayClean`, `symfony console doctrine:database:drop --force`: read as on the host
  if (IN_CONTAINER_BUILD_TOOLS.has(name)) return classifyServerFramework(here, name, args, rt);
  if (name === 'manage.py' || name === 'artisan' || name === 'console' || name === 'mix') {
    classifyServerFramework(here, name, args, rt, program.startsWith('/') ? undefined : program);
    if (name === 'manage.py' || name === 'artisan') refuseProjectCommand(here, name, args, rt, program.startsWith('/') ? undefined : program);
    return;
  }
  // `php artisan migrate:fresh`, `php bin/console doctrine:database:drop --force` (the container's path: its project is the line's directory)
  if (/^php(\d+(\.\d+)*)?$/.test(name)) {
    const at = args.findIndex((a) => !a.value?.startsWith('-'));
    const script = args[at]?.value;
    const base = script ? path.posix.basename(script) : '';
    if (script && (base === 'artisan' || base === 'console')) classifyServerFramework(here, base, args.slice(at + 1), rt, script.startsWith('/') ? undefined : script);
    // a project's own command (`php artisan koel:prune`), where the container's project is the repository
    if (script && base === 'artisan') refuseProjectCommand(here, 'artisan', args.slice(at + 1), rt, script.startsWith('/') ? undefined : script);
  }
  // `python manage.py flush`, `python3 -W ignore ./manage.py flush`; `python -m django flush` (django-admin), `python -m alembic downgrade base`
  if (/^python[0-9.]*$/.test(name)) {
    const run = pythonScriptOf(args);
    if (run && path.posix.basename(run.script) === 'manage.py') {
      classifyServerFramework(here, 'manage.py', run.rest, rt, run.script);
      // a project's own command (`manage.py load_initial_data`), where the container's project is the repository
      refuseProjectCommand(here, 'manage.py', run.rest, rt, run.script);
    }
    const module = pythonModuleOf(args);
    const tool = module === null ? undefined : PYTHON_MIGRATION_MODULES[module.module];
    if (module !== null && tool !== undefined) classifyServerFramework(here, tool, module.rest, rt);
  }
}

/**
 * What a command on another machine or in a container deletes of a Docker engine's, a cluster's
 * or a cloud stack's, judged by its words as on the host (since 2026-12-07, holes5): `ssh prod
 * docker compose down -v`, `docker exec ci docker volume rm x`, `ssh bastion kubectl delete pvc
 * data`, `ssh ops 'cd infra && terraform destroy -auto-approve'`, and a database client in a
 * container there (`ssh prod docker exec db dropdb app`, container-exec.ts). Before, the inner
 * command was judged for what it sends a database server alone, and these were free. No file
 * there is read: a compose file, manifests given with `-f`, a plan or a state are that machine's
 * (`here`'s cwd is null), so `down -v` is refused whatever its compose file holds, as is `kubectl
 * delete -f` of manifests guard cannot read. True where NAME is one of these programs.
 */
function classifyEngineInContainer(inv: Invocation, here: Invocation, name: string, args: Field[], rt: Runtime): boolean {
  if (CONTAINER_PROGRAMS.has(name)) {
    classifyContainerVolumes(here, name, args, rt);
    classifyContainerData(inv, 'container', name, args, rt);
    return true;
  }
  if (classifyKubectlLine(inv, here, name, args, rt) !== null) return true;
  if (name === 'helm') classifyHelm(inv, args, rt);
  else if (name === 'helmfile') classifyHelmfile(inv, args, rt);
  else if (name === 'skaffold') classifySkaffold(inv, args, rt);
  else if (name === 'argocd') classifyArgocd(inv, args, rt);
  else if (INFRA_DESTROY_PROGRAMS.has(name)) classifyInfraDestroy(here, name, args, rt, true);
  else return false;
  return true;
}

/**
 * kubectl's arguments where NAME runs kubectl (`kubectl`, `oc`, `kubecolor`, `microk8s.kubectl`,
 * `microk8s kubectl`, `k3s kubectl`, `minikube kubectl --`); null where it does not.
 */
function kubectlArgsOf(name: string, args: Field[]): Field[] | null {
  if (KUBECTL_PROGRAMS.has(name) || name === 'microk8s.kubectl') return args;
  if ((name === 'microk8s' || name === 'k3s' || name === 'minikube') && args[0]?.value === 'kubectl') return args.slice(args[1]?.value === '--' ? 2 : 1);
  return null;
}

/**
 * `kubectl delete pvc x` (cluster.ts), `kubectl exec pg-0 -- dropdb app` (container-exec.ts), on
 * the host or on another machine (`here`: the invocation whose files are read; its cwd is null
 * there). A subcommand guard cannot see is refused for an agent; unseen options before one it
 * sees are left out. The one reading of a kubectl line for both places: null where NAME does not run
 * kubectl, 'unseen' where the subcommand was not seen (nothing else to judge of the line).
 */
function classifyKubectlLine(inv: Invocation, here: Invocation, name: string, args: Field[], rt: Runtime): 'judged' | 'unseen' | null {
  const kubectlArgs = kubectlArgsOf(name, args);
  if (kubectlArgs === null) return null;
  const seen = kubectlArgs.some((a) => a.value === '-h' || a.value === '--help') ? { args: kubectlArgs } : kubectlSubcommand(kubectlArgs);
  if ('unseen' in seen) {
    reportKubectlUnseen(inv, KUBECTL_PROGRAMS.has(name) ? name : 'kubectl', seen.unseen, rt);
    return 'unseen';
  }
  classifyKubectl(here, 'kubectl', seen.args, rt);
  classifyContainerData(inv, 'kubectl', name, seen.args, rt);
  return 'judged';
}

export function classifyInvocation(inv: Invocation, rt: Runtime): void {
  const first = inv.argv[0];
  if (!first) return;
  if (first.value === null && first.tildePath) return; // ~user/bin/tool: a program file, like ./script
  if (first.value === null && rt.ctx.inRecipe) {
    // A makefile's `$(FIRST_GOPATH)/bin/promu`: that program, wherever it lives; `$(PYTHON) x.py`
    // with PYTHON from `$(shell which python3)`: a program of the build guard cannot name (CommandContext.inRecipe).
    const named = /\/([A-Za-z0-9._+-]+)["']?$/.exec(first.display);
    if (named) classifyInvocation(sub(inv, [knownField(named[1] as string), ...inv.argv.slice(1)]), rt);
    return;
  }
  if (first.value === null) {
    reportOpaque(rt, `the command name ${first.display} is computed when the command runs`, inv.source);
    return;
  }
  if (first.glob) {
    reportOpaque(rt, `the command name ${first.display} is a glob pattern`, inv.source);
    return;
  }
  const program = first.value;
  const name = path.posix.basename(program).toLowerCase();
  const args = inv.argv.slice(1);

  // A project's shell script run by its path is read whatever its name (projectShellScript).
  const ownScript = projectShellScript(inv, program, rt);
  if (ownScript) runScriptFile(inv, program, args, rt, 'command');
  if (SHELLS.has(name)) return classifyShell(inv, args, rt, name);
  if (name === 'busybox' || name === 'toybox') {
    if (args.length > 0) return rt.exec(sub(inv, args));
    return;
  }
  if (name in WRAPPERS) return unwrap(inv, args, WRAPPERS[name] as WrapperSpec, rt, name);
  // `uv run CMD`, `poetry run CMD`, `bundle exec CMD`, `cross-env A=1 CMD` ...: the command they run (runners.ts).
  // `railway ssh CMD`: a running container of the service, not `railway run`'s command here (remote-shell.ts).
  if (name === 'railway' && args[0]?.value === 'ssh') return classifyRemoteShell(inv, name, args, rt);
  if (RUNNER_PROGRAMS.has(name)) {
    // `op inject -o .env` is no run: the file it writes (output-files.ts)
    if (OUTPUT_FILE_PROGRAMS.has(name)) classifyOutputFiles(inv, name, args, rt);
    return classifyRunner(inv, name, args, rt);
  }
  // `adb shell pm clear PKG`: an Android device's package manager, deleting an app's data there (android.ts).
  if (name === 'pm' || (name === 'cmd' && args[0]?.value === 'package')) return classifyDevicePackageManager(inv, name, args, rt);
  // `adb shell "cd /x && run-as com.app rm -rf databases"`: the command in the app's data directory, on the device (android.ts)
  if (name === 'run-as' && rt.ctx.unseenFiles !== undefined) return classifyRunAs(inv, args, rt);
  // Inside a container or pod (container-exec.ts): only what is sent to a database server or a cloud.
  if (rt.ctx.inContainer && !IN_CONTAINER_UNWRAPPED.has(name)) return classifyInContainer(inv, program, name, args, rt);
  if ((name === 'dart' || name === 'flutter') && classifyPubCacheClean(inv, name, args, rt)) return;
  switch (name) {
    case 'env':
      return classifyEnv(inv, args, rt);
    case 'sudo':
    case 'sudoedit':
      return classifySudo(inv, args, rt, name === 'sudoedit');
    case 'su':
      return classifySu(inv, args, rt);
    case 'time':
      return classifyTime(inv, args, rt);
    case 'xargs':
      return classifyXargs(inv, args, rt);
    case 'parallel':
      return classifyParallel(inv, args, rt);
    case 'watch':
      return classifyWatch(inv, args, rt);
    case 'flock':
      return classifyFlock(inv, args, rt);
    case 'npx':
    case 'pnpx':
    case 'bunx':
      return classifyNpx(inv, args, rt);
    case 'npm':
    case 'pnpm':
    case 'yarn':
      // `npm unpublish`: a published version gone from the registry (remote-data.ts).
      if (name === 'npm') classifyRemoteData(inv, name, args, rt);
      // `npm run X`, `pnpm X`, `yarn X`: the package.json script, judged as typed (package-scripts.ts).
      return classifyPackageManager(inv, args, rt, name);
    case 'composer':
      // `composer setup`, `composer install`: the composer.json scripts it runs (composer-scripts.ts).
      return classifyComposer(inv, args, rt);
    case 'bun':
      if (classifyBunScript(inv, args, rt)) return;
      break;
    case 'deno':
      // `deno task X`: the deno.json task (or package.json script), judged as typed (deno-tasks.ts).
      if (classifyDenoTask(inv, args, rt)) return;
      break;
    case 'run-s':
    case 'run-p':
    case 'npm-run-all':
    case 'npm-run-all2':
      return classifyRunAll(inv, args, rt, name);
    case 'turbo':
    case 'lerna':
    case 'nx':
      return classifyMonorepoRun(inv, args, rt, name);
    case 'eval':
      return classifyEval(inv, args, rt);
    case 'source':
    case '.':
      return classifySource(inv, args, rt);
    case 'trap':
      return classifyTrap(inv, args, rt);
    case 'alias':
      return classifyAlias(inv, args, rt);
    case 'guard':
    case 'git-guard':
      return classifyGuard(inv, args, rt);
    case 'kill':
    case 'pkill':
    case 'killall':
      return classifyKill(inv, args, rt, name);
    case 'tar':
    case 'gtar':
    case 'bsdtar':
      return classifyTar(inv, args, rt);
    case 'unzip':
      return classifyUnzip(inv, args, rt);
    case 'cpio':
      return classifyCpio(inv, args, rt);
    case '7z':
    case '7za':
    case '7zr':
    case '7zz':
      return classify7z(inv, name, args, rt);
    case 'zip':
      return classifyZip(inv, args, rt);
    case 'make':
    case 'gmake':
      // The recipes of the targets it runs, from the makefile it reads (make-targets.ts).
      return classifyMakeRun(inv, program, args, rt);
    case 'just':
      // The recipes of the justfile it reads (just-recipes.ts).
      return classifyJustRun(inv, args, rt);
    case 'task':
    case 'go-task':
      // The tasks of the Taskfile it reads (taskfile-tasks.ts).
      return classifyTaskRun(inv, args, rt);
    case 'apply_patch':
    case 'applypatch':
      return classifyApplyPatch(inv, args, rt);
    default:
      break;
  }
  if (name === 'git' || name.startsWith('git-')) {
    // in a running container whose mounts are unknown: judged as run in the repository (CommandContext.containerGit)
    if (rt.ctx.containerGit) return rt.ctx.containerGit(inv);
    return classifyGit(inv, name, args, rt);
  }
  // BFG Repo-Cleaner: `bfg --delete-files id_rsa`, `java -jar bfg-1.14.0.jar --strip-blobs-bigger-than 100M`.
  const bfg = name === 'bfg' ? args : name === 'java' ? bfgJarArgs(args) : null;
  if (bfg) return classifyBfg(inv, bfg, rt);
  if (FILE_COMMANDS.has(name) || /^mkfs(\..*)?$/.test(name)) return classifyFileCommand(inv, name, args, rt);
  if (SCRIPT_COMMANDS(name)) return classifyScriptCommand(inv, name, args, rt);
  // `curl -o FILE`, `sort -o FILE`, `uniq IN OUT` ...: the files written, judged as `> FILE`.
  if (OUTPUT_FILE_PROGRAMS.has(name)) classifyOutputFiles(inv, name, args, rt);
  // `go run main.go migrate down` in a PocketBase application: the `pocketbase` binary's command (go-run.ts).
  if (name === 'go' && args[0]?.value === 'run') {
    const rest = pocketbaseRunArgs(inv, args.slice(1), rt);
    if (rest !== null) classifyMigrationTool(inv, 'pocketbase', rest, rt);
  }
  // `yarn rw prisma migrate reset`: Redwood's CLI runs Prisma with the project's api/db schema (js-frameworks.ts).
  if ((name === 'rw' || name === 'redwood') && args[0]?.value === 'prisma') {
    const rest = redwoodPrismaArgs(inv, args.slice(1), rt);
    if (rest !== null) classifyMigrationTool(inv, 'prisma', rest, rt);
  }
  // `./base migrate down`: a PocketBase application built under another name, known by the main.go beside it (go-run.ts).
  if (name !== 'pocketbase' && renamedPocketbase(inv, program, args, rt)) classifyMigrationTool(inv, 'pocketbase', args, rt);
  // `sqlite3 local.db 'delete from x'`: the database file, judged as a write where the SQL may write.
  if (DATABASE_PROGRAMS.has(name)) return classifyDatabaseClient(inv, name, args, rt);
  // `./vendor/bin/sail down -v`, `sail artisan migrate:fresh`: the docker compose line Sail runs (sail.ts).
  if (name === 'sail') return classifySail(inv, args, rt);
  // `mvn clean`, `./gradlew clean`: target/ and build/ as `rm -rf` judges them; `./gradlew uninstallAll`: a device's app data (build-tools.ts).
  if (BUILD_TOOL_PROGRAMS.has(name)) classifyBuildTool(inv, name, args, rt);
  // `cargo clean`, `flutter clean`, `swift package clean|reset`, `go clean`: their output directories as `rm -rf` judges them (build-tools.ts).
  if (CLEAN_TOOL_PROGRAMS.has(name)) classifyCleanTool(inv, name, args, rt);
  // `ninja -t clean`, `ninja clean`, `cmake --build B --target clean`: the outputs the build lists, as `rm -f` judges them (ninja-clean.ts).
  if (NINJA_CLEAN_PROGRAMS.has(name)) classifyNinjaClean(inv, name, args, rt);
  // `npx prisma migrate reset`, `./manage.py flush`, `rails db:reset`: the repository's ignored database files.
  // `bin/migrate` is the project's own script (read below), not golang-migrate.
  if (MIGRATION_PROGRAMS.has(name) && !(name === 'migrate' && program.includes('/'))) {
    classifyMigrationTool(inv, name, args, rt, program);
    // `./mvnw`, `./gradlew`: a project's shell script, read below as well (`./artisan` and
    // `bin/console` are PHP: not read there)
    if (!program.includes('/')) return;
  }
  // `cargo sqlx migrate run` is sqlx-cli's `sqlx migrate run`; `dotnet ef database drop` is dotnet-ef's.
  if (name === 'cargo' && args[0]?.value === 'sqlx') return classifyMigrationTool(inv, 'sqlx', args.slice(1), rt);
  // `dotnet ef migrations remove` deletes the last migration's files; `dotnet user-secrets clear` (dotnet.ts).
  // After the database's: on a tie the first verdict stays, and `remove --force`'s names the database it captures.
  if (name === 'dotnet' && args[0]?.value === 'ef') classifyMigrationTool(inv, 'dotnet-ef', args.slice(1), rt);
  if (name === 'dotnet') return classifyDotnet(inv, args, rt);
  // `terraform apply`, `state rm`: the repository's ignored state files (terraform-state.ts).
  if (TERRAFORM_PROGRAMS.has(name)) classifyTerraform(inv, name, args, rt);
  // `pulumi destroy`, `stack rm`: the repository's ignored DIY backend state, `.pulumi/` (pulumi-state.ts).
  if (name === 'pulumi') classifyPulumi(inv, args, rt);
  // `dvc gc`, `dvc destroy`, `dvc checkout --force`: the DVC cache and the workspace's ignored data files (dvc.ts).
  if (name === 'dvc') return classifyDvc(inv, args, rt);
  // `terraform destroy`, `pulumi destroy`, `cdk destroy`: the stack's cloud resources and their data (infra-destroy.ts).
  if (INFRA_DESTROY_PROGRAMS.has(name)) classifyInfraDestroy(inv, name, args, rt);
  // `docker compose down -v`: volumes outside the repository (container-volumes.ts).
  if (CONTAINER_PROGRAMS.has(name)) {
    classifyContainerVolumes(inv, name, args, rt);
    // `docker compose run app rm -rf /app/src`: through a bind mount of the repository (container-run.ts);
    // else `docker exec pg psql -c 'DROP TABLE x'`: what the inner command sends a database server (container-exec.ts).
    if (!classifyContainerRun(inv, name, args, rt)) classifyContainerData(inv, 'container', name, args, rt);
  }
  // `kubectl delete pvc x`, `helm uninstall x`: data in a cluster (cluster.ts); `microk8s kubectl`, `k3s kubectl`, `minikube kubectl --` run kubectl.
  // `kubectl exec pg-0 -- dropdb app`: a database client in a pod (container-exec.ts).
  if (classifyKubectlLine(inv, inv, name, args, rt) === 'unseen') return;
  if (name === 'helm') classifyHelm(inv, args, rt);
  // `helmfile destroy`, `skaffold delete`: a whole release set, whatever a repository deploys (cluster.ts); `tilt down` is a local cluster's (DECISIONS.md).
  if (name === 'helmfile') classifyHelmfile(inv, args, rt);
  if (name === 'skaffold') classifySkaffold(inv, args, rt);
  // `argocd app delete`: the application's objects, cascading (cluster.ts)
  if (name === 'argocd') classifyArgocd(inv, args, rt);
  // `gh api -X DELETE repos/O/R/git/refs/heads/B`, `gh repo delete`: the remote, past git push (forge-cli.ts).
  if (FORGE_PROGRAMS.has(name)) classifyForge(inv, name, args, rt);
  // `ghp-import -p -f`, `mkdocs gh-deploy --force`, `hugo deploy`, `netlify sites:delete` (site-publish.ts).
  if (SITE_PUBLISH_PROGRAMS.has(name)) classifySitePublish(inv, name, args, rt);
  // `curl -X DELETE https://api.github.com/repos/O/R/git/refs/heads/B`: the same, with a plain HTTP client (http-api.ts).
  if (HTTP_API_PROGRAMS.has(name)) classifyHttpApi(inv, name, args, rt);
  // `aws s3 rm --recursive`, `dropdb`, `psql -c 'DROP ...'`: data in a cloud or a database server (remote-data.ts).
  if (REMOTE_DATA_PROGRAMS.has(name)) classifyRemoteData(inv, name, args, rt);
  // `ssh HOST CMD`, `heroku run CMD`, `fly ssh console -C CMD`: what runs on another machine (remote-shell.ts).
  if (REMOTE_SHELL_PROGRAMS.has(name)) classifyRemoteShell(inv, name, args, rt);
  // `adb uninstall PKG`, `adb shell CMD`, `emulator -wipe-data`: an Android device's or emulator's data (android.ts).
  if (ANDROID_PROGRAMS.has(name)) classifyAndroid(inv, name, args, rt);
  // `xcrun simctl uninstall|erase|delete`: an iOS simulator's app data (ios-simulator.ts).
  if (SIMULATOR_PROGRAMS.has(name)) classifySimulator(inv, name, args, rt);
  // `vercel env pull` writes .env.local anew (env-pull.ts).
  if (ENV_PULL_PROGRAMS.has(name)) classifyEnvPull(inv, args, rt);
  // `expo prebuild --clean` deletes android/ and ios/ (expo-prebuild.ts).
  if (name === 'expo') classifyExpo(inv, args, rt);
  if (READ_ONLY.has(name)) return;
  // `./reset.sh`, `scripts/build`, `/tmp/x.sh`: a shell script run as a command is read (script-files.ts).
  if (program.includes('/') && !ownScript) runScriptFile(inv, program, args, rt, 'command');
  for (const arg of args) {
    if (arg.value === null) continue;
    for (const cwd of [inv.cwd]) {
      const verdict = checkOpaqueArgument(arg.value, cwd, rt.ctx, inv.source, name);
      if (verdict) rt.report(verdict);
    }
  }
}

/** The arguments after `-jar bfg*.jar` (BFG Repo-Cleaner's jar, as its docs name it), or null for any other java line. */
function bfgJarArgs(args: Field[]): Field[] | null {
  const jar = args.findIndex((a) => a.value === '-jar');
  const file = args[jar + 1]?.value;
  return jar !== -1 && file && /^bfg[^/]*\.jar$/i.test(path.posix.basename(file)) ? args.slice(jar + 2) : null;
}

/**
 * BFG Repo-Cleaner rewrites every branch and tag of the repository it is given (the current one by
 * default) to drop files or text from all of history, as `git filter-repo` does; nothing it offers
 * only shows what it would do. Its usage (no arguments, `--help`, `--version`) is free.
 */
function classifyBfg(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args.length === 0 || args.some((a) => a.value === '--help' || a.value === '-h' || a.value === '--version')) return;
  rt.report(makeVerdict('deny', 'git-filter-repo', 'BFG Repo-Cleaner rewrites every branch and tag of the history', inv.source));
}

/** Index of the first operand after a wrapper's options, or null when an unknown word hides it. */
function skipOptions(args: Field[], spec: WrapperSpec): number | null {
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) return null;
    if (value === '--') return i + 1;
    if (!value.startsWith('-') || value === '-') break;
    if (value.startsWith('--')) {
      const long = value.slice(2);
      i += !long.includes('=') && (spec.longArgs ?? []).includes(long) ? 2 : 1;
      continue;
    }
    // A cluster: the first letter that takes an argument consumes the rest or the next word.
    const letters = value.slice(1);
    let consumed = 1;
    for (let j = 0; j < letters.length; j++) {
      if ((spec.shortArgs ?? '').includes(letters[j] as string)) {
        if (j === letters.length - 1) consumed = 2;
        break;
      }
    }
    i += consumed;
  }
  return i;
}

function unwrap(inv: Invocation, args: Field[], spec: WrapperSpec, rt: Runtime, name: string): void {
  if (name === 'command' && args.some((a) => a.value !== null && /^-[pvV]*[vV][pvV]*$/.test(a.value))) return; // command -v: a lookup
  if (name === 'ionice' && args.some((a) => a.value === '-p' || a.value === '-P' || a.value === '-u')) return;
  if (name === 'taskset' && args.some((a) => a.value !== null && /^-\w*p/.test(a.value))) return;
  let i = skipOptions(args, spec);
  if (i === null && rt.ctx.inRecipe) {
    // In a script file or a recipe, `exec "$JAVACMD" "$@"` (gradlew), `exec "$MAVEN_HOME/bin/$MVN_CMD"`
    // (mvnw): the word guard cannot know is the program the wrapper runs, a program of the build
    // as an unknown command name there is (classifyInvocation), not an option.
    const at = args.findIndex((a) => a.value === null);
    if (at >= 0 && skipOptions(args.slice(0, at), spec) === at) i = at; // not an option's argument
  }
  if (i === null) {
    reportOpaque(rt, `${name} is given an option guard cannot see, so the command it runs is unknown`, inv.source);
    return;
  }
  i += spec.operands ?? 0;
  let rest = args.slice(i);
  // `repeat 3 { rm x }`: zsh's brace body, which bash's grammar reads as words.
  if (name === 'repeat' && rest[0]?.value === '{' && rest[rest.length - 1]?.value === '}') rest = rest.slice(1, -1);
  if (rest.length > 0) rt.exec(sub(inv, rest));
}

function classifyEnv(inv: Invocation, args: Field[], rt: Runtime): void {
  // What the program gets: `-i`/`-` starts it with nothing (not even what the agent's environment
  // holds), `-u X` without X, `X=V` with X exported as V.
  let env = new Map(inv.env);
  const hidden = new Set(inv.hidden ?? []);
  let cwd = inv.cwd;
  let i = 0;
  let prefix: Field[] = [];
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      reportOpaque(rt, 'env is given an argument guard cannot see', inv.source);
      return;
    }
    if (value === '--') {
      i++;
      break;
    }
    if (value === '-' || value === '-i' || value === '--ignore-environment') {
      // `env -` is `env -i`: an empty environment, then the command.
      env = new Map();
      i++;
      continue;
    }
    if (!value.startsWith('-')) break;
    const takes = (letter: string, long: string): string | null | undefined => {
      if (value === `-${letter}` || value === `--${long}`) {
        i += 2;
        return args[i - 1]?.value ?? null;
      }
      if (value.startsWith(`--${long}=`)) {
        i++;
        return value.slice(long.length + 3);
      }
      if (value.startsWith(`-${letter}`)) {
        i++;
        return value.slice(2);
      }
      return undefined;
    };
    const chdir = takes('C', 'chdir');
    if (chdir !== undefined) {
      cwd = chdir === null ? null : resolvePath(chdir, cwd);
      continue;
    }
    const split = takes('S', 'split-string');
    if (split !== undefined) {
      if (split === null) {
        reportOpaque(rt, 'env -S is given a string guard cannot see', inv.source);
        return;
      }
      prefix = parseWords(split).map((word) => knownField(word.parts.map((p) => (p.kind === 'lit' ? p.text : '')).join('')));
      continue;
    }
    const unset = takes('u', 'unset');
    if (unset !== undefined) {
      if (unset === null) {
        reportOpaque(rt, 'env -u is given a name guard cannot see', inv.source);
        return;
      }
      env.delete(unset);
      continue;
    }
    // BSD env -P PATH (where to look the command up) and GNU env -a/--argv0 NAME take a word.
    if (takes('P', 'path') !== undefined || takes('a', 'argv0') !== undefined) continue;
    i++;
  }
  const rest = [...prefix, ...args.slice(i)];
  let j = 0;
  for (; j < rest.length; j++) {
    const value = rest[j]?.value;
    const match = value ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value) : null;
    if (!match) break;
    env.set(match[1] as string, match[2] as string);
    hidden.delete(match[1] as string);
    if (rt.ctx.isAgent && match[1] === 'GUARD_INTERNAL_TOKEN') {
      rt.report(makeVerdict('deny', 'guard-self', "an agent sets GUARD_INTERNAL_TOKEN, which marks ref updates as guard's own", inv.source));
    }
  }
  const command = rest.slice(j);
  if (command.length > 0) rt.exec(sub(inv, command, { env, cwd, hidden }));
}

function classifySudo(inv: Invocation, args: Field[], rt: Runtime, edit: boolean): void {
  const withArg = new Set(['u', 'g', 'p', 'C', 'D', 'r', 't', 'U', 'T', 'h']);
  const longWithArg = new Set(['user', 'group', 'prompt', 'close-from', 'chdir', 'role', 'type', 'other-user', 'command-timeout', 'host']);
  let shell = false;
  let editing = edit;
  let cwd = inv.cwd;
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      reportOpaque(rt, 'sudo is given an option guard cannot see', inv.source);
      return;
    }
    if (value === '--') {
      i++;
      break;
    }
    if (!value.startsWith('-') || value === '-') break;
    if (value.startsWith('--')) {
      const [long, inline] = value.slice(2).split('=', 2) as [string, string | undefined];
      if (long === 'shell' || long === 'login') shell = true;
      if (long === 'edit') editing = true;
      if (['list', 'validate', 'reset-timestamp', 'remove-timestamp', 'version', 'help'].includes(long)) return;
      if (long === 'chdir') cwd = resolvePath(inline ?? args[i + 1]?.value ?? null, cwd);
      i += longWithArg.has(long) && inline === undefined ? 2 : 1;
      continue;
    }
    const letters = value.slice(1);
    let consumed = 1;
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j] as string;
      if ('lvkKV'.includes(letter) && letters.length === 1) return; // list, validate, kill timestamp, version
      if (letter === 's' || letter === 'i') shell = true;
      if (letter === 'e') editing = true;
      if (withArg.has(letter)) {
        const rest = letters.slice(j + 1);
        const argument = rest !== '' ? rest : (args[i + 1]?.value ?? null);
        if (rest === '') consumed = 2;
        if (letter === 'D') cwd = resolvePath(argument, cwd);
        break;
      }
    }
    i += consumed;
  }
  const env = new Map(inv.env);
  while (i < args.length) {
    const match = args[i]?.value ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(args[i]?.value as string) : null;
    if (!match) break;
    env.set(match[1] as string, match[2] as string);
    i++;
  }
  const rest = args.slice(i);
  if (editing) {
    for (const file of rest) {
      const verdict = checkWriteTarget(file, cwd, rt.ctx, inv.source, `sudoedit edits ${file.display}`);
      if (verdict) rt.report(verdict);
    }
    return;
  }
  if (rest.length === 0) return;
  if (shell) {
    const words = values(rest);
    if (words === null) reportOpaque(rt, 'sudo -s runs a command line guard cannot see', inv.source);
    else rt.shell(words.join(' '), { cwd, env }, inv.source);
    return;
  }
  rt.exec(sub(inv, rest, { env, cwd }));
}

function classifySu(inv: Invocation, args: Field[], rt: Runtime): void {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) continue;
    let command: string | null | undefined;
    if (value === '-c' || value === '--command' || value === '--session-command') command = args[i + 1]?.value ?? null;
    else if (value.startsWith('--command=') || value.startsWith('--session-command=')) command = value.slice(value.indexOf('=') + 1);
    else if (/^-[a-z]*c$/.test(value) && value !== '-c') command = args[i + 1]?.value ?? null;
    if (command === undefined) continue;
    if (command === null) reportOpaque(rt, 'su -c runs a command line guard cannot see', inv.source);
    else rt.shell(command, { cwd: inv.cwd, env: inv.env }, inv.source);
    return;
  }
}

function classifyTime(inv: Invocation, args: Field[], rt: Runtime): void {
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) break;
    if (value === '--') {
      i++;
      break;
    }
    if (!value.startsWith('-')) break;
    let output: Field | undefined;
    if (value === '-o' || value === '--output') {
      output = args[i + 1];
      i += 2;
    } else if (value.startsWith('--output=')) {
      output = knownField(value.slice('--output='.length));
      i++;
    } else if (value === '-f' || value === '--format') {
      i += 2;
    } else i++;
    if (output) {
      const verdict = checkWriteTarget(output, inv.cwd, rt.ctx, inv.source, `time writes its report to ${output.display}`);
      if (verdict) rt.report(verdict);
    }
  }
  const rest = args.slice(i);
  if (rest.length > 0) rt.exec(sub(inv, rest));
}

function classifyXargs(inv: Invocation, args: Field[], rt: Runtime): void {
  const withArg = new Set(['a', 'd', 'E', 'I', 'L', 'n', 'P', 's']);
  const optionalArg = new Set(['e', 'i', 'l']);
  const longWithArg = new Set(['arg-file', 'delimiter', 'eof', 'replace', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var']);
  let replace: string | null = null;
  let argFile: string | null = null;
  let nulInput = false;
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      reportOpaque(rt, 'xargs is given an option guard cannot see', inv.source);
      return;
    }
    if (value === '--') {
      i++;
      break;
    }
    if (!value.startsWith('-') || value === '-') break;
    if (value.startsWith('--')) {
      const [long, inline] = value.slice(2).split('=', 2) as [string, string | undefined];
      if (long === 'null') nulInput = true;
      if (long === 'replace') replace = inline ?? '{}';
      if (long === 'arg-file') argFile = inline ?? args[i + 1]?.display ?? null;
      i += longWithArg.has(long) && inline === undefined && long !== 'replace' ? 2 : 1;
      continue;
    }
    const letters = value.slice(1);
    let consumed = 1;
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j] as string;
      if (letter === '0') nulInput = true;
      if (withArg.has(letter)) {
        const rest = letters.slice(j + 1);
        if (rest === '') consumed = 2;
        if (letter === 'I') replace = rest !== '' ? rest : (args[i + 1]?.value ?? '{}');
        if (letter === 'a') argFile = rest !== '' ? rest : (args[i + 1]?.display ?? null);
        break;
      }
      if (optionalArg.has(letter)) {
        if (letter === 'i') replace = letters.slice(j + 1) || '{}';
        break;
      }
    }
    i += consumed;
  }
  let command = args.slice(i);
  if (command.length === 0) command = [knownField('echo')];
  // The arguments xargs adds come from stdin (or -a FILE): guard cannot see them, but says where
  // they come from, so that `xargs kill < .git/guard/watcher.pid` is judged by it.
  const from = argFile ?? stdinOrigin(inv.stdin);
  const input = from ? `xargs input from ${from}` : 'xargs input';
  // Names from a listing guard can enumerate (`git ls-files -z | xargs -0 sed -i ...`): each
  // argument is one of them, whole with -0, else split on blanks (listings.ts).
  const listing = argFile === null && inv.stdin.kind === 'text' ? inv.stdin.listing : undefined;
  const split = nulInput ? 'nul' : 'words';
  const listed = listing && (split === 'nul') === listing.nul ? { listed: { listing, split } as const } : {};
  // Words of `git branch` lines (`git branch --merged | grep -v main | xargs git branch -d`): branch-names.ts.
  const branches = argFile === null && inv.stdin.kind === 'text' && inv.stdin.branches ? { branches: inv.stdin.branches } : {};
  if (replace !== null) {
    const marker = replace;
    command = command.map((field, index) => (index > 0 && field.value !== null && field.value.includes(marker) ? { ...unknownField(`${field.display} (from ${input})`), ...(field.value === marker ? { ...listed, ...branches } : {}) } : field));
  } else {
    command = [...command, { ...unknownField(`(${input})`, true), ...listed, ...branches }];
  }
  rt.exec(sub(inv, command, { stdin: { kind: 'terminal' } }));
}

function classifyParallel(inv: Invocation, args: Field[], rt: Runtime): void {
  const end = args.findIndex((a) => a.value !== null && /^:::+\+?$/.test(a.value));
  const head = end === -1 ? args : args.slice(0, end);
  const i = skipOptions(head, { shortArgs: 'jNSaIdEX', longArgs: ['jobs', 'sshlogin', 'arg-file', 'delimiter', 'results', 'joblog', 'timeout'] });
  if (i === null) {
    reportOpaque(rt, 'parallel is given an option guard cannot see', inv.source);
    return;
  }
  const command = head.slice(i);
  if (command.length === 0) {
    // No command: every input is a command line of its own (`parallel ::: 'rm -rf x' 'make'`).
    const inputs = end === -1 ? null : args.slice(end).filter((a) => a.value === null || !/^:::+\+?$/.test(a.value));
    const fromFile = end !== -1 && /^::::/.test(args[end]?.value ?? '');
    const lines = inputs === null || fromFile ? null : values(inputs);
    if (lines === null) reportOpaque(rt, 'parallel runs its input lines as commands, which guard cannot see', inv.source);
    else for (const line of lines) rt.shell(line, { cwd: inv.cwd, env: inv.env }, inv.source);
    return;
  }
  if (command.length === 1 && command[0]?.value?.includes(' ')) {
    rt.shell(command[0].value, { cwd: inv.cwd, env: inv.env }, inv.source);
    return;
  }
  rt.exec(sub(inv, [...command, unknownField('(parallel input)', true)]));
}

function classifyWatch(inv: Invocation, args: Field[], rt: Runtime): void {
  const direct = args.some((a) => a.value === '-x' || a.value === '--exec');
  const i = skipOptions(args, { shortArgs: 'nq', longArgs: ['interval', 'equexit'] });
  if (i === null) {
    reportOpaque(rt, 'watch is given an option guard cannot see', inv.source);
    return;
  }
  const command = args.slice(i);
  if (command.length === 0) return;
  // procps joins the words into a `sh -c` line; -x (and other implementations) run them as they
  // are. Judge both readings, so neither can hide a command.
  rt.exec(sub(inv, command));
  if (direct) return;
  const words = values(command);
  if (words === null) reportOpaque(rt, 'watch runs a command line guard cannot see', inv.source);
  else rt.shell(words.join(' '), { cwd: inv.cwd, env: inv.env }, inv.source);
}

function classifyFlock(inv: Invocation, args: Field[], rt: Runtime): void {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === '-c' || value === '--command') {
      const command = args[i + 1]?.value ?? null;
      if (command === null) reportOpaque(rt, 'flock -c runs a command line guard cannot see', inv.source);
      else rt.shell(command, { cwd: inv.cwd, env: inv.env }, inv.source);
      return;
    }
  }
  const i = skipOptions(args, { shortArgs: 'wE', longArgs: ['timeout', 'conflict-exit-code'] });
  if (i === null) {
    reportOpaque(rt, 'flock is given an option guard cannot see', inv.source);
    return;
  }
  const rest = args.slice(i + 1); // the lock file, then the command
  if (rest.length > 0) rt.exec(sub(inv, rest));
}

function classifyNpx(inv: Invocation, args: Field[], rt: Runtime): void {
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      reportOpaque(rt, 'npx is given an argument guard cannot see', inv.source);
      return;
    }
    if (value === '--') {
      i++;
      break;
    }
    if (!value.startsWith('-')) break;
    if (value === '-c' || value === '--call' || value.startsWith('--call=')) {
      const command = value.startsWith('--call=') ? value.slice(7) : (args[i + 1]?.value ?? null);
      if (command === null) reportOpaque(rt, 'npx -c runs a command line guard cannot see', inv.source);
      else rt.shell(command, { cwd: inv.cwd, env: inv.env }, inv.source);
      return;
    }
    i += value === '-p' || value === '--package' ? 2 : 1;
  }
  const rest = args.slice(i);
  const head = rest[0];
  if (!head) return;
  // `npx rimraf@5 dist`, `npx @scope/pkg`: the binary is named after the package.
  const bin = head.value === null ? head : knownField(packageBin(head.value));
  rt.exec(sub(inv, [bin, ...rest.slice(1)]));
}

function packageBin(spec: string): string {
  let name = spec;
  if (name.startsWith('@')) name = name.slice(name.indexOf('/') + 1);
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

/**
 * A shell script of the project run by a relative path (`script/install`, `bin/git-nuke fr-old`,
 * `./bin/dot`): true where its text is known and the sh family runs it (script-files.ts runnerOf).
 * Such a file is read before the program is judged by its name, and as well as that: before
 * 2026-12-07 a name guard models as another program returned first and the text was never read.
 * holman/dotfiles' `bin/git-nuke BRANCH` (`git branch -D $1; git push origin :$1`) went as git's
 * `nuke` subcommand and `script/install` (`find . -name install.sh | while read i; do sh -c "$i";
 * done`) as coreutils' install with no operands: both "allow: no destructive command found" while
 * `bash bin/git-nuke fr-old` was refused (git-push-delete) and `sh script/install` refused as
 * opaque. Both readings stand (the strictest verdict wins): a name that is also the tool guard
 * models (`./gradlew`, `./mvnw`, read both ways since 2026-12-05) keeps its model. Not here: an
 * absolute path (`/usr/lib/git-core/git-pull`: not the project's), a package manager's shim under
 * `node_modules/` or `vendor/` (`node_modules/.bin/prisma`, `vendor/bin/sail`: a launcher of the
 * program guard models by name), a file of another interpreter (`bin/rails`, Ruby: read below as
 * before), a binary, and inside a container (its paths are the container's).
 */
function projectShellScript(inv: Invocation, program: string, rt: Runtime): boolean {
  if (!program.includes('/') || program.startsWith('/') || rt.ctx.inContainer) return false;
  if (/(^|\/)(node_modules|vendor)\//.test(program)) return false;
  const found = readRunFile(inv, program, rt);
  if (found === undefined || found === null || found === 'missing') return false;
  return found.text.length <= SCRIPT_TEXT_LIMIT && runnerOf(found.text) === 'shell';
}

/** Shells whose script files guard reads (script-files.ts); fish, csh and the rest: not read. */
const SCRIPT_FILE_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);

function classifyShell(inv: Invocation, args: Field[], rt: Runtime, name: string): void {
  const shellOptions: { errexit?: boolean } = {};
  let command = false;
  let fromStdin = false;
  // `bash -n script/bootstrap`, `zsh -n ~/.zshrc`, `sh -o noexec -c '...'`: the shell reads and
  // parses, and runs nothing (noexec). Not where it is interactive (`-i`), where noexec is ignored.
  let noexec = false;
  let interactive = false;
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if ((value === null || value === undefined) && command) break; // the -c string itself
    if (value === null || value === undefined) {
      reportOpaque(rt, 'a shell is given an option guard cannot see', inv.source);
      return;
    }
    if (value === '--' || value === '-') {
      i++;
      break;
    }
    if (value.startsWith('--')) {
      if (value === '--command') {
        command = true;
        i++;
        break;
      }
      if (value === '--no-execute' && name === 'fish') noexec = true;
      i += ['--rcfile', '--init-file'].includes(value) ? 2 : 1;
      continue;
    }
    if (!value.startsWith('-') && !value.startsWith('+')) break;
    const letters = value.slice(1);
    let consumed = 1;
    for (const letter of letters) {
      if (letter === 'c') command = true;
      if (letter === 's') fromStdin = true;
      if (letter === 'o' || letter === 'O') consumed = 2;
      if (letter === 'n') noexec = value.startsWith('-');
      if (letter === 'i') interactive = true;
    }
    if (letters.includes('o') && args[i + 1]?.value === 'noexec') noexec = value.startsWith('-');
    // `bash -e script`, `sh -o errexit -c ...`: the shell starts with set -e (evaluate.ts).
    setErrexit(args.slice(i, i + consumed), shellOptions);
    i += consumed;
  }
  // noexec with a -c string or a script file: parsed, never run (a shell reading a terminal is judged as before).
  if (noexec && !interactive && (command || (!fromStdin && args[i] !== undefined))) return;
  if (command) {
    const text = args[i];
    if (!text) return;
    // The shell's commands read its stdin: `sh -c 'psql app' < drop.sql` is `psql app < drop.sql`.
    if (text.value === null && text.withUnknown !== undefined) {
      rt.shell(text.withUnknown, { cwd: inv.cwd, env: inv.env, stdin: inv.stdin }, inv.source);
      return;
    }
    if (text.value === null) {
      reportOpaque(rt, `a shell runs ${text.display}, a command line guard cannot see`, inv.source);
      return;
    }
    const rest = args.slice(i + 1);
    // An argument that may split into any number of words (xargs input) makes every position unknown.
    const unknownCount = rest.some((a) => a.value === null && a.splittable);
    const positional = unknownCount ? null : rest.map((a) => a.value);
    rt.shell(text.value, { cwd: inv.cwd, env: inv.env, stdin: inv.stdin, positional: positional === null ? null : positional.length > 0 ? positional : [null], ...shellOptions, ...(name === 'zsh' ? { dialect: 'zsh' as const } : {}) }, inv.source);
    return;
  }
  const script = args[i];
  if (!fromStdin && script) {
    if (script.value === null) reportOpaque(rt, `a shell runs the script ${script.display}, which guard cannot see`, inv.source);
    else if (isStdinPath(script.value)) readStdinScript(inv, rt, 'a shell', SCRIPT_FILE_SHELLS.has(name) ? { how: 'shell', args: args.slice(i + 1), errexit: shellOptions.errexit === true } : null);
    else if (isPipePath(script.value)) reportOpaque(rt, `a shell runs ${script.value}, the output of another command, which guard cannot see before it runs`, inv.source);
    else if (SCRIPT_FILE_SHELLS.has(name)) runScriptFile(inv, script.value, args.slice(i + 1), rt, 'shell', shellOptions.errexit === true); // read (script-files.ts)
    return;
  }
  readStdinScript(inv, rt, 'a shell', SCRIPT_FILE_SHELLS.has(name) ? { how: 'shell', args: args.slice(i), errexit: shellOptions.errexit === true } : null);
}

/**
 * A shell (or `source /dev/stdin`) running what it reads on stdin. A file there (`sh < setup.sh`,
 * `bash -s ARG < x.sh`) is the script file it is (script-files.ts, `asFile`: how it runs, the
 * positional arguments), as `bash setup.sh` reads it; before 2026-12-06 night it ran unread.
 */
function readStdinScript(inv: Invocation, rt: Runtime, who: string, asFile: { how: 'shell' | 'source'; args: Field[]; errexit: boolean } | null = null): void {
  if (inv.stdin.kind === 'file' && asFile !== null) {
    const file = inv.stdin.path;
    if (file === null) reportOpaque(rt, `${who} runs the file ${inv.stdin.from ?? 'on its stdin'}, which guard cannot know`, inv.source);
    else if (file !== undefined && !/^\/dev\/(null|zero)$/.test(file)) runScriptFile(inv, file, asFile.args, rt, asFile.how, asFile.errexit);
    return;
  }
  if (inv.stdin.kind !== 'text') return; // a terminal, or a file a shell guard does not read runs
  if (inv.stdin.text === null) {
    reportOpaque(rt, `${who} runs the output of ${inv.stdin.from}, which guard cannot see before it runs`, inv.source);
    return;
  }
  const text = inv.stdin.host && rt.ctx.hostScript ? rt.ctx.hostScript(inv.stdin.text) : inv.stdin.text;
  rt.shell(text, { cwd: inv.cwd, env: inv.env }, inv.source);
}

function classifyEval(inv: Invocation, args: Field[], rt: Runtime): void {
  const words = values(args);
  if (words === null && rt.ctx.inRecipe && (/^(["']?)set --?\s/.test(args[0]?.display ?? '') || (args[0]?.value === 'set' && args[1]?.value === '--'))) {
    // gradlew's `eval "set -- $(printf '%s\n' "$JAVA_OPTS ..." | xargs -n1 | sed ...)" '"$@"'`: the
    // options of the build's environment, escaped, made the script's arguments. In a script file
    // or a recipe this sets the positional parameters (now unknown) and runs nothing, as an
    // unknown command name there is a program of the build; typed, eval of unknown text is opaque.
    // The wrapper of Gradle 4 to 6 (still in many Android projects) writes it unquoted: `eval set
    // -- $DEFAULT_JVM_OPTS $JAVA_OPTS ... "$APP_ARGS"` (since 2026-12-07, realproj6).
    inv.state.positional = null;
    return;
  }
  if (words === null && rt.ctx.inRecipe && args.length === 1 && /^(`[^`]*`|\$\([^()]*\)|[A-Za-z_][A-Za-z0-9_]*)=/.test(args[0]?.display ?? '')) {
    // The same wrapper's Cygwin branch: `eval \`echo args$i\`="\"$arg\""`, a variable whose name
    // is computed (args0, args1 ...) set to an argument. In a script file or a recipe it sets a
    // variable and runs nothing that guard could name, as `eval "set -- ..."` above; typed, it
    // stays opaque.
    return;
  }
  if (words === null) {
    reportOpaque(rt, 'eval runs text guard cannot see before it runs', inv.source);
    return;
  }
  rt.shell(words.join(' '), { cwd: inv.cwd, state: inv.state }, inv.source);
}

function classifySource(inv: Invocation, args: Field[], rt: Runtime): void {
  const file = args[0];
  if (!file) return;
  // In a script file or recipe guard read (CommandContext.inRecipe), `source $1` in a function,
  // `. "$LIB/common.sh"` with LIB from the environment: a script of the build guard cannot name,
  // judged as an unknown command name there is (a program of the build, classifyInvocation), not
  // opaque as typed (ripgrep's ci/test-complete was refused for its `source $1`).
  if (file.value === null && rt.ctx.inRecipe) return;
  if (file.value === null) {
    reportOpaque(rt, `source reads ${file.display}, a file guard cannot know`, inv.source);
    return;
  }
  if (isStdinPath(file.value) || file.value === '-') readStdinScript(inv, rt, 'source', { how: 'source', args: args.slice(1), errexit: false });
  else if (isPipePath(file.value)) reportOpaque(rt, `source runs ${file.value}, the output of another command, which guard cannot see before it runs`, inv.source);
  else runScriptFile(inv, file.value, args.slice(1), rt, 'source'); // read and run in this shell (script-files.ts)
}

function isStdinPath(value: string): boolean {
  return /^\/(dev\/(stdin|fd\/0)|proc\/self\/fd\/0)$/.test(value);
}

/** /dev/fd/63 and friends: what `<(...)` turns into, a pipe from another command. */
function isPipePath(value: string): boolean {
  return /^\/(dev\/fd\/\d+|proc\/self\/fd\/\d+)$/.test(value);
}

function classifyTrap(inv: Invocation, args: Field[], rt: Runtime): void {
  const first = args[0];
  if (!first || args.length < 2) return;
  if (first.value === null) {
    reportOpaque(rt, 'trap installs a command guard cannot see', inv.source);
    return;
  }
  if (first.value === '-' || first.value.startsWith('-')) return;
  // The handler runs when the trap fires, with the state of that moment, not this one.
  rt.shell(first.value, { cwd: inv.cwd, state: inv.state, later: true }, inv.source);
}

/** `alias ll='rm -rf ~'`: shells that expand aliases would run the value later; judge it now. */
function classifyAlias(inv: Invocation, args: Field[], rt: Runtime): void {
  for (const arg of args) {
    if (arg.value === null) {
      reportOpaque(rt, `alias defines ${arg.display}, which guard cannot see`, inv.source);
      continue;
    }
    const eq = arg.value.indexOf('=');
    if (eq > 0) rt.shell(arg.value.slice(eq + 1), { cwd: inv.cwd, env: inv.env }, inv.source);
  }
}

const GUARD_SELF_COMMANDS = new Set(['uninstall', 'approve']);

export function classifyGuard(inv: Invocation, args: Field[], rt: Runtime): void {
  if (!rt.ctx.isAgent) return;
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      reportOpaque(rt, 'guard is given an argument guard cannot see', inv.source);
      return;
    }
    if (!value.startsWith('-')) break;
    i += value === '--cwd' || value === '-C' ? 2 : 1;
  }
  const command = args[i]?.value;
  if (command === undefined) return;
  if (command === null) {
    reportOpaque(rt, 'guard is given a subcommand guard cannot see', inv.source);
    return;
  }
  if (GUARD_SELF_COMMANDS.has(command)) {
    report(rt, 'deny', 'guard-self', `an agent runs \`guard ${command}\`, which switches protection off or approves its own refusal`, inv.source);
  }
}

function classifyKill(inv: Invocation, args: Field[], rt: Runtime, name: string): void {
  if (!rt.ctx.isAgent) return;
  if (name === 'kill') {
    // A pid computed from guard's files or name: `kill $(cat .git/guard/watcher.pid)`,
    // `kill $(pgrep -f guard)`, `p=$(cat .git/guard/watcher.pid); kill $p` (where `$p` came from),
    // `xargs kill < .git/guard/watcher.pid` (where xargs' input comes from), or computed in guard's
    // own directory (`cd .git/guard && kill $(cat watcher.pid)`).
    const inGuardDir = inv.cwd !== null && [rt.ctx.commonDir, rt.ctx.gitDir].some((dir) => dir && isUnder(inv.cwd as string, `${dir}/guard`));
    const hit = args.find((a) => a.value === null && (inGuardDir || /guard/i.test(provenance(a.display, inv.state))));
    if (hit) report(rt, 'deny', 'guard-self', `an agent stops guard's processes (kill ${hit.display})`, inv.source);
    return;
  }
  // A name or pattern that says guard, also where it comes from: a variable, command output, or a
  // file written earlier in the line (`pkill -F /tmp/p` after `cp .git/guard/watcher.pid /tmp/p`).
  for (const arg of args) {
    // pkill's pid file as `-Ffile` or `--pidfile=file` names the file; other options are skipped.
    const pidFile = arg.value === null ? null : (/^(-F|--pidfile=)(.+)$/.exec(arg.value)?.[2] ?? null);
    if (arg.value !== null && arg.value.startsWith('-') && pidFile === null) continue;
    if (/guard/i.test(arg.value ?? '') || /guard/i.test(provenance(pidFile ?? arg.display, inv.state))) {
      report(rt, 'deny', 'guard-self', `an agent stops guard's processes (${name} ${arg.display})`, inv.source);
      return;
    }
  }
}

/** tar runs programs for some options: checkpoint actions, --to-command, compress programs, volume scripts. */
function classifyTar(inv: Invocation, args: Field[], rt: Runtime): void {
  const runs = (command: string | null, how: string): void => {
    if (command === null) reportOpaque(rt, `${how} runs a command guard cannot see`, inv.source);
    else rt.shell(command, { cwd: inv.cwd, env: inv.env }, inv.source);
  };
  const LONG = ['--to-command', '--use-compress-program', '--info-script', '--new-volume-script', '--rsh-command'];
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null) {
      if (/checkpoint-action|to-command|compress-program|volume-script|info-script|rsh-command/.test(field.display)) reportOpaque(rt, `tar is given ${field.display}, which runs a command guard cannot see`, inv.source);
      continue;
    }
    const action = /^--checkpoint-action=(?:exec|shell)=(.*)$/s.exec(value);
    if (action) runs(action[1] as string, 'tar --checkpoint-action');
    else if (value === '--checkpoint-action') {
      const next = args[i + 1]?.value ?? null;
      const inner = next === null ? null : /^(?:exec|shell)=(.*)$/s.exec(next);
      if (next === null) runs(null, 'tar --checkpoint-action');
      else if (inner) runs(inner[1] as string, 'tar --checkpoint-action');
      i++;
    } else {
      const long = LONG.find((name) => value === name || value.startsWith(`${name}=`));
      if (long) {
        runs(value === long ? (args[i + 1]?.value ?? null) : value.slice(long.length + 1), `tar ${long}`);
        if (value === long) i++;
      } else if (value === '-I' || value === '-F') {
        runs(args[i + 1]?.value ?? null, `tar ${value}`);
        i++;
      }
    }
  }
  // What an extraction replaces: the ignored files where it lands are captured first (archives.ts).
  checkTarExtraction(inv, args, rt, 'tar');
}

/**
 * Codex applies `apply_patch <<'EOF' ... EOF` (or the patch as the first argument) itself when it
 * comes through its shell tool: no program runs, the patch is a set of file edits. Judge them as
 * such: a deleted file like rm, a file moved away like mv, every file written like a write (so
 * guard's files and protected paths are refused to agents, `.codex/config.toml` included).
 */
function classifyApplyPatch(inv: Invocation, args: Field[], rt: Runtime): void {
  const arg = args[0];
  const text = arg ? arg.value : inv.stdin.kind === 'text' ? inv.stdin.text : undefined;
  if (text === undefined) return; // nothing to apply
  if (text === null) {
    reportOpaque(rt, 'apply_patch applies a patch guard cannot see before it runs', inv.source);
    return;
  }
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const header = /^\s*\*\*\* (Add File|Update File|Delete File|Move to): (.+?)\s*$/.exec(line);
    if (!header) continue;
    const file = knownField(header[2] as string);
    switch (header[1]) {
      case 'Delete File':
        rt.report(checkDeleteTarget(file, inv.cwd, rt.ctx, inv.source, { recursive: false, verb: 'apply_patch deletes' }));
        break;
      case 'Move to': {
        if (current !== null) {
          const away = checkMoveSource(knownField(current), inv.cwd, rt.ctx, inv.source, movesOut(file, inv.cwd, rt.ctx) ? file.display : null);
          if (away) rt.report(away);
        }
        const verdict = checkWriteTarget(file, inv.cwd, rt.ctx, inv.source, `apply_patch writes ${file.display}`);
        if (verdict) rt.report(verdict);
        break;
      }
      default: {
        current = header[2] as string;
        const verdict = checkWriteTarget(file, inv.cwd, rt.ctx, inv.source, `apply_patch writes ${file.display}`);
        if (verdict) rt.report(verdict);
      }
    }
  }
}

export { shellQuote };

/**
 * `dart|flutter pub cache clean` deletes pub's cache directory whole: ~/.pub-cache (targets.ts
 * TOOL_CACHES: free), or $PUB_CACHE. Where this line sets PUB_CACHE, the directory is the one the
 * line names, whatever it is (`PUB_CACHE=$HOME dart pub cache clean -f` deletes the home
 * directory), so it is judged as `rm -rf` of that path (since 2026-12-08, holes8; before, free
 * whatever PUB_CACHE named). A PUB_CACHE of the agent's own environment is pub's cache by pub's
 * definition, set by the person: free, as before. True where judged here.
 */
function classifyPubCacheClean(inv: Invocation, name: string, args: Field[], rt: Runtime): boolean {
  const ops = args.filter((a) => a.value === null || !a.value.startsWith('-'));
  if (ops[0]?.value !== 'pub' || ops[1]?.value !== 'cache' || ops[2]?.value !== 'clean') return false;
  if (!inv.env.has('PUB_CACHE') || unexportedForChild(inv, 'PUB_CACHE')) return true;
  const value = inv.env.get('PUB_CACHE') ?? null;
  // an empty value is not read (pub versions differ: the default cache, or the working directory)
  const field = value === null || value === '' ? unknownField('$PUB_CACHE') : knownField(value);
  rt.report(checkDeleteTarget(field, inv.cwd, rt.ctx, inv.source, { recursive: true, verb: `${name} pub cache clean deletes PUB_CACHE,` }));
  return true;
}
