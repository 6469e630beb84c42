/**
 * Commands run on another machine (src/policy/command/remote-shell.ts): `ssh HOST CMD`, `heroku
 * run CMD`, `fly ssh console -C CMD` and `rsync --delete` into `HOST:PATH` were "allow: no
 * destructive command found" until 2026-12-06 (late), while the same deletion in a pod is
 * refused. Judged by check-command's evaluation in this process as the agent hook judges
 * (test/helpers/evaluated.ts); the first row and a person's verdict through `guard check-command`.
 * No remote machine is needed: guard reads the words, the scripts fed on stdin and the project's
 * configuration (a Rails app whose production database is DATABASE_URL's, as on Heroku).
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';

const FILES: Record<string, string> = {
  'config/database.yml': 'default: &default\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\nproduction:\n  <<: *default\ndevelopment:\n  adapter: sqlite3\n  database: db/development.sqlite3\n',
  'Gemfile': "source 'https://rubygems.org'\ngem 'rails'\n",
  'bin/rails': '#!/usr/bin/env ruby\n',
  'ops/wipe.sh': 'set -e\nrm -rf /srv/app/shared/uploads\n',
  'ops/status.sh': 'uptime\ndf -h /srv\n',
  'dist/index.html': '<html></html>\n',
};

const ROWS: EvaluatedRow[] = [
  // ssh: the remote command as the remote shell parses it
  ['ssh prod "rm -rf /var/www/app"', 'deny', 'remote-host-delete', ['/var/www/app', 'on the host prod']],
  ['ssh deploy@prod.example.com sudo rm -rf /srv/data', 'deny', 'remote-host-delete', ['/srv/data']],
  ['ssh -p 2222 -i ~/.ssh/deploy prod "cd /srv/app && rm -rf uploads"', 'deny', 'remote-host-delete', ['/srv/app/uploads']],
  ['ssh "$HOST" "rm -rf ~/app/storage"', 'deny', 'remote-host-delete', ['~/app/storage']],
  ['ssh prod "echo DEBUG=1 > /etc/app/env"', 'deny', 'remote-host-delete', ['/etc/app/env']],
  ['ssh prod "find /var/log/app -name \'*.log\' -delete"', 'deny', 'remote-host-delete'],
  ['ssh prod sh < ops/wipe.sh', 'deny', 'remote-host-delete', ['/srv/app/shared/uploads']],
  ['ssh prod "psql -c \'DROP TABLE users\'"', 'deny', 'remote-data-delete', ['DROP TABLE']],
  ['ssh prod rm -rf /tmp/build-cache', 'allow', 'no-risk'],
  ['ssh prod "echo done >> ~/deploy.log"', 'allow', 'no-risk'],
  ['ssh prod "tail -n 100 /var/log/app.log"', 'allow', 'no-risk'],
  ['ssh prod sh < ops/status.sh', 'allow', 'no-risk'],
  ['ssh -N -L 5432:localhost:5432 prod', 'allow', 'no-risk'],
  ['ssh prod', 'allow', 'no-risk'],
  // rsync into another machine: --delete deletes there; a dry run, a copy, a pull stay free
  ['rsync -av --delete dist/ deploy@prod:/var/www/app/', 'deny', 'remote-host-delete', ['deploy@prod:/var/www/app/']],
  ['rsync -a --delete-after dist/ rsync://mirror.example.com/site/', 'deny', 'remote-host-delete'],
  ['rsync -avn --delete dist/ deploy@prod:/var/www/app/', 'allow', 'no-risk'],
  ['rsync -av dist/ deploy@prod:/var/www/app/', 'allow', 'no-risk'],
  ['scp -r dist deploy@prod:/var/www/', 'allow', 'no-risk'],
  // heroku run: a dyno's files go with it; the app's database is DATABASE_URL's, a server
  ['heroku run rake db:reset -a myapp', 'deny', 'remote-data-delete', ['db:reset']],
  ['heroku run "rails db:schema:load" -a myapp', 'deny', 'remote-data-delete', ['db:schema:load']],
  ['heroku run -a myapp -- rails db:migrate', 'allow', 'no-risk'],
  ['heroku run rm -rf tmp -a myapp', 'allow', 'no-risk'],
  ['heroku run bash -a myapp', 'allow', 'no-risk'],
  // gcloud compute ssh --command, ansible's ad-hoc modules
  ['gcloud compute ssh web-1 --zone europe-west1-b --command "sudo rm -rf /var/lib/app"', 'deny', 'remote-host-delete', ['/var/lib/app', 'the VM web-1']],
  ['gcloud compute ssh web-1 --zone europe-west1-b -- sudo rm -rf /srv/data', 'deny', 'remote-host-delete', ['/srv/data']],
  ['gcloud compute ssh web-1 --command "df -h"', 'allow', 'no-risk'],
  ["ansible web -m shell -a 'rm -rf /srv/app/releases/*'", 'deny', 'remote-host-delete', ['the hosts web']],
  ["ansible all -i inventory.ini -m ansible.builtin.file -a 'path=/srv/data state=absent' --become", 'deny', 'remote-host-delete', ['/srv/data']],
  ["ansible all -a 'rm -rf /opt/cache'", 'deny', 'remote-host-delete'],
  ["ansible all -m shell -a 'rm -rf /srv/data' --check", 'allow', 'no-risk'],
  ["ansible all -m ping", 'allow', 'no-risk'],
  ["ansible web -m shell -a 'uptime'", 'allow', 'no-risk'],
  // fly ssh console -C: a Machine's volumes keep their files
  ['fly ssh console -C "rm -rf /data/uploads" -a myapp', 'deny', 'remote-host-delete', ['/data/uploads', 'a Machine of myapp']],
  ['flyctl ssh console --command "ls -la /data"', 'allow', 'no-risk'],
];

describe('remote shells: what a command deletes on another machine', () => {
  it('refuses deletions on a host, a Machine or a dyno\'s database for an agent; reads, the host\'s /tmp and copies stay free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, ROWS[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, ROWS[0]![0], { asAgent: true }));
      await expectEvaluatedTable(t, ROWS);
      // a person is asked, with the way to save the files first
      const person = checkVerdict(t, 'rsync -av --delete dist/ deploy@prod:/var/www/app/');
      expect(person).toMatchObject({ verdict: 'ask', rule: 'remote-host-delete' });
      expect(person.instead).toContain('scp -r deploy@prod:PATH ./backup');
    });
  });
});
