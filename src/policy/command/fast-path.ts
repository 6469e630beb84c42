/**
 * The fast path of hooks/agent-hook.sh, in TypeScript: the exact same test, so the two can be
 * checked against each other (test/unit/policy/command/fast-path.test.ts runs the sh shim with
 * dash on every corpus command and compares).
 *
 * Soundness argument (docs/command-guard.md): the classifier only ever returns something other
 * than allow for a command that (a) uses a character outside FAST_PATH_CHARS (expansions `$`,
 * backticks, backslashes, globs, parentheses, braces, newlines, non-ASCII), or (b) redirects
 * output anywhere but /dev/null or another descriptor, or (c) contains, once quotes are removed
 * and the text is cut at every character that is not a letter, digit or `_`, a word from
 * FAST_PATH_RISKY_WORDS or starting with a FAST_PATH_RISKY_PREFIXES entry (case-insensitive),
 * or a word of FAST_PATH_OPTION_RISKY while the line holds an option that may make it write
 * (or a `uniq` that may write: uniqMayWrite), or a word of FAST_PATH_PROGRAM_WORDS anywhere but
 * as an operand of a program that runs none (programWordsOnlyAsOperands), or a word of
 * FAST_PATH_SUBCOMMAND_WORDS anywhere but as an installer's subcommand (installWordsOnlyAsSubcommands). Every rule in the classifier is keyed to such a word (a program name, `.git`, a guard file,
 * `/dev/stdin`), so a command passing all three checks is allowed without starting Node.
 */

export const FAST_PATH_MAX_LENGTH = 4096;

