/**
 * An Android device or emulator (src/policy/command/android.ts): an app's data there (its
 * databases, preferences, files) is outside the repository and every snapshot, as a development
 * database is. Until 2026-12-07 every line here was "allow: no destructive command found"
 * (realproj6, on android/sunflower's workflow). No device is needed: guard reads the words.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

describe('Android devices and emulators', () => {
  it("refuses what deletes an app's data on the device; installs, logs, the device's /data/local/tmp stay free", async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'settings.gradle.kts': 'rootProject.name = "app"\n', 'app/build.gradle.kts': 'plugins { id("com.android.application") }\n', '.gitignore': '/build\n/local.properties\n' });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      await expectEvaluatedTable(t, [
        ['adb uninstall com.google.samples.apps.sunflower', 'deny', 'device-app-data-delete', ['com.google.samples.apps.sunflower', 'its data']],
        ['adb -s emulator-5554 uninstall com.example.app', 'deny', 'device-app-data-delete', ['emulator-5554']],
        ['adb shell pm clear com.example.app', 'deny', 'device-app-data-delete', ['pm clear', 'com.example.app']],
        ['adb -s emulator-5554 shell "pm clear com.example.app && am start -n com.example.app/.MainActivity"', 'deny', 'device-app-data-delete', ['pm clear']],
        ['adb shell pm uninstall com.example.app', 'deny', 'device-app-data-delete'],
        ['adb shell cmd package clear com.example.app', 'deny', 'device-app-data-delete'],
        ['emulator -avd Pixel_6_API_34 -wipe-data', 'deny', 'device-app-data-delete', ['Pixel_6_API_34']],
        ['avdmanager delete avd -n Pixel_6_API_34', 'deny', 'device-app-data-delete', ['Pixel_6_API_34']],
        // files on the device: as ssh's remote command (remote-shell.ts), `run-as` in the app's data directory
        ['adb shell rm -rf /sdcard/Pictures/Sunflower', 'deny', 'remote-host-delete', ['/sdcard/Pictures/Sunflower', 'Android device']],
        ['adb shell run-as com.example.app rm databases/app.db', 'deny', 'remote-host-delete', ['/data/data/com.example.app/databases/app.db']],
        ['adb shell "$CMD"', 'deny', 'remote-host-delete'],
        // free: what keeps the data, reads, the device's scratch directory
        ['adb install -r app/build/outputs/apk/debug/app-debug.apk', 'allow', 'no-risk'],
        ['adb uninstall -k com.example.app', 'allow', 'no-risk'],
        ['adb shell pm uninstall -k com.example.app', 'allow', 'no-risk'],
        ['adb shell pm list packages', 'allow', 'no-risk'],
        ['adb shell am start -n com.example.app/.MainActivity', 'allow', 'no-risk'],
        ['adb logcat -d | grep app', 'allow', 'no-risk'],
        ['adb push build/x.json /data/local/tmp/x.json && adb shell rm -f /data/local/tmp/x.json', 'allow', 'no-risk'],
        ['adb shell run-as com.example.app ls databases', 'allow', 'no-risk'],
        ['adb shell', 'allow', 'no-risk'],
        ['emulator -avd Pixel_6_API_34 -no-snapshot', 'allow', 'no-risk'],
        ['avdmanager list avd', 'allow', 'no-risk'],
      ]);
      // Through the installed Claude hook, with the way forward that keeps the data.
      const hook = installedClaudeHook(t, 'adb shell pm clear com.google.samples.apps.sunflower');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('adb install -r');
      expect(installedClaudeHook(t, 'adb install -r app/build/outputs/apk/debug/app-debug.apk').decision).toBe('allow');
      // A person is asked.
      expect(t.guard(['check-command', '--json', 'adb uninstall com.example.app']).stdout).toContain('"ask"');
    });
  });
});
