/**
 * A Laravel project's own artisan command in a file (and a directory) whose name is not UTF-8:
 * app/Console/Commands is listed with its subdirectories (state view filesBelow,
 * util/nearest-file.ts listFilesBelow) as escaped text, and the file is read back by those bytes,
 * so `php artisan app:wipe` is judged from its source (it runs migrate:fresh on a server
 * database: deny) as it is from a plainly named file. Through the real CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { checkVerdict } from '../../helpers/verdicts.js';

const command = (name: string, cls: string, body: string): string =>
  `<?php\nnamespace App\\Console\\Commands;\nuse Illuminate\\Console\\Command;\nclass ${cls} extends Command {\n  protected $signature = '${name}';\n  public function handle() { ${body} }\n}\n`;

describe('artisan commands in files whose names are not UTF-8', () => {
  it('are read and judged by their source', () =>
    withTestRepo((t) => {
      t.write('artisan', '#!/usr/bin/env php\n<?php\n', 0o755);
      t.write('composer.json', '{"autoload":{"psr-4":{"App\\\\":"app/"}}}\n');
      t.write('.gitignore', '.env\n');
      const dir = Buffer.concat([Buffer.from(path.join(t.dir, 'app/Console/Commands/Sub')), Buffer.from([0xfe])]);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(Buffer.concat([dir, Buffer.from('/Wipe'), Buffer.from([0xff]), Buffer.from('.php')]), command('app:wipe', 'Wipe', "$this->call('migrate:fresh');"));
      t.write('app/Console/Commands/Safe.php', command('app:safe', 'Safe', 'echo "hi";'));
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'commands']);
      t.write('.env', 'DB_CONNECTION=pgsql\nDB_HOST=db.example.com\n');
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);

      const wipe = checkVerdict(t, 'php artisan app:wipe', { asAgent: true });
      expect(wipe.verdict).toBe('deny');
      expect(wipe.reason).toContain("call('migrate:fresh')");
      // Shown as a name one can type back ($'...\xff...'), not as the escaped text guard keeps it in.
      expect(wipe.reason).toContain("$'app/Console/Commands/Sub\\xfe/Wipe\\xff.php'");
      expect(checkVerdict(t, 'php artisan app:safe', { asAgent: true }).verdict).toBe('allow');
    }));
});
