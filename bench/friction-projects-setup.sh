#!/bin/bash
# The fixture of docs/FRICTION.md "Real projects through the agent hook" (2026-12-07): setup.sh PROJECT
# in a clone at /tmp/fr/PROJECT of the mirror; guard from this checkout (G=path/to/bin/guard.js for another).
# setup.sh PROJECT : feature branch, one modified tracked file, one untracked file, ignored output, guard init
# The second hunt (2026-12-07, helper realproj2: ripgrep, koel, fastapi, t3turbo, nowinandroid, memos,
# hexpm) used FR_ROOT=/tmp/fr2; nowinandroid's mirror lacks one blob (docs/Now-In-Android-Design-File.pdf):
# its removal from the index is committed first, as documenso's were.
set -e
FR_ROOT=${FR_ROOT:-/tmp/fr}
G=${G:-$(cd "$(dirname "$0")/.." && pwd)/bin/guard.js}
export GIT_CONFIG_GLOBAL=/dev/null HOME=$FR_ROOT/home-$1; unset NODE_EXTRA_CA_CERTS
mkdir -p $HOME
cd $FR_ROOT/$1
git config user.email dev@example.com; git config user.name dev
git switch -q -c fr-work 2>/dev/null || git switch -q fr-work
mk() { for f in "$@"; do mkdir -p "$(dirname "$f")"; echo x > "$f"; done; }
case $1 in
commerce) echo '// wip' >> app/page.tsx; mk notes.txt node_modules/next/index.js node_modules/.cache/x .next/cache/a .next/server/a.js out/index.html tsconfig.tsbuildinfo next-env.d.ts; printf 'SHOPIFY_STOREFRONT_ACCESS_TOKEN=secret\n' > .env.local; chmod 600 .env.local;;
documenso) echo '// wip' >> apps/remix/app/root.tsx; mk notes.txt node_modules/turbo/index.js apps/remix/node_modules/x apps/remix/.react-router/types/a.ts apps/remix/build/server/main.js .turbo/cookie packages/prisma/generated/types.ts packages/lib/.turbo/a logs.json; printf 'NEXTAUTH_SECRET=secret\n' > .env; printf 'X=1\n' > .env.local; chmod 600 .env .env.local;;
maybe) echo '# wip' >> app/models/account.rb; mk notes.txt log/development.log log/test.log tmp/cache/bootsnap/a tmp/pids/server.pid storage/ab/cd/abcdef app/assets/builds/tailwind.css vendor/bundle/ruby/3.4.0/gems/x node_modules/@biomejs/x .bundle/config public/assets/app.css; printf 'SECRET_KEY_BASE=secret\n' > .env.local; printf 'k\n' > config/master.key; chmod 600 .env.local config/master.key;;
bakerydemo) echo '# wip' >> bakerydemo/base/models.py; mk notes.txt .venv/bin/python node_modules/x/index.js bakerydemo/collect_static/a.css bakerydemo/base/__pycache__/models.cpython-312.pyc bakerydemo/cache/a; printf 'SQLite format 3\0' > bakerydemodb; cp .env.example .env; chmod 600 .env; mk bakerydemo/settings/local.py;;
cli) echo '// wip' >> pkg/cmd/pr/create/create.go; mk notes.txt bin/gh script/build dist/gh_linux.tar.gz share/man/man1/gh.1 share/zsh/site-functions/_gh vendor/modules.txt; printf 'export GH_TOKEN=secret\n' > .envrc; chmod 600 .envrc;;
helix) echo '// wip' >> helix-term/src/main.rs; mk notes.txt target/debug/hx target/release/hx target/debug/.fingerprint/a runtime/grammars/sources/rust/grammar.js runtime/grammars/rust.so .direnv/a; ln -sf /nix/store/abc-helix result;;
pip) echo '# wip' >> src/pip/_internal/main.py; mk notes.txt .nox/test-3-12/bin/python .nox/lint/bin/python build/lib/pip/__init__.py dist/pip-25.0.tar.gz src/pip.egg-info/PKG-INFO .mypy_cache/a htmlcov/index.html .coverage tests/data/common_wheels/setuptools-80.whl docs/build/html/index.html .venv/bin/python .pytest_cache/a;;
ripgrep) echo '// wip' >> crates/core/main.rs; mk notes.txt target/debug/rg target/release/rg target/debug/.fingerprint/a target/debug/incremental/a fuzz/target/x fuzz/corpus/fuzz_glob/a fuzz/artifacts/fuzz_glob/crash-1 tags cargo-timing.html;;
koel) echo '// wip' >> app/Models/Song.php; mk notes.txt vendor/autoload.php node_modules/x/index.js public/build/manifest.json storage/logs/laravel.log storage/framework/cache/data/ab/x storage/framework/views/a.php storage/framework/sessions/s1 .phpunit.result.cache; printf 'SQLite format 3\0' > database/koel.sqlite; sed 's/^DB_CONNECTION=mysql/DB_CONNECTION=sqlite-persistent/; s/^APP_KEY=$/APP_KEY=base64:secret/' .env.example > .env; chmod 600 .env;;
fastapi) echo '# wip' >> backend/app/models.py; mk notes.txt backend/.venv/bin/python backend/htmlcov/index.html backend/.coverage backend/app/__pycache__/main.cpython-312.pyc backend/.mypy_cache/a backend/.pytest_cache/a node_modules/x/index.js frontend/node_modules/x/index.js frontend/dist/index.html frontend/openapi.json frontend/test-results/a frontend/playwright/.auth/user.json; printf '# Created by pytest automatically.\n*\n' > backend/.pytest_cache/.gitignore;;
t3turbo) echo '// wip' >> apps/nextjs/src/app/page.tsx; mk notes.txt node_modules/turbo/index.js apps/nextjs/node_modules/x apps/nextjs/.next/cache/a apps/nextjs/next-env.d.ts packages/api/dist/index.js packages/db/dist/index.js .turbo/cookies/a packages/api/.turbo/turbo-build.log .cache/.eslintcache apps/expo/.expo/settings.json apps/expo/ios/Podfile apps/expo/android/app/build.gradle apps/tanstack-start/.output/server/index.mjs; printf 'POSTGRES_URL="postgres://u:p@db.example.com:6543/postgres"\nAUTH_SECRET=secret\n' > .env; chmod 600 .env;;
nowinandroid) echo '// wip' >> app/src/main/kotlin/com/google/samples/apps/nowinandroid/MainActivity.kt; mk notes.txt .gradle/8.14/checksums/a build/reports/a.html app/build/outputs/apk/demo/debug/app-demo-debug.apk core/data/build/tmp/a build-logic/convention/build/libs/a.jar .kotlin/sessions/a .idea/workspace.xml; printf 'sdk.dir=/home/dev/Android/Sdk\n' > local.properties;;
memos) echo '// wip' >> server/server.go; mk notes.txt build/memos build/.gocache/a web/node_modules/x/index.js web/dist/index.html coverage.out; printf 'SQLite format 3\0' > memos_prod.db; printf 'wal' > memos_prod.db-wal; mkdir -p assets && echo img > assets/a.png;;
hexpm) echo '# wip' >> lib/hexpm/accounts/user.ex; mk notes.txt _build/dev/lib/hexpm/ebin/a.beam _build/test/lib/x deps/phoenix/mix.exs assets/node_modules/x/index.js priv/static/assets/app.js priv/static/cache_manifest.json priv/geoip/country.mmdb tmp/a logs/a .elixir_ls/a erl_crash.dump; mkdir -p .local; printf 'export HEXPM_SECRET=secret\n' > .local/envrc; chmod 600 .local/envrc;;
esac
node "$G" init --yes --agents claude >/dev/null 2>&1 || node "$G" init --yes --agents claude
git status --short | head -5
