/**
 * Ansible modules that destroy what guard cannot restore (src/policy/command/ansible-modules.ts)
 * and the tasks a run leaves out (ansible-playbook.ts: `--tags`/`--skip-tags`, `never`, literal
 * `when: false`). Until 2026-12-07 `docker_volume state: absent`, `k8s state: absent` of a
 * Namespace, `postgresql_db state: restore` and a `script:` whose file deletes a host's data were
 * "no destructive command found" (docs listed them as not judged), and every task was judged
 * whatever `--tags` selected. The Docker and cluster modules are judged as the docker / kubectl /
 * helm command that does the same (container-volumes.ts, cluster.ts), a script's file as the
 * remote command (remote-shell.ts). Rows in this process (test/helpers/evaluated.ts); the first
 * through `guard check-command`. Friction rows: a deploy playbook's usual tasks, and
 * geerlingguy/ansible-for-devops's kubernetes/examples/k8s-module-cleanup.yml (at 86e1bf8), which
 * deletes a Deployment and a Service, stay free. Later on 2026-12-07: `k8s_drain` (free until
 * then, whatever its delete_options) as `kubectl drain` with their flags, `k8s state: absent`
 * without a name (label_selectors, delete_all), an ad-hoc `-a` in JSON, and `docker_stack state:
 * absent` left free on purpose (`docker stack rm` keeps named volumes).
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';

const play = (tasks: string): string => `- hosts: web\n  tasks:\n${tasks}`;

const FILES: Record<string, string> = {
  // Docker: the modules that delete volumes
  'deploy/volume.yml': play('    - name: old data volume\n      community.docker.docker_volume:\n        name: pgdata\n        state: absent\n'),
  'deploy/container.yml': play('    - docker_container:\n        name: db\n        state: absent\n        keep_volumes: false\n'),
  'deploy/prune.yml': play('    - community.docker.docker_prune:\n        containers: true\n        images: true\n        volumes: true\n'),
  'deploy/compose-down.yml': play('    - community.docker.docker_compose_v2:\n        project_src: /srv/app\n        state: absent\n        remove_volumes: true\n'),
  // Kubernetes: kind, an inline definition, src, a lookup of a file, helm
  'deploy/k8s-ns.yml': '- hosts: localhost\n  tasks:\n    - kubernetes.core.k8s:\n        kind: Namespace\n        name: staging\n        state: absent\n',
  'deploy/k8s-def.yml': play('    - k8s:\n        state: absent\n        definition:\n          apiVersion: v1\n          kind: PersistentVolumeClaim\n          metadata:\n            name: data\n            namespace: prod\n'),
  'deploy/k8s-src.yml': '- hosts: localhost\n  tasks:\n    - kubernetes.core.k8s:\n        state: absent\n        src: pvc.yml\n',
  'deploy/files/pvc.yml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n',
  'deploy/k8s-lookup.yml': '- hosts: k8s-master\n  tasks:\n    - k8s:\n        state: absent\n        definition: "{{ lookup(\'file\', \'files/pvc.yml\') | from_yaml }}"\n',
  'deploy/k8s-jinja.yml': '- hosts: k8s-master\n  tasks:\n    - k8s:\n        state: absent\n        definition: "{{ lookup(\'template\', \'app.yml.j2\') | from_yaml }}"\n',
  // kubernetes/examples/helm-cleanup.yml of geerlingguy/ansible-for-devops (its first task)
  'deploy/helm-cleanup.yml': '---\n- hosts: k8s-master\n  become: yes\n\n  tasks:\n    - name: Remove phpMyAdmin with Helm.\n      community.kubernetes.helm:\n        name: phpmyadmin\n        chart_ref: bitnami/phpmyadmin\n        release_namespace: default\n        state: absent\n',
  // kubernetes/examples/k8s-module-cleanup.yml and files/nginx.yml of geerlingguy/ansible-for-devops: a Deployment and a Service
  'deploy/k8s-module-cleanup.yml': '---\n- hosts: k8s-master\n  become: yes\n\n  tasks:\n    - name: Remove resources in Nginx Deployment definition.\n      k8s:\n        state: absent\n        definition: "{{ lookup(\'file\', \'files/nginx.yml\') | from_yaml }}"\n\n    - name: Remove the Nginx Service.\n      k8s:\n        state: absent\n        api_version: v1\n        kind: Service\n        namespace: default\n        name: a4d-nginx\n',
  'deploy/files/nginx.yml': '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a4d-nginx\n  namespace: default\n  labels:\n    app: nginx\nspec:\n  replicas: 3\n',
  // no name: every claim the selectors match, or all of them (delete_all); a Deployment by selector stays free (maintenance.yml)
  'deploy/k8s-selector.yml': '- hosts: localhost\n  tasks:\n    - name: delete the db claims\n      kubernetes.core.k8s:\n        state: absent\n        api_version: v1\n        kind: PersistentVolumeClaim\n        namespace: prod\n        label_selectors:\n          - app=db\n',
  'deploy/k8s-all.yml': '- hosts: localhost\n  tasks:\n    - kubernetes.core.k8s:\n        state: absent\n        kind: PersistentVolumeClaim\n        namespace: staging\n        delete_all: true\n',
  // k8s_drain: as kubectl drain with the flags of its delete_options (kubernetes.core's docs, 3.x)
  'deploy/drain-emptydir.yml': '- hosts: localhost\n  tasks:\n    - kubernetes.core.k8s_drain:\n        name: node-1\n        delete_options:\n          ignore_daemonsets: true\n          delete_emptydir_data: true\n',
  'deploy/drain-force.yml': '- hosts: k8s\n  tasks:\n    - k8s_drain:\n        name: "{{ inventory_hostname }}"\n        delete_options:\n          force: yes\n          terminate_grace_period: 900\n',
  'deploy/drain-jinja.yml': '- hosts: k8s\n  tasks:\n    - kubernetes.core.k8s_drain:\n        name: node-1\n        delete_options:\n          delete_emptydir_data: "{{ drain_emptydir }}"\n',
  // the maintenance a node gets every day: cordon, a drain that stops at unmanaged pods, uncordon; a swarm stack removed (its named volumes stay)
  'deploy/maintenance.yml': play([
    '    - kubernetes.core.k8s_drain:\n        name: node-1\n        state: cordon',
    '    - kubernetes.core.k8s_drain:\n        name: node-1\n        delete_options:\n          ignore_daemonsets: true\n          disable_eviction: false\n          terminate_grace_period: 900\n        pod_selectors:\n          - app!=csi-attacher',
    '    - kubernetes.core.k8s_drain:\n        name: node-1\n        state: uncordon',
    '    - kubernetes.core.k8s:\n        state: absent\n        kind: Deployment\n        namespace: prod\n        label_selectors:\n          - app=web',
    '    - community.docker.docker_stack:\n        name: app\n        state: absent',
    '    - community.docker.docker_stack:\n        name: app\n        compose:\n          - /srv/app/stack.yml\n        prune: true',
  ].join('\n') + '\n'),
  // databases: a dump on the host run into the database
  'deploy/restore.yml': '- hosts: db\n  tasks:\n    - community.postgresql.postgresql_db:\n        name: app\n        state: restore\n        target: /srv/backups/app.sql\n',
  'deploy/mongo.yml': '- hosts: db\n  tasks:\n    - community.mongodb.mongodb_shell:\n        db: app\n        eval: db.dropDatabase()\n    - community.mongodb.mongodb_shell:\n        db: app\n        eval: db.users.countDocuments()\n',
  'deploy/mongo-count.yml': '- hosts: db\n  tasks:\n    - community.mongodb.mongodb_shell:\n        db: app\n        eval: db.users.countDocuments()\n',
  'deploy/import.yml': '- hosts: db\n  tasks:\n    - mysql_db: name=app state=import target=/tmp/dump.sql.bz2\n',
  // script: this machine's file run on the host (a role's files/, the playbook's files/)
  'deploy/script.yml': play('    - script: cleanup.sh --all\n'),
  'deploy/files/cleanup.sh': '#!/bin/bash\nset -e\nrm -rf /srv/app/shared/uploads\n',
  'deploy/script-role.yml': '- hosts: db\n  roles:\n    - db\n',
  'deploy/roles/db/tasks/main.yml': '- name: reset\n  ansible.builtin.script:\n    cmd: reset.sh\n    chdir: /var/lib\n',
  'deploy/roles/db/files/reset.sh': 'rm -rf postgresql/data\n',
  'deploy/script-include.yml': play('    - include_tasks: tasks/run-cleanup.yml\n'),
  'deploy/tasks/run-cleanup.yml': '- script: cleanup.sh\n',
  'deploy/script-var.yml': play('    - script: "{{ script_dir }}/wipe.sh"\n'),
  'deploy/script-safe.yml': play('    - script: status.sh\n    - script: migrate.py\n    - script: missing.sh\n'),
  'deploy/files/status.sh': '#!/bin/sh\nuptime\nrm -rf /tmp/build\n',
  'deploy/files/migrate.py': '#!/usr/bin/env python3\nimport shutil\nshutil.rmtree("/srv")\n',
  'ops/wipe.sh': 'rm -rf /srv/app/shared/uploads\n',
  // `env -S bash -e`: bash, as script-files.ts reads a `#!` (ansible's own reader took `-S` for the interpreter and judged nothing)
  'deploy/script-env.yml': play('    - script: purge.sh\n'),
  'deploy/files/purge.sh': '#!/usr/bin/env -S bash -e\nrm -rf /srv/app/releases\n',
  // an ordinary deploy: what replaces or restarts a deploy target stays free (copy, unarchive, git force, a Deployment deleted)
  'deploy/release.yml': play([
    '    - copy: src=dist/ dest=/var/www/app/',
    '    - template: src=nginx.conf.j2 dest=/etc/nginx/nginx.conf',
    '    - unarchive:\n        src: "release-{{ version }}.tar.gz"\n        dest: /srv/app/releases/current',
    '    - git:\n        repo: https://github.com/example/app.git\n        version: "{{ app_version }}"\n        dest: /srv/app/src\n        force: true',
    '    - community.docker.docker_container:\n        name: web\n        image: "app:{{ version }}"\n        state: started\n        recreate: true',
    '    - docker_container:\n        name: old-web\n        state: absent',
    '    - community.docker.docker_compose_v2:\n        project_src: /srv/app\n        state: absent',
    '    - kubernetes.core.k8s:\n        state: present\n        src: pvc.yml',
    '    - kubernetes.core.k8s:\n        state: absent\n        kind: Deployment\n        name: web\n        namespace: prod',
    '    - kubernetes.core.k8s:\n        state: absent\n        api_version: apps/v1\n        kind: StatefulSet\n        name: db',
    '    - service: name=nginx state=restarted',
  ].join('\n') + '\n'),
  // tags: a run selects tasks
  'deploy/tags.yml': play([
    '    - name: deploy\n      copy: src=dist/ dest=/srv/app/\n      tags: [deploy]',
    '    - name: reset uploads\n      shell: rm -rf /srv/app/shared/uploads\n      tags: [reset, never]',
    '    - name: wipe cache\n      file: path=/srv/app/cache state=absent\n      tags: cleanup',
    '    - block:\n        - shell: rm -rf /srv/app/releases\n      tags: [prune]',
    '    - name: off\n      shell: rm -rf /srv/data\n      when: false',
    '    - name: include\n      include_tasks: tasks/purge.yml\n      tags: [purge]',
  ].join('\n') + '\n'),
  // tagged deploy, but in an include --tags deploy does not select: never reached
  'deploy/tasks/purge.yml': '- command: rm -rf /srv/app/purged\n  tags: [deploy]\n',
  'deploy/handlers.yml': play('    - copy: src=dist/ dest=/srv/app/\n      tags: deploy\n      notify: clear\n') + '  handlers:\n    - name: clear\n      shell: rm -rf /srv/app/shared/cache\n      tags: [never]\n',
  'deploy/play-tags.yml': '- hosts: web\n  tags: [maintenance]\n  roles:\n    - role: db\n      tags: [db]\n  tasks:\n    - file: path=/srv/app/old state=absent\n- hosts: web\n  tags: deploy\n  tasks:\n    - copy: src=dist/ dest=/srv/app/\n',
  'deploy/when-false.yml': play('    - block:\n        - shell: rm -rf /srv/app/data\n      when: no\n    - shell: rm -rf /srv/app/tmp\n      when: [app_ready, false]\n'),
  'deploy/when-maybe.yml': play('    - shell: rm -rf /srv/app/cache\n      when: clean_cache | default(false)\n'),
  // a configuration with run tags: ansible adds them to --tags', so nothing is left out
  'cfg/ansible.cfg': '[defaults]\ninventory = hosts\n[tags]\nrun = reset\n',
  'cfg/play.yml': play('    - copy: src=dist/ dest=/srv/app/\n      tags: deploy\n    - shell: rm -rf /srv/app/shared\n      tags: [reset, never]\n'),
};

const ROWS: EvaluatedRow[] = [
  // Docker volumes, on the hosts' engine
  ['ansible-playbook deploy/volume.yml', 'deny', 'container-volume-delete', ['docker volume rm', 'for the hosts web, deploy/volume.yml:3']],
  ['ansible-playbook deploy/container.yml', 'deny', 'container-volume-delete', ['docker rm -v']],
  ['ansible-playbook deploy/prune.yml', 'deny', 'container-volume-delete', ['docker volume prune']],
  ['ansible-playbook deploy/compose-down.yml', 'deny', 'container-volume-delete', ['docker compose down -v']],
  ["ansible web -m community.docker.docker_volume -a 'name=pgdata state=absent'", 'deny', 'container-volume-delete', ['docker volume rm']],
  ['docker rm -f -v db', 'deny', 'container-volume-delete', ['anonymous volumes']],
  ['docker rm -f web', 'allow', 'no-risk'],
  // Kubernetes: what kubectl delete of the same objects is
  ['ansible-playbook deploy/k8s-ns.yml', 'deny', 'cluster-data-delete', ['Namespace']],
  ['ansible-playbook deploy/k8s-def.yml', 'deny', 'cluster-data-delete', ['PersistentVolumeClaim']],
  ['ansible-playbook deploy/k8s-src.yml', 'deny', 'cluster-data-delete', ['PersistentVolumeClaim']],
  ['ansible-playbook deploy/k8s-lookup.yml', 'deny', 'cluster-data-delete', ['PersistentVolumeClaim']],
  ['ansible-playbook deploy/k8s-jinja.yml', 'deny', 'cluster-data-delete', ['manifests guard cannot read']],
  ['ansible-playbook deploy/helm-cleanup.yml', 'deny', 'cluster-data-delete', ['helm uninstall phpmyadmin']],
  ["ansible localhost -m kubernetes.core.k8s -a 'kind=PersistentVolumeClaim name=data state=absent'", 'deny', 'cluster-data-delete', ['PersistentVolumeClaim']],
  ['ansible-playbook deploy/k8s-module-cleanup.yml', 'allow', 'no-risk'],
  ['ansible-playbook deploy/k8s-selector.yml', 'deny', 'cluster-data-delete', ['PersistentVolumeClaim', 'deploy/k8s-selector.yml:3']],
  ['ansible-playbook deploy/k8s-all.yml', 'deny', 'cluster-data-delete', ['PersistentVolumeClaim']],
  ["ansible localhost -m kubernetes.core.k8s -a 'kind=PersistentVolumeClaim namespace=prod label_selectors=app=db state=absent'", 'deny', 'cluster-data-delete', ['PersistentVolumeClaim']],
  ['ansible-playbook deploy/drain-emptydir.yml', 'deny', 'cluster-data-delete', ['kubectl drain --delete-emptydir-data', 'deploy/drain-emptydir.yml:3']],
  ['ansible-playbook deploy/drain-force.yml', 'deny', 'cluster-data-delete', ['kubectl drain --force', 'for the hosts k8s']],
  ['ansible-playbook deploy/drain-jinja.yml', 'deny', 'cluster-data-delete', ['--delete-emptydir-data']],
  [`ansible localhost -m kubernetes.core.k8s_drain -a '{"name": "node-1", "delete_options": {"force": true}}'`, 'deny', 'cluster-data-delete', ['kubectl drain --force']],
  ["ansible localhost -m k8s_drain -a 'name=node-1 delete_options={\"delete_emptydir_data\":true}'", 'deny', 'cluster-data-delete', ['--delete-emptydir-data']],
  ["ansible localhost -m kubernetes.core.k8s_drain -a 'name=node-1 state=cordon'", 'allow', 'no-risk'],
  ['ansible-playbook deploy/maintenance.yml', 'allow', 'no-risk'],
  // a dump run into a database on the host: SQL guard cannot read
  ['ansible-playbook deploy/restore.yml', 'ask', 'remote-data-delete', ['/srv/backups/app.sql']],
  ['ansible-playbook deploy/import.yml', 'ask', 'remote-data-delete', ['/tmp/dump.sql.bz2']],
  ['ansible-playbook deploy/mongo.yml', 'deny', 'remote-data-delete', ['mongosh --eval drops']],
  ['ansible-playbook deploy/mongo-count.yml', 'allow', 'no-risk'],
  // script: the file's text is the remote command
  ['ansible-playbook deploy/script.yml', 'deny', 'remote-host-delete', ['/srv/app/shared/uploads', 'deploy/script.yml:3']],
  ['ansible-playbook deploy/script-role.yml', 'deny', 'remote-host-delete', ['/var/lib/postgresql/data']],
  ['ansible-playbook deploy/script-include.yml', 'deny', 'remote-host-delete', ['/srv/app/shared/uploads', 'deploy/tasks/run-cleanup.yml:1']],
  ['ansible-playbook deploy/script-var.yml', 'deny', 'remote-host-delete', ['{{ script_dir }}/wipe.sh', 'named by a variable']],
  ['ansible-playbook deploy/script-safe.yml', 'allow', 'no-risk'],
  ['ansible-playbook deploy/script-env.yml', 'deny', 'remote-host-delete', ['/srv/app/releases']],
  ["ansible web -m script -a 'ops/wipe.sh'", 'deny', 'remote-host-delete', ['/srv/app/shared/uploads']],
  // an ordinary deploy
  ['ansible-playbook -i inventory.ini deploy/release.yml', 'allow', 'no-risk'],
  // tags and when: what the run leaves out is not judged; anything unsure is
  ['ansible-playbook deploy/tags.yml', 'deny', 'remote-host-delete', ['/srv/app/cache']],
  ['ansible-playbook deploy/tags.yml --tags deploy', 'allow', 'no-risk'],
  ['ansible-playbook deploy/tags.yml -t deploy,reset', 'deny', 'remote-host-delete', ['/srv/app/shared/uploads']],
  ['ansible-playbook deploy/tags.yml --skip-tags cleanup,prune,purge', 'allow', 'no-risk'],
  ['ansible-playbook deploy/tags.yml --skip-tags cleanup,prune', 'deny', 'remote-host-delete', ['/srv/app/purged']],
  ['ansible-playbook deploy/tags.yml --tags purge', 'deny', 'remote-host-delete', ['/srv/app/purged']],
  ['ansible-playbook deploy/tags.yml --tags "$T"', 'deny', 'remote-host-delete'],
  ['ANSIBLE_RUN_TAGS=reset ansible-playbook deploy/tags.yml --tags deploy', 'deny', 'remote-host-delete', ['/srv/app/shared/uploads']],
  ['ansible-playbook deploy/play-tags.yml --tags deploy', 'allow', 'no-risk'],
  ['ansible-playbook deploy/play-tags.yml --skip-tags maintenance', 'allow', 'no-risk'],
  ['ansible-playbook deploy/play-tags.yml --skip-tags db', 'deny', 'remote-host-delete', ['/srv/app/old']],
  ['ansible-playbook deploy/play-tags.yml --tags db', 'deny', 'remote-host-delete', ['/var/lib/postgresql/data']],
  ['ansible-playbook deploy/handlers.yml --tags deploy', 'deny', 'remote-host-delete', ['/srv/app/shared/cache']],
  ['ansible-playbook deploy/when-false.yml', 'allow', 'no-risk'],
  ['ansible-playbook deploy/when-maybe.yml', 'deny', 'remote-host-delete', ['/srv/app/cache']],
  ['cd cfg && ansible-playbook play.yml --tags deploy', 'deny', 'remote-host-delete', ['/srv/app/shared']],
];

describe('ansible modules that destroy data, and the tasks a run leaves out', () => {
  it('refuses volume, cluster, database and script deletions for an agent; a deploy playbook and the tasks --tags or when: false leave out stay free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, ROWS[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, ROWS[0]![0], { asAgent: true }));
      const drain = 'ansible-playbook deploy/drain-emptydir.yml';
      expect(checkVerdict(t, drain, { asAgent: true })).toEqual(await evaluatedVerdict(t, drain, { asAgent: true }));
      await expectEvaluatedTable(t, ROWS);
    });
  });
});
