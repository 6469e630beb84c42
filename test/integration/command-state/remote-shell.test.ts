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
  // playbooks (ansible-playbook.ts): a role, an import, Jinja, local tasks, a database, a parse error
  'deploy/site.yml': '- hosts: web\n  become: true\n  roles:\n    - web\n  tasks:\n    - name: config\n      template: src=app.conf.j2 dest=/etc/app.conf\n    - import_tasks: tasks/cleanup.yml\n',
  'deploy/roles/web/tasks/main.yml': '- name: restart\n  service: name=nginx state=restarted\n- name: old releases\n  ansible.builtin.file:\n    path: /srv/app/releases\n    state: absent\n',
  'deploy/tasks/cleanup.yml': '- shell: rm -rf /tmp/build\n',
  'deploy/include.yml': '- hosts: web\n  tasks:\n    - ansible.builtin.include_tasks:\n        file: tasks/purge.yml\n',
  'deploy/tasks/purge.yml': '- command:\n    argv: [rm, -rf, /srv/app/cache]\n',
  'deploy/imports.yml': '- import_playbook: wipe.yml\n',
  'deploy/wipe.yml': '- hosts: web\n  tasks:\n    - block:\n        - ansible.builtin.shell:\n            cmd: rm -rf uploads\n            chdir: /srv/app\n',
  'deploy/safe.yml': '- hosts: web\n  tasks:\n    - copy: src=dist/ dest=/var/www/app/\n    - template: src=nginx.conf.j2 dest=/etc/nginx/nginx.conf\n    - service: name=nginx state=restarted\n    - command: uptime\n    - shell: "systemctl restart {{ service_name }}"\n    - shell: rm -rf /tmp/cache chdir=/srv\n    - file: path=/srv/app/shared state=directory\n',
  'deploy/jinja.yml': '- hosts: web\n  tasks:\n    - file: path="{{ app_dir }}/releases" state=absent\n',
  'deploy/include-var.yml': '- hosts: web\n  tasks:\n    - include_tasks: "setup-{{ ansible_os_family }}.yml"\n',
  'deploy/db.yml': '- hosts: db\n  tasks:\n    - community.postgresql.postgresql_query:\n        db: app\n        query: TRUNCATE users\n',
  'deploy/dropdb.yml': '- hosts: db\n  tasks:\n    - mysql_db: name=app state=absent\n',
  'deploy/sync.yml': '- hosts: web\n  tasks:\n    - ansible.posix.synchronize:\n        src: dist/\n        dest: /var/www/app\n        delete: true\n',
  'deploy/local.yml': '- hosts: localhost\n  connection: local\n  tasks:\n    - shell: rm -rf dist\n',
  'deploy/delegate.yml': '- hosts: web\n  tasks:\n    - command: rm -rf dist\n      delegate_to: localhost\n',
  'deploy/broken.yml': '- hosts: web\n  tasks: [ {\n',
  // geerlingguy/ansible-for-devops's deployments/playbooks/deploy.yml: a Jinja `chdir=` in the free form
  'deploy/chdir-jinja.yml': '- hosts: app\n  tasks:\n    - command: "bundle exec rake db:create chdir={{ app_directory }}"\n    - command: "{{ item }} chdir={{ app_directory }}"\n      with_items:\n        - bundle exec rake db:migrate\n',
  'deploy/chdir-jinja-rm.yml': '- hosts: app\n  tasks:\n    - shell: "rm -rf releases/old chdir={{ app_directory }}"\n',
  'ops/ssm-wipe.json': '{"commands": ["rm -rf /srv/app"], "workingDirectory": ["/srv"]}\n',
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
  // ansible-playbook: every task of the playbook, its roles and imports, judged as `ansible -m` is
  ['ansible-playbook -i inventory.ini deploy/site.yml', 'deny', 'remote-host-delete', ['/srv/app/releases', 'roles/web/tasks/main.yml:3']],
  ['ansible-playbook deploy/include.yml', 'deny', 'remote-host-delete', ['/srv/app/cache', 'deploy/tasks/purge.yml:1']],
  ['ansible-playbook deploy/imports.yml', 'deny', 'remote-host-delete', ['/srv/app/uploads', 'deploy/wipe.yml']],
  ['ansible-playbook deploy/jinja.yml', 'deny', 'remote-host-delete', ['{{ app_dir }}/releases', 'a path guard cannot know']],
  ['ansible-playbook deploy/include-var.yml', 'deny', 'remote-host-delete', ['setup-{{ ansible_os_family }}.yml']],
  ['ansible-playbook deploy/db.yml', 'deny', 'remote-data-delete', ['TRUNCATE']],
  ['ansible-playbook deploy/dropdb.yml', 'deny', 'remote-data-delete', ['DROP DATABASE']],
  ['ansible-playbook deploy/sync.yml', 'deny', 'remote-host-delete', ['/var/www/app']],
  ['ansible-playbook deploy/local.yml', 'snapshot', 'rm-in-repo', ['dist', 'on this machine, deploy/local.yml:4']],
  ['ansible-playbook deploy/delegate.yml', 'snapshot', 'rm-in-repo', ['dist', 'on this machine']],
  ['ansible-playbook deploy/broken.yml', 'deny', 'remote-host-delete', ['YAML guard cannot parse']],
  ['ansible-playbook deploy/chdir-jinja-rm.yml', 'deny', 'remote-host-delete', ['releases/old', 'in a directory guard cannot determine']],
  ['ansible-playbook "$PLAYBOOK"', 'deny', 'remote-host-delete', ['named by a variable']],
  ['ansible-playbook --check deploy/site.yml', 'allow', 'no-risk'],
  ['ansible-playbook -C --diff deploy/wipe.yml', 'allow', 'no-risk'],
  ['ansible-playbook --syntax-check deploy/site.yml', 'allow', 'no-risk'],
  ['ansible-playbook --list-tasks deploy/site.yml', 'allow', 'no-risk'],
  ['ansible-playbook -i inventory.ini deploy/safe.yml', 'allow', 'no-risk'],
  ['ansible-playbook -i inventory.ini deploy/chdir-jinja.yml', 'allow', 'no-risk'],
  ['ansible-playbook deploy/missing.yml', 'allow', 'no-risk'],
  ["ansible web -m file -a 'path={{ app_dir }} state=absent'", 'deny', 'remote-host-delete', ['{{ app_dir }}']],
  // a cloud's agent running shell on its VMs
  ["aws ssm send-command --document-name AWS-RunShellScript --parameters 'commands=[\"rm -rf /srv/app\"]' --instance-ids i-0abc", 'deny', 'remote-host-delete', ['/srv/app', 'instances i-0abc']],
  ['aws ssm send-command --document-name AWS-RunShellScript --parameters \'{"commands":["sudo rm -rf /var/lib/app"]}\' --targets Key=tag:Role,Values=web', 'deny', 'remote-host-delete', ['/var/lib/app']],
  ['aws ssm send-command --document-name AWS-RunShellScript --parameters file://ops/ssm-wipe.json --instance-ids i-0abc', 'deny', 'remote-host-delete', ['/srv/app']],
  ["aws ssm send-command --document-name AWS-RunShellScript --parameters 'commands=[\"uptime\",\"df -h\"]' --instance-ids i-0abc", 'allow', 'no-risk'],
  ['az vm run-command invoke -g rg -n web-1 --command-id RunShellScript --scripts "rm -rf /srv/app"', 'deny', 'remote-host-delete', ['/srv/app', 'the VM web-1']],
  ['az vm run-command invoke -g rg -n web-1 --command-id RunShellScript --scripts @ops/wipe.sh', 'deny', 'remote-host-delete', ['/srv/app/shared/uploads']],
  ['az vm run-command invoke -g rg -n web-1 --command-id RunShellScript --scripts "systemctl status app"', 'allow', 'no-risk'],
  ['az ssh vm -g rg -n web-1 -- sudo rm -rf /srv/data', 'deny', 'remote-host-delete', ['/srv/data']],
  ['az ssh vm -g rg -n web-1', 'allow', 'no-risk'],
  // code guard does not read (PowerShell, a downloaded script): an unseen command; PowerShell that only reads stays free
  ["aws ssm send-command --document-name AWS-RunPowerShellScript --parameters 'commands=[\"Remove-Item -Recurse -Force C:\\\\data\"]' --instance-ids i-0abc", 'deny', 'remote-host-delete', ['AWS-RunPowerShellScript runs PowerShell']],
  ["aws ssm send-command --document-name AWS-RunPowerShellScript --parameters 'commands=[\"Get-ChildItem C:\\\\data | Remove-Item\"]' --instance-ids i-0abc", 'deny', 'remote-host-delete'],
  ['aws ssm send-command --document-name AWS-RunPowerShellScript --parameters \'{"commands":["Get-Process | Where-Object { $_.CPU -gt 100 }"]}\' --instance-ids i-0abc', 'deny', 'remote-host-delete'],
  ['aws ssm send-command --document-name arn:aws:ssm:us-east-1:123456789012:document/AWS-RunPowerShellScript --parameters \'commands=["Clear-Content C:\\app\\log.txt"]\' --instance-ids i-0abc', 'deny', 'remote-host-delete'],
  ['aws ssm send-command --document-name AWS-RunRemoteScript --parameters \'sourceType=S3,sourceInfo={"path":"https://s3.amazonaws.com/ops/wipe.sh"},commandLine=wipe.sh\' --instance-ids i-0abc', 'deny', 'remote-host-delete', ['a script it downloads']],
  ['aws ssm send-command --document-name AWS-RunAnsiblePlaybook --parameters playbookurl=s3://ops/site.yml --instance-ids i-0abc', 'deny', 'remote-host-delete', ['Ansible playbook']],
  ['az vm run-command invoke -g rg -n win-1 --command-id RunPowerShellScript --scripts "Remove-Item -Recurse C:\\inetpub\\wwwroot"', 'deny', 'remote-host-delete', ['RunPowerShellScript runs PowerShell']],
  ['az vm run-command create -g rg --vm-name web-1 --name cleanup --script-uri https://ops.blob.core.windows.net/s/wipe.sh', 'deny', 'remote-host-delete', ['--script-uri']],
  ["aws ssm send-command --document-name AWS-RunPowerShellScript --parameters 'commands=[\"Get-Service | Where-Object Status -eq Running | Format-Table\",\"Get-ChildItem C:\\\\inetpub\\\\logs\"]' --instance-ids i-0abc", 'allow', 'no-risk'],
  ['aws ssm send-command --document-name AWS-RunPatchBaseline --parameters Operation=Scan --instance-ids i-0abc', 'allow', 'no-risk'],
  ['aws ssm send-command --document-name MyOrg-Deploy --instance-ids i-0abc', 'allow', 'no-risk'],
  ['az vm run-command invoke -g rg -n win-1 --command-id RunPowerShellScript --scripts "Get-Service W3SVC" "Test-Path C:\\app"', 'allow', 'no-risk'],
  ['az vm run-command invoke -g rg -n win-1 --command-id IPConfig', 'allow', 'no-risk'],
  ['az vm run-command create -g rg --vm-name web-1 --name status --script "systemctl status app"', 'allow', 'no-risk'],
  // frameworks over ssh: the project there reads its own configuration (UNSEEN_DATABASE_URL)
  ['ssh prod "cd /srv/app && bin/rails db:reset"', 'deny', 'remote-data-delete', ['db:reset', 'on that machine']],
  ["ssh prod 'cd app && php artisan migrate:fresh --force'", 'deny', 'remote-data-delete', ['migrate:fresh']],
  ['ssh prod "cd app && npx prisma migrate reset --force"', 'deny', 'remote-data-delete', ['prisma migrate reset']],
  ['ssh prod "cd app && bin/rails db:migrate"', 'allow', 'no-risk'],
  ["ssh prod 'cd app && php artisan migrate --force'", 'allow', 'no-risk'],
  ['ssh prod "cd app && npx prisma migrate deploy"', 'allow', 'no-risk'],
  // every other framework guard judges here, judged there with the same meaning (server-frameworks.ts unseenProject)
  ['ssh prod "cd /srv/app && python manage.py flush --noinput"', 'deny', 'remote-data-delete', ['manage.py flush', 'on that machine']],
  ['ssh prod "cd /srv/app && ./manage.py reset_db --noinput"', 'deny', 'remote-data-delete', ['reset_db']],
  ['ssh prod "cd /srv/app && python3 manage.py migrate blog zero"', 'deny', 'remote-data-delete', ['migrate blog zero']],
  ['ssh prod "cd /srv/app && php bin/console doctrine:database:drop --force"', 'deny', 'remote-data-delete', ['doctrine:database:drop']],
  ['ssh prod "cd /srv/app && bin/console doctrine:schema:drop --force"', 'deny', 'remote-data-delete', ['doctrine:schema:drop']],
  ['ssh prod "cd /srv/app && php bin/console doctrine:fixtures:load -n"', 'deny', 'remote-data-delete', ['doctrine:fixtures:load']],
  ['ssh prod "cd /srv/app && symfony console doctrine:database:drop --force"', 'deny', 'remote-data-delete', ['symfony console']],
  ['ssh prod "cd /srv/app && mix ecto.drop"', 'deny', 'remote-data-delete', ['mix ecto.drop']],
  ['ssh prod "cd /srv/app && MIX_ENV=prod mix ecto.reset"', 'deny', 'remote-data-delete', ['mix ecto.reset']],
  ['ssh prod "cd /srv/app && MIX_ENV=prod mix ecto.rollback --all"', 'deny', 'remote-data-delete', ['ecto.rollback --all']],
  ['ssh prod "cd /srv/app && flyway clean"', 'deny', 'remote-data-delete', ['flyway clean']],
  ['ssh prod "cd /srv/app && ./mvnw flyway:clean"', 'deny', 'remote-data-delete', ['flyway:clean']],
  ['ssh prod "cd /srv/app && ./gradlew flywayClean"', 'deny', 'remote-data-delete', ['flywayClean']],
  ['ssh prod "cd /srv/app && liquibase dropAll"', 'deny', 'remote-data-delete', ['drop-all']],
  ['ssh prod "cd /srv/app && dotnet ef database drop -f"', 'deny', 'remote-data-delete', ['dotnet ef database drop']],
  ['ssh prod "cd /srv/app && npx knex migrate:rollback --all"', 'deny', 'remote-data-delete', ['knex migrate:rollback']],
  ['ssh prod "cd /srv/app && npx sequelize db:drop"', 'deny', 'remote-data-delete', ['sequelize db:drop']],
  ['ssh prod "cd /srv/app && npx typeorm schema:drop -d dist/data-source.js"', 'deny', 'remote-data-delete', ['schema:drop']],
  ['ssh prod "cd /srv/app && npx drizzle-kit push --force"', 'deny', 'remote-data-delete', ['drizzle-kit push']],
  ['ssh prod "cd /srv/app && alembic downgrade base"', 'deny', 'remote-data-delete', ['alembic downgrade base']],
  ['ssh prod "cd /srv/app && flask db downgrade base"', 'deny', 'remote-data-delete', ['flask db downgrade']],
  ['ssh prod "cd /srv/app && goose reset"', 'deny', 'remote-data-delete', ['goose reset']],
  ['ssh prod \'migrate -path db/migrations -database "$DATABASE_URL" drop -f\'', 'deny', 'remote-data-delete', ['migrate drop']],
  ['ssh prod "cd /srv/app && dbmate drop"', 'deny', 'remote-data-delete', ['dbmate drop']],
  ['ssh prod "cd /srv/app && diesel database reset"', 'deny', 'remote-data-delete', ['diesel database reset']],
  ['ssh prod "cd /srv/app && cargo sqlx database drop -y"', 'deny', 'remote-data-delete', ['sqlx database drop']],
  ['ssh prod \'atlas schema clean -u "$DATABASE_URL" --auto-approve\'', 'deny', 'remote-data-delete', ['atlas schema clean']],
  ['heroku run python manage.py flush --noinput -a myapp', 'deny', 'remote-data-delete', ['Heroku Postgres']],
  ['fly ssh console -C "bin/console doctrine:schema:drop --force" -a myapp', 'deny', 'remote-data-delete', ['doctrine:schema:drop']],
  ['gcloud compute ssh web-1 --command "cd /srv/app && mix ecto.reset"', 'deny', 'remote-data-delete', ['the VM web-1']],
  ["ansible web -m shell -a 'cd /srv/app && python manage.py flush --noinput'", 'deny', 'remote-data-delete', ['the hosts web']],
  ["aws ssm send-command --document-name AWS-RunShellScript --parameters 'commands=[\"cd /srv/app && flyway clean\"]' --instance-ids i-0abc", 'deny', 'remote-data-delete', ['instances i-0abc']],
  ['az vm run-command invoke -g rg -n web-1 --command-id RunShellScript --scripts "cd /srv/app && dotnet ef database drop -f"', 'deny', 'remote-data-delete', ['the VM web-1']],
  // Django's other spellings (django-admin, python -m django, uv/poetry run) reach the same reader (2026-12-07, helper djexec)
  ['ssh prod "cd /srv/app && django-admin flush --noinput"', 'deny', 'remote-data-delete', ['django-admin flush', 'on that machine']],
  ['ssh prod "cd /srv/app && python -m django flush --noinput --settings=app.settings.prod"', 'deny', 'remote-data-delete', ['django-admin flush']],
  ['ssh prod "cd /srv/app && DJANGO_SETTINGS_MODULE=app.settings.prod django-admin migrate blog zero"', 'deny', 'remote-data-delete', ['migrate blog zero']],
  ['ssh prod "cd /srv/app && uv run manage.py flush --noinput"', 'deny', 'remote-data-delete', ['manage.py flush']],
  ['ssh prod "cd /srv/app && poetry run django-admin reset_db --noinput"', 'deny', 'remote-data-delete', ['reset_db']],
  ['heroku run django-admin flush --noinput -a myapp', 'deny', 'remote-data-delete', ['Heroku Postgres']],
  ['heroku run python -m django flush --noinput -a myapp', 'deny', 'remote-data-delete', ['Heroku Postgres']],
  // heroku's own options anywhere on the line, in each spelling, are not the command's (remote-shell.ts herokuInner)
  ['heroku run -x --size=standard-2x -amyapp --type worker python -m django flush --noinput', 'deny', 'remote-data-delete', ['Heroku Postgres']],
  ['heroku run --app myapp -s standard-2x --exit-code python -m django migrate', 'allow', 'no-risk'],
  ['fly ssh console -C "python -m django flush --noinput" -a myapp', 'deny', 'remote-data-delete', ['django-admin flush']],
  ['gcloud compute ssh web-1 --command "cd /srv/app && django-admin flush --noinput"', 'deny', 'remote-data-delete', ['the VM web-1']],
  ["ansible web -m shell -a 'cd /srv/app && pipenv run python -m django flush --noinput'", 'deny', 'remote-data-delete', ['the hosts web']],
  ["aws ssm send-command --document-name AWS-RunShellScript --parameters 'commands=[\"cd /srv/app && django-admin flush --noinput\"]' --instance-ids i-0abc", 'deny', 'remote-data-delete', ['instances i-0abc']],
  ['az vm run-command invoke -g rg -n web-1 --command-id RunShellScript --scripts "cd /srv/app && python3 -m django flush --noinput"', 'deny', 'remote-data-delete', ['the VM web-1']],
  ['ssh prod "cd /srv/app && django-admin migrate"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && python -m django --version"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && django-admin check --deploy"', 'allow', 'no-risk'],
  ['ssh ci "cd /srv/app && django-admin flush --noinput --settings=app.settings.test"', 'allow', 'no-risk'],
  // what only migrates forward (or undoes the last migration), the test environment, a dry run: free there as here
  ['ssh prod "cd /srv/app && python manage.py migrate"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && python manage.py migrate blog"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && python manage.py collectstatic --noinput"', 'allow', 'no-risk'],
  ['heroku run python manage.py migrate -a myapp', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && mix ecto.migrate"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && mix ecto.rollback"', 'allow', 'no-risk'],
  ['ssh ci "cd /srv/app && MIX_ENV=test mix ecto.reset"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && php bin/console doctrine:migrations:migrate -n"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && php bin/console doctrine:fixtures:load --append"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && php bin/console doctrine:schema:drop --dump-sql"', 'allow', 'no-risk'],
  ['ssh ci "cd /srv/app && APP_ENV=test php bin/console doctrine:database:drop --force"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && flyway migrate"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && ./mvnw flyway:migrate"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && ./mvnw -Dflyway.cleanDisabled=true flyway:clean"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && liquibase update"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && dotnet ef database update"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && alembic upgrade head"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && alembic downgrade -1"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && npx knex migrate:latest"', 'allow', 'no-risk'],
  ['ssh ci "cd /srv/app && NODE_ENV=test npx sequelize db:drop"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && npx drizzle-kit push"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && goose up"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && dbmate up"', 'allow', 'no-risk'],
  ['ssh prod "cd /srv/app && sqlx migrate run"', 'allow', 'no-risk'],
  ['ssh prod \'migrate -path db/migrations -database "$DATABASE_URL" up\'', 'allow', 'no-risk'],
  // a remote command guard cannot see (DECISIONS.md "A remote command guard cannot see")
  ['ssh prod "$CMD"', 'deny', 'remote-host-delete', ['computed when the line runs']],
  ['ssh prod $(cat cmd.txt)', 'deny', 'remote-host-delete'],
  ['CHECK=uptime; ssh prod "$CHECK"', 'allow', 'no-risk'],
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
      // a framework's reset on another machine: the dump is made there
      const flush = checkVerdict(t, 'ssh prod "cd /srv/app && python manage.py flush --noinput"');
      expect(flush).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
      expect(flush.instead).toContain('Dump the database on that machine first');
    });
  });
});
