#!/bin/bash
# The fixture of docs/FRICTION.md "Real projects through the agent hook" (2026-12-07): setup.sh PROJECT
# in a clone at /tmp/fr/PROJECT of the mirror; guard from this checkout (G=path/to/bin/guard.js for another).
# setup.sh PROJECT : feature branch, one modified tracked file, one untracked file, ignored output, guard init
set -e
G=${G:-$(cd "$(dirname "$0")/.." && pwd)/bin/guard.js}
export GIT_CONFIG_GLOBAL=/dev/null HOME=/tmp/fr/home-$1; unset NODE_EXTRA_CA_CERTS
mkdir -p $HOME
cd /tmp/fr/$1
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
esac
node "$G" init --yes --agents claude >/dev/null 2>&1 || node "$G" init --yes --agents claude
git status --short | head -5