/** Every character the fast path accepts; anything else goes to the full check. */
export const FAST_PATH_CHARS = /^[A-Za-z0-9 \t_.,:/=@%+^~'"&|;<>!#-]*$/;

/** Words (as written with `>`) that only send output to /dev/null or another descriptor. */
export const SAFE_REDIRECT_WORDS: readonly string[] = [
  '>/dev/null', '1>/dev/null', '2>/dev/null', '&>/dev/null', '>>/dev/null', '1>>/dev/null', '2>>/dev/null', '&>>/dev/null',
  '2>&1', '1>&2', '>&2',
];

/** Redirection operators written apart from their target, accepted when the next word is /dev/null. */
export const SAFE_REDIRECT_OPERATORS: readonly string[] = ['>', '1>', '2>', '&>', '>>', '1>>', '2>>', '&>>'];

/** Words that send a command to the full check (lowercase; matched case-insensitively). */
export const FAST_PATH_RISKY_WORDS: readonly string[] = [
  // git and guard's own files and programs
  'git', 'guard', 'claude', 'cursor', 'codex', 'gemini', 'github', 'opencode', 'copilot',
  // BFG Repo-Cleaner rewrites every branch and tag (`bfg`, `java -jar bfg-1.14.0.jar`: `.` and `-` cut words)
  'bfg',
  // shells reading stdin (/dev/stdin, /dev/fd/0)
  'stdin', 'fd',
  // deleting
  'rm', 'unlink', 'shred', 'srm', 'rimraf', 'del', 'truncate', 'find',
  // Windows spellings: cmd.exe's erase, rmdir /s, rd /s; PowerShell's Remove-Item (cut into remove, item) and ri
  'erase', 'rmdir', 'rd', 'ri', 'item',
  // devices
  'dd', 'mkfs', 'mkswap', 'wipefs', 'fdisk', 'sfdisk', 'cfdisk', 'gdisk', 'sgdisk', 'parted', 'blkdiscard',
  // writing by name (install: FAST_PATH_SUBCOMMAND_WORDS)
  'cp', 'mv', 'ln', 'tee', 'sed', 'gsed', 'rsync', 'chmod', 'chown', 'chgrp', 'sudo', 'sudoedit', 'time',
  // extracting archives over ignored files (archives.ts)
  'tar', 'gtar', 'bsdtar', 'unzip', 'cpio', '7z', '7za', '7zr', '7zz', 'zip',
  // shells, eval and interpreters
  'sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash', 'posh', 'fish', 'csh', 'tcsh', 'rbash', 'pdksh', 'oksh', 'loksh',
  'busybox', 'toybox', 'eval', 'exec', 'source', 'node', 'nodejs', 'deno', 'bun', 'bunx', 'awk', 'gawk', 'mawk', 'nawk',
  'luajit', 'osascript', 'pwsh', 'powershell',
  // guard's processes
  'kill', 'pkill', 'killall',
  // programs that run what they read as commands (a makefile's, justfile's or Taskfile's recipes, `parallel :::: file`);
  // task: FAST_PATH_PROGRAM_WORDS
  'make', 'gmake', 'just', 'parallel',
  // Codex applies a patch sent through its shell tool itself: file edits
  'apply_patch', 'applypatch',
  // writing a file named by an option (output-files.ts): wget -O, openssl -out; curl, sort and
  // uniq only with the options or operands that write (FAST_PATH_OPTION_RISKY below)
  'wget', 'openssl',
  // file databases edited in place (databases.ts): sqlite3, duckdb, sqlite-utils (cut into sqlite, utils)
  'sqlite3', 'sqlite', 'duckdb',
  // migration and reset commands of ORMs and frameworks (databases.ts): prisma, ./manage.py, rails, rake,
  // alembic, knex, sequelize(-cli), drizzle-kit, typeorm; flask (db upgrade), diesel, sqlx, sea-orm-cli
  // (cut into sea, orm, cli), goose, migrate, atlas, dbmate; django-admin (cut into django, admin; `python -m django` is python's)
  'prisma', 'manage', 'django', 'rails', 'rake', 'alembic', 'knex', 'sequelize', 'drizzle', 'typeorm',
  'flask', 'diesel', 'sqlx', 'orm', 'goose', 'migrate', 'atlas', 'dbmate',
  // Strapi's `import|transfer --force` (server-frameworks-js.ts strapi; realproj8)
  'strapi',
  // ... of PHP, Elixir, JVM and .NET projects (framework-migrations.ts): ./artisan, bin/console and
  // `symfony console`, `mix ecto.drop` (cut into mix, ecto, drop), liquibase (`mvn liquibase:dropAll`),
  // gradle (its Liquibase tasks are plain words: update, rollback), `dotnet ef` and dotnet-ef, sequel,
  // hanami; flyway below as a prefix (`gradle flywayClean`), and liquibase (`./gradlew liquibaseDropAll`). `php artisan`
  // is sent on by php. The Liquibase Gradle plugin's tasks under ./gradlew (cut into gradlew, which is not sent on:
  // `./gradlew test` stays fast): dropAll, and rollback as a prefix (rollback, rollbackCount, rollbackToDate)
  // mix itself: a project's own alias may run ecto.drop (`mix setup` in hexpm: mix-aliases.ts).
  // PocketBase's `superuser upsert|delete` under `go run main.go` (go-run.ts; its `migrate` is above)
  'artisan', 'console', 'ecto', 'mix', 'gradle', 'ef', 'sequel', 'hanami', 'dropall', 'superuser',
  // composer runs composer.json scripts (composer-scripts.ts): `composer setup` runs artisan key:generate
  'composer',
  // Laravel Sail runs docker compose lines (sail.ts): `sail down -v`, `sail art migrate:fresh`
  'sail',
  // `dotenv set KEY VALUE` / `dotenvx set` rewrite .env (runners.ts); the other runners only run words checked anyway
  'dotenv', 'dotenvx',
  // package managers run package.json scripts (package-scripts.ts): `npm run nuke` is what its script says
  'npm', 'pnpm', 'yarn', 'premove', 'turbo', 'lerna', 'nx',
  // data in clouds and on database servers (remote-data.ts): redis-cli is cut into redis, cli;
  // clickhouse-client into clickhouse, client (`clickhouse client`); `cockroach sql`
  'aws', 'gsutil', 'gcloud', 'az', 'firebase', 'heroku', 'fly', 'flyctl', 'supabase', 'dropdb', 'psql', 'mysql', 'mariadb', 'redis', 'mongosh', 'mongo',
  'sqlcmd', 'clickhouse', 'cockroach',
  // ... and on developer platforms and data stores (hosted-data.ts): kafka-topics(.sh) is cut into kafka, topics;
  // on another machine (remote-shell.ts): `ssh HOST CMD`, `ansible HOSTS -m shell -a CMD` (heroku, fly, gcloud are above)
  'cqlsh', 'ssh', 'ansible', 'pg_restore', 'mongorestore', 'wrangler', 'neon', 'neonctl', 'turso', 'pscale', 'bq', 'mc', 'rclone', 's3cmd', 'kafka', 'etcdctl', 'consul', 'influx', 'convex',
  // Terraform state rewrites (terraform-state.ts), container volumes deleted (container-volumes.ts:
  // docker-compose, podman-compose cut into docker|podman, compose), `vercel env pull` over .env.local
  // (env-pull.ts), `trash` (files.ts), `expo prebuild --clean` (expo-prebuild.ts)
  'terraform', 'tofu', 'terragrunt', 'docker', 'podman', 'vercel', 'trash', 'prebuild',
  // `ghp-import -p -f` (site-publish.ts; cut into ghp, import)
  'ghp',
];

/**
 * Programs that write a file only through some of their options or operands (output-files.ts),
 * common in read-only pipelines (`curl -s localhost:3000`, `ls | sort`, `sort | uniq -c`): such a
 * word is risky only when the line, once quotes are removed and cut at blanks, also holds a word
 * that could be the writing option. Looked at over the whole line, not per program, so a
 * program embedded in a word (`x;sort -o .env`) is covered too. uniq writes its second operand,
 * which no option marks: see uniqMayWrite.
 */
export const FAST_PATH_OPTION_RISKY: Readonly<Record<string, (word: string) => boolean>> = {
  // sort -o FILE, -uo FILE, -oFILE, --output=FILE and its prefixes (--o, --ou ...)
  sort: (word) => /^-(?:o|[^-].*o)/s.test(word) || word.startsWith('--o'),
  // op (1Password) inject/read/document get -o FILE, --out-file, --output: the same words as sort's
  op: (word) => /^-(?:o|[^-].*o)/s.test(word) || word.startsWith('--o'),
  // curl -o/-O (also in clusters: -sSLo), -c (cookie jar), -D (header dump), -J, -K (a config
  // file may name outputs); every long option (--output, --remote-name, --trace, --stderr ...)
  // Also a cluster holding -X with its method attached (`-sXPATCH`, `-XDELETE`): the method, which
  // the verb words below must see (http-api.ts), is no word of its own there.
  curl: (word) => /^-(?:[oOcDJK]|[^-].*[oOcDJK])/s.test(word) || /^-(?:X|[^-].*X)./s.test(word) || word.startsWith('--'),
};

/**
 * gh's, glab's and the HTTP clients' risky words beside them, matched in any case (an HTTP method
 * is often typed in capitals, and curl, httpie and xh send `-X delete` as DELETE reaches the
 * service: FAST_PATH_VERB_CASELESS). `curl https://example.com | jq`, `curl -X POST ...` stay fast.
 */
const FORGE_VERBS = ['delete', 'xdelete', 'patch', 'xpatch', 'graphql'];

/** The plain HTTP clients judged by http-api.ts (wget is risky anyway: its -O). `http` is also every http:// URL's first word. */
const HTTP_CLIENTS = ['curl', 'http', 'https', 'xh', 'xhs'];

/** The infrastructure tools' words that delete a stack (infra-destroy.ts judges only the one each tool uses). */
const IAC_VERBS = ['destroy', 'remove'];

/**
 * The whole-environment tools' words that delete one (infra-destroy.ts): `sam delete`, `amplify
 * delete|env remove`, `ampx sandbox delete`, `eksctl delete cluster`, `kops delete`, `azd down`,
 * `eb terminate`; one list for all of them keeps the shim's case short (`azd` beside `delete`
 * only costs a Node start). `copilot` is a risky word anyway.
 */
const ENV_VERBS = ['delete', 'remove', 'down', 'terminate'];

/** The publishing tools' words that overwrite or delete what a service holds (site-publish.ts). */
const PUBLISH_VERBS = ['force', 'history', 'f', 'deploy', 'delete'];

/** Programs whose FAST_PATH_VERB_RISKY words match in any case. */
export const FAST_PATH_VERB_CASELESS: ReadonlySet<string> = new Set(['gh', 'glab', ...HTTP_CLIENTS]);

/**
 * Programs that change something guard judges only through some of their subcommands, common in
 * read-only lines (`kubectl get pods`, `kubectl logs x`, `helm list`, `pulumi preview`): such a
 * program word is risky only when the line, once quotes are removed and cut at every character
 * that is not a letter, digit or `_`, also holds one of its subcommand words (one ending in `*`:
 * any word starting with the rest, as Gradle's `cleanTest`, `uninstallDebug`) (as written: the
 * tools read their subcommands case-sensitively; gh's and glab's in any case, FAST_PATH_VERB_CASELESS). The classifier judges these programs only
 * where such a word is their subcommand (cluster.ts, pulumi-state.ts), so the line is sound to
 * pass without it. kubectl's: `delete`, `drain`, `apply --prune`, `replace --force`; helm's
 * `uninstall` and its aliases; pulumi's commands that write the state (`stack rm`: `rm` is risky
 * anyway; `state X`: every subcommand of `state` writes).
 */
export const FAST_PATH_VERB_RISKY: Readonly<Record<string, readonly string[]>> = {
  kubectl: ['delete', 'drain', 'prune', 'replace'],
  oc: ['delete', 'drain', 'prune', 'replace'],
  kubecolor: ['delete', 'drain', 'prune', 'replace'],
  helm: ['uninstall', 'delete', 'del', 'un'],
  // cluster.ts: `helmfile destroy` (`delete` before v1); `skaffold delete` (ENV_VERBS, the shim's group of sam ...). `helmfile apply`, `skaffold dev`, `tilt up|down` stay in sh
  helmfile: ['destroy', 'delete'],
  skaffold: ENV_VERBS,
  pulumi: ['up', 'update', 'destroy', 'down', 'dn', 'refresh', 'import', 'cancel', 'watch', 'remove', 'rename', 'change', 'state'],
  // infra-destroy.ts: `cdk destroy`, `cdktf destroy`, `sst remove`, `serverless remove` (`cdk synth`, `sst dev` stay in sh)
  cdk: IAC_VERBS,
  cdktf: IAC_VERBS,
  sst: IAC_VERBS,
  serverless: IAC_VERBS,
  sls: IAC_VERBS,
  // infra-destroy.ts: `sam delete`, `azd down`, `eb terminate` ... (`sam build`, `amplify status`, `azd up` stay in sh)
  ...Object.fromEntries(['sam', 'amplify', 'ampx', 'eksctl', 'kops', 'azd', 'eb'].map((tool) => [tool, ENV_VERBS])),
  // cluster.ts: `argocd app delete|remove`, `argocd app sync --prune` (`rm` is risky anyway; `argocd app sync`, `get` stay in sh)
  argocd: ['delete', 'remove', 'prune'],
  // remote-data.ts (doctl.ts): `doctl databases delete`, `doctl k8s cluster rm` (`rm` is risky anyway), `doctl compute droplet d`
  doctl: ['delete', 'rm', 'd'],
  // dvc.ts: `dvc gc`, `dvc destroy`, `dvc checkout|pull -f|--force`, `dvc remove --outs`, `dvc exp apply` (`dvc status`, `dvc pull`, `dvc repro` stay in sh);
  // server-frameworks-js.ts: `medusa db:sync-links --execute-all` (cut into execute, all; `--execute-safe` reaches Node too, `db:rollback` is risky anyway). One list keeps the shim's case short
  ...Object.fromEntries(['dvc', 'medusa'].map((tool) => [tool, ['gc', 'destroy', 'f', 'force', 'outs', 'apply', 'execute']])),
  // android.ts: `adb uninstall`, `adb shell CMD` (`exec-out`: exec is risky anyway), `emulator -wipe-data`, `avdmanager delete avd`;
  // ios-simulator.ts: `xcrun simctl uninstall|delete`, `simctl keychain DEVICE reset` (`erase` is risky anyway); hosted-data.ts:
  // `stripe ... delete --live`, `stripe subscriptions cancel|invoices void_invoice|accounts reject ... --live`;
  // one list for them keeps the shim's case short (`adb install -r`: install is risky anyway; `adb logcat`, `adb devices`, `emulator -avd X`,
  // `xcrun simctl list|boot`, `stripe listen` stay in sh)
  ...Object.fromEntries(['adb', 'emulator', 'avdmanager', 'simctl', 'stripe'].map((tool) => [tool, ['uninstall', 'shell', 'wipe', 'delete', 'reset', 'cancel', 'void', 'void_invoice', 'void_credit_note', 'reject']])),
  // build-tools.ts: `mvn clean`, `./mvnw post-clean`, `./gradlew clean`, `:app:cleanTest` (clean and its tasks: a prefix),
  // `./gradlew uninstallAll|uninstallDebug` (a prefix: any variant). `gradle` is risky anyway; `./gradlew test`, `mvn package` stay in sh
  ...Object.fromEntries(['mvn', 'mvnw', 'mvnd', 'gradlew'].map((tool) => [tool, ['clean*', 'uninstall*']])),
  // build-tools.ts: `cargo clean`, `flutter clean`, `swift package clean|reset`, `go clean` (one list for them keeps the shim's
  // case short; `cargo build`, `flutter run`, `swift build`, `go test ./...` stay in sh)
  // ninja-clean.ts, in the same list: `ninja -t clean`, `ninja clean` (ninja-build is cut into ninja, build), `cmake --build B
  // --target clean|--clean-first`, `cmake -E remove|remove_directory` (`cmake -E rm`: rm is risky anyway), `cmake -P x.cmake`
  // (cut into P), `meson compile --clean`; `cmake --build build`, `ninja -C build`, `meson compile` stay in sh
  ...Object.fromEntries(['cargo', 'flutter', 'swift', 'go', 'ninja', 'samu', 'cmake', 'meson'].map((tool) => [tool, ['clean', 'reset', 'remove', 'remove_directory', 'P']])),
  // dotnet.ts: `dotnet user-secrets clear`, `dotnet clean` (build-tools.ts) (`dotnet ef` is risky anyway: `ef`; `dotnet build`, `dotnet test` stay in sh)
  dotnet: ['clear', 'clean'],
  // site-publish.ts: `mkdocs gh-deploy --force|--no-history`, `gh-pages -f` (cut into gh, pages, f), `hugo deploy`,
  // `netlify sites:delete`; one list for all of them keeps the shim's case short (`mkdocs serve`, `hugo server` stay in sh)
  ...Object.fromEntries(['mkdocs', 'pages', 'hugo', 'netlify', 'ntl'].map((tool) => [tool, PUBLISH_VERBS])),
  // forge-cli.ts: `gh repo delete`, `gh api -X DELETE|PATCH ...`, `--method=delete`, `-XDELETE`, graphql mutations
  gh: FORGE_VERBS,
  glab: FORGE_VERBS,
  // http-api.ts: `curl -X DELETE https://api.github.com/repos/O/R`, `http PATCH ...`, `xh delete ...`, a graphql URL
  ...Object.fromEntries(HTTP_CLIENTS.map((client) => [client, FORGE_VERBS])),
};

/**
 * Words risky only where they may be run as a program, not as an operand: `task` is also an
 * everyday English word (`grep -rn task src`, `echo task`), which sent such lines to Node. The
 * classifier judges `task` (go-task) only as a program: the command word, or the word a wrapper or
 * keyword runs (`env`, `timeout`, `xargs`, `if`, `!`, `VAR=x task`, `>/dev/null task`). So such a
 * word is risky unless every part of the line that holds it (quotes removed, cut at `;`, `&`, `|`)
 * starts with a program of FAST_PATH_OPERAND_ONLY, which runs none of its operands.
 */
export const FAST_PATH_PROGRAM_WORDS: readonly string[] = ['task'];

/** Programs that never run an operand as a command (`rg` is not: `--pre CMD`). Matched as written. */
export const FAST_PATH_OPERAND_ONLY: readonly string[] = ['echo', 'printf', 'grep', 'egrep', 'fgrep', 'cat', 'head', 'tail', 'wc', 'ls'];

const PROGRAM_WORDS = new Set(FAST_PATH_PROGRAM_WORDS);
const OPERAND_ONLY = new Set(FAST_PATH_OPERAND_ONLY);

/**
 * Words risky only where they are not the subcommand of an installer: `install` is coreutils'
 * install(1), which writes the files it names (files.ts), and the subcommand of the installers an
 * agent runs all day (`pip install -e .`, `bundle install`, `poetry install`, `gem install
 * bundler`), which no rule judges (runners.ts: not a run). Such a word is risky unless every part
 * of the line that holds it (quotes removed, cut at `;`, `&`, `|` outside quotes) is a program of
 * FAST_PATH_INSTALLERS, as written, followed by the word as written, and holds the word once
 * (`pip install ./install.whl`, `poetry run install a b`, `env pip install x` go to Node).
 */
export const FAST_PATH_SUBCOMMAND_WORDS: readonly string[] = ['install'];

/**
 * Installers whose `install` runs nothing guard judges. npm, pnpm, yarn, bun and composer are risky
 * words anyway (their scripts: package-scripts.ts); `adb install -r` is judged (android.ts) and
 * `helm install` is helm's, so neither is here.
 */
export const FAST_PATH_INSTALLERS: readonly string[] = ['pip', 'pip3', 'pipx', 'poetry', 'bundle', 'gem', 'brew', 'cargo', 'go', 'pre-commit'];

const SUBCOMMAND_WORDS = new Set(FAST_PATH_SUBCOMMAND_WORDS);
const INSTALLERS = new Set(FAST_PATH_INSTALLERS);

/**
 * Every part of the line holding a FAST_PATH_SUBCOMMAND_WORDS word is `INSTALLER WORD ...` with the
 * word once (FAST_PATH_SUBCOMMAND_WORDS); the parts as programWordsOnlyAsOperands cuts them.
 */
export function installWordsOnlyAsSubcommands(command: string): boolean {
  const parts = lineParts(command);
  if (parts === null) return false;
  for (const part of parts) {
    const held = part.split(/[^A-Za-z0-9_]+/).filter((token) => SUBCOMMAND_WORDS.has(token.toLowerCase())).length;
    if (held === 0) continue;
    const words = part.split(/[ \t]+/).filter((word) => word !== '');
    if (held !== 1 || !INSTALLERS.has(words[0] ?? '') || !SUBCOMMAND_WORDS.has(words[1] ?? '')) return false;
  }
  return true;
}

/**
 * Every part of the line holding a FAST_PATH_PROGRAM_WORDS word starts with a FAST_PATH_OPERAND_ONLY
 * program. The line is cut at `;`, `&` and `|` outside quotes (a quoted one is an operand:
 * `xargs -d ';echo' task` runs task), and quotes are removed; an unmatched quote: false.
 */
export function programWordsOnlyAsOperands(command: string): boolean {
  const parts = lineParts(command);
  if (parts === null) return false;
  for (const part of parts) {
    if (!part.split(/[^A-Za-z0-9_]+/).some((token) => PROGRAM_WORDS.has(token.toLowerCase()))) continue;
    const first = part.split(/[ \t]+/).find((word) => word !== '');
    if (first === undefined || !OPERAND_ONLY.has(first)) return false;
  }
  return true;
}

/** The line cut at `;`, `&` and `|` outside quotes, quotes removed; null for an unmatched quote. */
function lineParts(command: string): string[] | null {
  const parts: string[] = [];
  let part = '';
  let quote: string | null = null;
  for (const c of command) {
    if (quote !== null) {
      if (c === quote) quote = null;
      else part += c;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ';' || c === '&' || c === '|') {
      parts.push(part);
      part = '';
    } else part += c;
  }
  if (quote !== null) return null;
  parts.push(part);
  return parts;
}

/** Word prefixes that send a command to the full check (python3, perl5, GIT_DIR, GUARD_...). */
export const FAST_PATH_RISKY_PREFIXES: readonly string[] = ['python', 'pypy', 'perl', 'ruby', 'php', 'lua', 'git_', 'guard_', 'flyway', 'liquibase', 'rollback'];

const RISKY = new Set(FAST_PATH_RISKY_WORDS);

/** Words that end one command and start the next, written apart (`ls | sort`). */
const SEPARATOR_WORDS = new Set(['|', '||', '&&', ';', '&', '|&']);

/**
 * Whether some `uniq` of the line (its words once quotes are removed, cut at blanks) may write a
 * file: `uniq IN OUT` writes OUT. Each `uniq` must stand as a word of its own followed by options
 * and at most one operand up to the end or a separator word; a `uniq` inside a word
 * (`a;uniq x y`), or a separator inside a later word, cannot be followed, so the line may write.
 * `tokens` is how many `uniq` pieces the cut at every non-word character found.
 */
export function uniqMayWrite(words: readonly string[], tokens: number): boolean {
  let standalone = 0;
  let operands = -1; // -1: not after a uniq
  for (const word of words) {
    if (operands >= 0) {
      if (SEPARATOR_WORDS.has(word)) {
        operands = -1;
        continue;
      }
      if (/[|;&]/.test(word)) return true;
      if (word.startsWith('-') && word !== '-') continue;
      operands++;
      if (operands >= 2) return true;
      continue;
    }
    if (word.toLowerCase() === 'uniq') {
      standalone++;
      operands = 0;
    }
  }
  return standalone !== tokens;
}

/** A FAST_PATH_VERB_RISKY word as written, or one ending in `*`: any word it starts (`clean*`: clean, cleanTest). */
function verbMatches(verbs: readonly string[], token: string): boolean {
  return verbs.some((verb) => (verb.endsWith('*') ? token.startsWith(verb.slice(0, -1)) : token === verb));
}

export function isRiskyWord(word: string): boolean {
  const lower = word.toLowerCase();
  return RISKY.has(lower) || FAST_PATH_RISKY_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** True when the command provably contains nothing the classifier could object to. */
export function fastPathAllows(command: string): boolean {
  if (command.length > FAST_PATH_MAX_LENGTH) return false;
  if (!FAST_PATH_CHARS.test(command)) return false;
  const words = command.split(/[ \t]+/);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.includes('>')) continue;
    if (SAFE_REDIRECT_WORDS.includes(word)) continue;
    if (SAFE_REDIRECT_OPERATORS.includes(word) && words[i + 1] === '/dev/null') {
      i++;
      continue;
    }
    return false;
  }
  const unquoted = command.replace(/['"]/g, '');
  // Empty pieces (blanks at either end) are no words, as for the shim's field splitting.
  const unquotedWords = unquoted.split(/[ \t]+/).filter((word) => word !== '');
  let uniqTokens = 0;
  let programWord = false;
  let subcommandWord = false;
  const tokens = unquoted.split(/[^A-Za-z0-9_]+/);
  for (const token of tokens) {
    if (token === '') continue;
    if (isRiskyWord(token)) return false;
    const verbs = FAST_PATH_VERB_RISKY[token.toLowerCase()];
    const caseless = FAST_PATH_VERB_CASELESS.has(token.toLowerCase());
    if (verbs && tokens.some((t) => verbMatches(verbs, caseless ? t.toLowerCase() : t))) return false;
    const lower = token.toLowerCase();
    if (PROGRAM_WORDS.has(lower)) programWord = true;
    if (SUBCOMMAND_WORDS.has(lower)) subcommandWord = true;
    const writes = FAST_PATH_OPTION_RISKY[lower];
    if (writes && unquotedWords.some(writes)) return false;
    if (lower === 'uniq') uniqTokens++;
  }
  if (programWord && !programWordsOnlyAsOperands(command)) return false;
  if (subcommandWord && !installWordsOnlyAsSubcommands(command)) return false;
  return uniqTokens === 0 || !uniqMayWrite(unquotedWords, uniqTokens);
}
