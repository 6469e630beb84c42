/**
 * `cargo clean`, `flutter clean`, `swift package clean|reset` and `go clean` (build-tools.ts),
 * judged as `rm -rf` of what each tool deletes. Before 2026-12-08 they were "no destructive
 * command found" whatever target/, build/, .build or a package directory held, and the sh fast
 * path answered them without Node: a tracked file there with uncommitted changes, or an untracked
 * file nothing ignores, was gone with no snapshot (checked on ripgrep, flutter-wonderous-app,
 * swift-composable-architecture and simplebank).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, commitForced, writeFiles } from '../../helpers/repo-steps.js';
import { allowedCheckGitArgv, rollbackOk } from '../../helpers/guard-steps.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';

function build(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': ['target/', '/tools/cfg/out/', '.build/', ''].join('\n'),
    // a cargo workspace and one member; a crate whose .cargo/config.toml moves its target directory
    'Cargo.toml': '[workspace]\nmembers = ["crates/a"]\n',
    'crates/a/Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\n',
    'crates/a/src/lib.rs': 'pub fn a() {}\n',
    'tools/cfg/Cargo.toml': '[package]\nname = "cfg"\nversion = "0.1.0"\n[workspace]\n',
    'tools/cfg/.cargo/config.toml': '# where the builds go\n[build]\ntarget-dir = "out"  # kept apart\n',
    'tools/cfg/src/main.rs': 'fn main() {}\n',
    // a Flutter app, ignoring what `flutter create` ignores
    'app/pubspec.yaml': 'name: app\n',
    'app/.gitignore': ['.dart_tool/', '/build/', '.flutter-plugins-dependencies', 'macos/Flutter/ephemeral', ''].join('\n'),
    'app/ios/.gitignore': ['Flutter/Generated.xcconfig', 'Flutter/ephemeral/', 'Flutter/flutter_export_environment.sh', ''].join('\n'),
    'app/lib/main.dart': 'void main() {}\n',
    'app/ios/Flutter/AppFrameworkInfo.plist': '<plist/>\n',
    // a Swift package
    'swiftpkg/Package.swift': '// swift-tools-version:5.9\n',
    'swiftpkg/Sources/P/P.swift': 'let p = 1\n',
    // a Go module with a prebuilt archive a cgo package links
    'gomod/go.mod': 'module example.com/shop/v2\n\ngo 1.22\n',
    'gomod/main.go': 'package main\nfunc main() {}\n',
    'gomod/.gitignore': '/v2\n',
    'gomod/cmd/server/main.go': 'package main\nfunc main() {}\n',
    'gomod/lib/native.go': 'package lib\n',
    'gomod/lib/libnative.a': 'archive\n',
    // a .NET solution, ignoring what Visual Studio's .gitignore ignores
    'dotnet/.gitignore': '[Bb]in/\n[Oo]bj/\n',
    'dotnet/App.sln': 'Microsoft Visual Studio Solution File\n',
    'dotnet/src/App/App.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
    'dotnet/src/Core/Core.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
  });
  // the builds' ignored output
  writeFiles(t, {
    'target/debug/a.rlib': 'rlib\n',
    'tools/cfg/out/debug/cfg': 'bin\n',
    'app/build/app/outputs/app.apk': 'apk\n',
    'app/.dart_tool/package_config.json': '{}\n',
    'app/ios/Flutter/Generated.xcconfig': 'FLUTTER_ROOT=/x\n',
    'app/ios/Flutter/flutter_export_environment.sh': 'export FLUTTER_ROOT=/x\n',
    'app/ios/Flutter/ephemeral/flutter_lldbinit': 'x\n',
    'app/macos/Flutter/ephemeral/Flutter-Generated.xcconfig': 'x\n',
    'app/.flutter-plugins-dependencies': '{}\n',
    'swiftpkg/.build/debug/P.build/P.o': 'o\n',
    'gomod/v2': 'bin\n',
    'dotnet/src/App/bin/Debug/net8.0/App.dll': 'dll\n',
    'dotnet/src/App/obj/project.assets.json': '{}\n',
    'dotnet/src/Core/obj/Debug/net8.0/Core.csproj.FileListAbsolute.txt': 'x\n',
  });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

describe('cargo clean: the target directory, as rm -rf judges it', () => {
  it('free over ignored output with the git processes of rm -rf target; a snapshot where a changed tracked file would go, given back by rollback', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        ['cargo clean', 'allow', 'no-risk'],
        ['cd crates/a && cargo clean -p a', 'allow', 'no-risk'],
        ['cargo build --release', 'allow', 'no-risk'],
        ['cd tools/cfg && cargo clean', 'allow', 'no-risk'],
      ]);
      expect(allowedCheckGitArgv(t, 'cargo clean')).toEqual(allowedCheckGitArgv(t, 'rm -rf target'));
      commitForced(t, { 'target/keep.txt': 'kept\n' }, 'a file in target');
      t.write('target/keep.txt', 'changed\n');
      await expectEvaluatedTable(t, [
        ['cargo clean', 'snapshot', 'rm-in-repo', ['target']],
        ['cargo +nightly clean --release', 'snapshot', 'rm-in-repo', ['target']],
        ['cd crates/a && cargo clean', 'snapshot', 'rm-in-repo', ['target']],
        ['cargo clean --manifest-path crates/a/Cargo.toml', 'snapshot', 'rm-in-repo', ['target']],
        // its own target directory elsewhere, or nothing deleted
        ['cd tools/cfg && cargo clean', 'allow', 'no-risk'],
        ['cargo clean --target-dir /tmp/ct', 'allow', 'no-risk'],
        ['cargo clean -n', 'allow', 'no-risk'],
        ['cargo clean --dry-run', 'allow', 'no-risk'],
      ]);
      const hook = hookWithVerdict(t, 'cargo clean');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      fs.rmSync(path.join(t.dir, 'target'), { recursive: true });
      rollbackOk(t);
      expect(t.read('target/keep.txt')).toBe('changed\n');
    });
  });

  it('reads --target-dir, CARGO_TARGET_DIR, --config and .cargo/config.toml build.target-dir', async () => {
    await template.withCopy(async (t) => {
      commitForced(t, { 'tools/cfg/out/notes.txt': 'notes\n' }, 'a file in out');
      t.write('tools/cfg/out/notes.txt', 'changed\n');
      await expectEvaluatedTable(t, [
        ['cd tools/cfg && cargo clean', 'snapshot', 'rm-in-repo', ['tools/cfg/out']],
        ['cd tools/cfg/src && cargo clean', 'snapshot', 'rm-in-repo', ['tools/cfg/out']],
        ['cargo clean --target-dir tools/cfg/out', 'snapshot', 'rm-in-repo', ['tools/cfg/out']],
        ['CARGO_TARGET_DIR=tools/cfg/out cargo clean', 'snapshot', 'rm-in-repo', ['tools/cfg/out']],
        ['cargo clean --config \'build.target-dir="tools/cfg/out"\'', 'snapshot', 'rm-in-repo', ['tools/cfg/out']],
        // a --config value that is no TOML string (the shell took the quotes): asked, not guessed
        ['cargo clean --config build.target-dir="tools/cfg/out"', 'ask', 'rm-unknown-target'],
        ['cargo clean', 'allow', 'no-risk'],
        ['cd tools/cfg && CARGO_TARGET_DIR=/tmp/ct cargo clean', 'allow', 'no-risk'],
      ]);
      expect(checkVerdict(t, 'cd tools/cfg && cargo clean', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });
});

describe('flutter clean: build/, .dart_tool/ and the generated platform files', () => {
  it("free over flutter's ignored output (Generated.xcconfig and ephemeral/ included); a snapshot where a tracked or unignored file would go", async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        ['cd app && flutter clean', 'allow', 'no-risk'],
        ['cd app/lib && flutter clean && flutter pub get', 'allow', 'no-risk'],
        ['cd app && flutter --suppress-analytics clean', 'allow', 'no-risk'],
        ['cd app && flutter run -d macos', 'allow', 'no-risk'],
        // the same file deleted by hand is not flutter's doing: captured, as before
        ['rm -f app/ios/Flutter/Generated.xcconfig', 'snapshot', 'rm-in-repo'],
      ]);
      t.write('app/ios/Flutter/ephemeral/notes.md', 'mine\n');
      commitForced(t, { 'app/ios/Flutter/ephemeral/notes.md': 'mine\n' }, 'notes');
      t.write('app/ios/Flutter/ephemeral/notes.md', 'changed\n');
      t.write('app/build/untracked-but-ignored.txt', 'x\n');
      await expectEvaluatedTable(t, [
        ['cd app && flutter clean', 'snapshot', 'rm-in-repo', ['app/ios/Flutter/ephemeral']],
        ['cd app/lib && flutter clean', 'snapshot', 'rm-in-repo', ['app/ios/Flutter/ephemeral']],
        ['flutter clean', 'allow', 'no-risk'], // no pubspec.yaml here or above: flutter stops
      ]);
      const hook = hookWithVerdict(t, 'cd app && flutter clean');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      fs.rmSync(path.join(t.dir, 'app/ios/Flutter/ephemeral'), { recursive: true });
      rollbackOk(t);
      expect(t.read('app/ios/Flutter/ephemeral/notes.md')).toBe('changed\n');
    });
  });
});

describe('swift package clean|reset: the scratch directory .build', () => {
  it('free over ignored output; a snapshot where an unignored file would go', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        ['cd swiftpkg && swift package clean', 'allow', 'no-risk'],
        ['cd swiftpkg/Sources && swift package reset', 'allow', 'no-risk'],
        ['cd swiftpkg && swift build', 'allow', 'no-risk'],
        ['swift package purge-cache', 'allow', 'no-risk'],
      ]);
      t.write('swiftpkg/.gitignore', '!.build/\n');
      commitFiles(t, {}, 'nothing');
      await expectEvaluatedTable(t, [
        ['cd swiftpkg && swift package clean', 'snapshot', 'rm-in-repo', ['swiftpkg/.build']],
        ['swift package --package-path swiftpkg reset', 'snapshot', 'rm-in-repo', ['swiftpkg/.build']],
        ['swift package --scratch-path swiftpkg/.build clean', 'snapshot', 'rm-in-repo', ['swiftpkg/.build']],
        ['cd swiftpkg && swift package --scratch-path /tmp/sb reset', 'allow', 'no-risk'],
      ]);
    });
  });
});

describe("go clean: a package directory's object files and executables; the caches free", () => {
  it('a tracked archive in a package directory takes a snapshot; the ignored executable and the caches are free', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        ['go clean -cache', 'allow', 'no-risk'],
        ['go clean -testcache -fuzzcache', 'allow', 'no-risk'],
        ['go clean -modcache', 'allow', 'no-risk'],
        ['cd gomod && go clean', 'allow', 'no-risk'], // v2 and shop: ignored, go build's own names
        ['cd gomod && go test ./...', 'allow', 'no-risk'],
        ['cd gomod && go clean -n ./...', 'allow', 'no-risk'],
        ['cd gomod && go clean ./...', 'snapshot', 'rm-in-repo', ['*.a']],
        ['cd gomod/lib && go clean', 'snapshot', 'rm-in-repo', ['*.a']],
        ['cd gomod && go clean ./lib', 'snapshot', 'rm-in-repo', ['*.a']],
        ['cd gomod && go clean -r', 'snapshot', 'rm-in-repo', ['*.a']],
        ['cd gomod/cmd && go clean ./...', 'allow', 'no-risk'],
      ]);
      // an executable nothing ignores: untracked, so a snapshot holds it (`shop`: go build's name for
      // example.com/shop/v2, the element before the major version)
      t.write('gomod/cmd/server/server', 'bin\n');
      t.write('gomod/shop', 'bin\n');
      await expectEvaluatedTable(t, [
        ['cd gomod && go clean', 'snapshot', 'rm-in-repo', ['shop']],
        ['cd gomod/cmd/server && go clean', 'snapshot', 'rm-in-repo', ['server']],
        ['cd gomod/cmd/server && go build', 'allow', 'no-risk'],
      ]);
    });
  });
});

describe('dotnet clean: bin/ and obj/ of the projects', () => {
  it('free over ignored output; a snapshot where a tracked file with changes in obj/ would go', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        ['cd dotnet && dotnet clean', 'allow', 'no-risk'],
        ['cd dotnet/src/App && dotnet clean -c Release', 'allow', 'no-risk'],
        ['cd dotnet && dotnet build', 'allow', 'no-risk'],
      ]);
      commitForced(t, { 'dotnet/src/Core/obj/keep.props': '<Project/>\n' }, 'a file in obj');
      t.write('dotnet/src/Core/obj/keep.props', '<Project>changed</Project>\n');
      await expectEvaluatedTable(t, [
        // a referenced project anywhere in the repository: every obj/ of it judged
        ['cd dotnet/src/App && dotnet clean', 'snapshot', 'rm-in-repo', ['obj']],
        ['cd dotnet && dotnet clean App.sln', 'snapshot', 'rm-in-repo', ['obj']],
        ['cd dotnet && dotnet clean -o /tmp/dn', 'snapshot', 'rm-in-repo', ['obj']],
        ['cd dotnet && dotnet test', 'allow', 'no-risk'],
      ]);
      expect(checkVerdict(t, 'cd dotnet && dotnet clean', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });
});

describe('the fast path sends the cleans to Node, and only them', () => {
  it('clean and reset beside cargo, flutter, swift, go', () => {
    for (const line of ['cargo clean', 'flutter clean', 'swift package clean', 'swift package reset', 'go clean', 'go clean -r ./...', 'dotnet clean']) expect(fastPathAllows(line), line).toBe(false);
    for (const line of ['cargo build', 'cargo test --workspace', 'flutter run', 'flutter pub get', 'swift build', 'go test ./...', 'go build -o bin/x ./cmd/x']) expect(fastPathAllows(line), line).toBe(true);
  });
});
