/**
 * Data on developer platforms and in data stores deleted by their own clients (src/policy/command/
 * hosted-data.ts, remote-data.ts, server-sql.ts): `wrangler d1 delete`, `neonctl branches
 * delete`, `turso db shell DB 'DROP TABLE x'`, `bq rm -r -f -d ds`, `mc rm --recursive --force`,
 * `rclone purge`, `cqlsh -f drop.cql` and the other deletes of aws, gcloud and az's managed
 * stores were "allow: no destructive command found" until 2026-12-06 (night). Judged by
 * check-command's evaluation in this process as the agent hook judges (test/helpers/evaluated.ts:
 * every line not allowed must also pass the hook's sh fast path to Node); the first row and the
 * person's verdict through `guard check-command` itself. No client runs: guard reads the words
 * and the SQL files in the repository.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';

const FILES: Record<string, string> = {
  'db/drop.cql': 'DROP KEYSPACE app;\n',
  'db/seed.cql': "CREATE TABLE IF NOT EXISTS app.users (id int PRIMARY KEY);\nINSERT INTO app.users (id) VALUES (1);\n",
  'db/reset.sql': 'DELETE FROM sessions;\n',
  'db/schema.sql': 'CREATE TABLE users (id integer primary key);\n',
  'keys.json': '[{"key": "a"}]\n',
};

const ROWS: EvaluatedRow[] = [
  // Cloudflare: D1 and KV on Cloudflare; the local store (wrangler 3.33+/4 without --remote) and an empty-only R2 bucket delete free
  ['npx wrangler d1 delete prod-db -y', 'deny', 'remote-data-delete', ['D1 database prod-db']],
  ['wrangler d1 execute prod-db --remote --command "DROP TABLE users"', 'deny', 'remote-data-delete', ['DROP TABLE']],
  ['wrangler d1 execute prod-db --remote --file db/reset.sql', 'deny', 'remote-data-delete', ['DELETE FROM without WHERE', 'db/reset.sql']],
  ['wrangler d1 execute prod-db --command "DROP TABLE users"', 'allow', 'no-risk'],
  ['wrangler d1 execute prod-db --remote --file db/schema.sql', 'allow', 'no-risk'],
  ['wrangler kv namespace delete --namespace-id 0f2ac74b498b48028cb68387c421e279', 'deny', 'remote-data-delete', ['KV namespace']],
  ['wrangler kv bulk delete keys.json --binding CACHE --remote', 'deny', 'remote-data-delete', ['keys its file lists']],
  ['wrangler kv:bulk delete keys.json --binding CACHE', 'deny', 'remote-data-delete'],
  ['wrangler kv bulk delete keys.json --binding CACHE', 'allow', 'no-risk'],
  ['wrangler r2 bucket delete assets', 'allow', 'no-risk'],
  ['npx wrangler deploy', 'allow', 'no-risk'],
  // Neon, Turso, PlanetScale
  ['neonctl branches delete preview-42 --project-id p1', 'deny', 'remote-data-delete', ['Neon branch']],
  ['neon branch reset dev --parent', 'deny', 'remote-data-delete', ['--preserve-under-name']],
  ['neon branch reset dev --parent --preserve-under-name dev_old', 'allow', 'no-risk'],
  ['neonctl projects delete p1', 'deny', 'remote-data-delete', ['Neon project']],
  ['neonctl databases delete app --branch main', 'deny', 'remote-data-delete', ['Neon database']],
  ['neonctl branches create --name preview-43', 'allow', 'no-risk'],
  ['turso db destroy app --yes', 'deny', 'remote-data-delete', ['turso db destroy']],
  ['turso db shell app "DROP TABLE users"', 'deny', 'remote-data-delete', ['DROP TABLE', 'SQL operand']],
  ['turso db shell app < db/reset.sql', 'deny', 'remote-data-delete', ['db/reset.sql']],
  ['turso db shell app "SELECT count(*) FROM users"', 'allow', 'no-risk'],
  ['pscale database delete app --force', 'deny', 'remote-data-delete', ['PlanetScale database']],
  ['pscale branch delete app add-index --force', 'deny', 'remote-data-delete', ['PlanetScale branch']],
  // BigQuery
  ['bq rm -r -f -d myproject:analytics', 'deny', 'remote-data-delete', ['BigQuery']],
  ['bq rm -f -t analytics.events', 'deny', 'remote-data-delete', ['BigQuery']],
  ['bq rm --transfer_config projects/1/locations/us/transferConfigs/2', 'allow', 'no-risk'],
  ['bq query --use_legacy_sql=false "TRUNCATE TABLE analytics.events"', 'deny', 'remote-data-delete', ['TRUNCATE']],
  ['bq query --use_legacy_sql=false "SELECT 1"', 'allow', 'no-risk'],
  ['bq load --replace analytics.events gs://b/events.csv', 'deny', 'remote-data-delete', ['bq load --replace']],
  ['bq ls', 'allow', 'no-risk'],
  // S3-compatible stores: a prefix's objects; one object, copies and syncs out free
  ['mc rm --recursive --force myminio/uploads', 'deny', 'remote-data-delete', ['myminio/uploads']],
  ['mc rb --force myminio/uploads', 'deny', 'remote-data-delete', ['bucket myminio/uploads']],
  ['mc mirror --remove ./public myminio/site', 'deny', 'remote-data-delete', ['myminio/site']],
  ['mc rm myminio/uploads/one.png', 'allow', 'no-risk'],
  ['mc cp --recursive myminio/uploads ./backup', 'allow', 'no-risk'],
  ['rclone purge r2:uploads', 'deny', 'remote-data-delete', ['r2:uploads']],
  ['rclone delete s3:bucket/tmp --min-age 30d', 'deny', 'remote-data-delete', ['s3:bucket/tmp']],
  ['rclone sync ./public r2:site --exclude "*.map"', 'deny', 'remote-data-delete', ['r2:site']],
  ['rclone sync r2:uploads ./backup', 'allow', 'no-risk'],
  ['rclone copy ./public r2:site', 'allow', 'no-risk'],
  ['s3cmd del --recursive --force s3://uploads/', 'deny', 'remote-data-delete', ['s3://uploads/']],
  ['s3cmd sync --delete-removed ./public/ s3://site/', 'deny', 'remote-data-delete', ['s3://site/']],
  ['s3cmd ls s3://uploads', 'allow', 'no-risk'],
  // Cassandra, Kafka, etcd, Consul, InfluxDB, Convex
  ['cqlsh -e "DROP KEYSPACE app"', 'deny', 'remote-data-delete', ['DROP KEYSPACE']],
  ['cqlsh cassandra.internal -f db/drop.cql', 'deny', 'remote-data-delete', ['db/drop.cql']],
  ['cqlsh -f db/seed.cql', 'allow', 'no-risk'],
  ['kafka-topics.sh --bootstrap-server kafka:9092 --delete --topic orders', 'deny', 'remote-data-delete', ['Kafka topic']],
  ['kafka-topics --bootstrap-server kafka:9092 --describe --topic orders', 'allow', 'no-risk'],
  ['etcdctl del /app --prefix', 'deny', 'remote-data-delete', ['range of keys']],
  ['etcdctl del /app/leader', 'allow', 'no-risk'],
  ['consul kv delete -recurse app/', 'deny', 'remote-data-delete', ['every key']],
  ['consul kv delete app/flag', 'allow', 'no-risk'],
  ['influx bucket delete -n metrics', 'deny', 'remote-data-delete', ['bucket']],
  ['influx delete --bucket metrics --start 1970-01-01T00:00:00Z --stop 2030-01-01T00:00:00Z', 'deny', 'remote-data-delete', ['points']],
  ['npx convex import --replace --table users users.jsonl', 'deny', 'remote-data-delete', ['convex import --replace']],
  ['npx convex import --table users users.jsonl', 'allow', 'no-risk'],
  // a restore over a database: what changed since the dump goes
  ['pg_restore --clean --if-exists -d app backup.dump', 'deny', 'remote-data-delete', ['pg_restore --clean']],
  ['pg_restore -c -d app -Fc backup.dump', 'deny', 'remote-data-delete'],
  ['pg_restore -Fc -d app_copy backup.dump', 'allow', 'no-risk'],
  ['pg_restore -f restore.sql --clean backup.dump', 'allow', 'no-risk'],
  ['mongorestore --drop --uri "$MONGO_URL" dump/', 'deny', 'remote-data-delete', ['mongorestore --drop']],
  ['mongorestore --uri "$MONGO_URL" --nsInclude "app.*" dump/', 'allow', 'no-risk'],
  // managed stores of aws, gcloud and az beside the ones judged before
  ['aws elasticache delete-replication-group --replication-group-id sessions', 'deny', 'remote-data-delete', ['elasticache']],
  ['aws sqs purge-queue --queue-url https://sqs.eu-west-1.amazonaws.com/1/jobs', 'deny', 'remote-data-delete', ['purge-queue']],
  ['aws kms schedule-key-deletion --key-id k --pending-window-in-days 7', 'deny', 'remote-data-delete', ['schedule-key-deletion']],
  ['gcloud redis instances delete cache --region europe-west1 --quiet', 'deny', 'remote-data-delete', ['gcloud redis instances delete']],
  ['gcloud alloydb clusters delete main --region europe-west1 --force', 'deny', 'remote-data-delete', ['alloydb']],
  ['az postgres flexible-server delete -g rg -n db --yes', 'deny', 'remote-data-delete', ['az postgres flexible-server delete']],
  ['az mysql flexible-server db delete -g rg -s db -d app --yes', 'deny', 'remote-data-delete', ['az mysql flexible-server delete']],
  ['az postgres flexible-server list -g rg', 'allow', 'no-risk'],
];

describe('hosted data: developer platforms and data stores their clients delete', () => {
  it('refuses the deletes for an agent, asks a person, leaves local stores, reads and single items free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, ROWS[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, ROWS[0]![0], { asAgent: true }));
      await expectEvaluatedTable(t, ROWS);
      // a person is asked, with the way forward
      const person = checkVerdict(t, 'neonctl branches delete preview-42');
      expect(person).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
      expect(person.instead).toContain('Back the data up first');
    });
  });
});

describe('the Stripe CLI (holes7, 2026-12-07)', () => {
  it('refuses a live-mode delete for an agent, with the way forward; test mode (the CLI default) stays free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      // each deny row was "allow: no destructive command found"
      await expectEvaluatedTable(t, [
        ['stripe products delete prod_123 --live', 'deny', 'remote-data-delete', ['prod_123', 'live mode']],
        ['stripe customers delete cus_1 --api-key sk_live_abc', 'deny', 'remote-data-delete', ['cus_1', 'live mode']],
        ['stripe customers delete cus_1 --api-key=rk_live_abc', 'deny', 'remote-data-delete', ['live mode']],
        ['stripe delete /v1/customers/cus_1 --live', 'deny', 'remote-data-delete', ['/v1/customers/cus_1']],
        ['stripe customers delete cus_1 --api-key "$STRIPE_KEY"', 'deny', 'remote-data-delete', ['cannot read']],
        ['stripe products delete prod_123', 'allow', 'no-risk'],
        ['stripe customers delete cus_1 --api-key sk_test_abc', 'allow', 'no-risk'],
        ['stripe delete /v1/customers/cus_1', 'allow', 'no-risk'],
        ['stripe products list --live', 'allow', 'no-risk'],
        ['stripe listen --forward-to localhost:3000/webhook', 'allow', 'no-risk'],
      ]);
      // through guard check-command itself
      const agent = checkVerdict(t, 'stripe products delete prod_123 --live', { asAgent: true });
      expect(agent).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(agent.instead).toContain('test mode');
      expect(checkVerdict(t, 'stripe products delete prod_123', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'stripe products delete prod_123 --live')).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
    });
  });

  it("reads STRIPE_API_KEY as the CLI does, and refuses a live cancel, void or reject (holes8, 2026-12-08)", async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      // each deny row was "allow: no destructive command found"
      await expectEvaluatedTable(t, [
        ['STRIPE_API_KEY=sk_live_abc stripe customers delete cus_1', 'deny', 'remote-data-delete', ['cus_1', 'live mode']],
        ['export STRIPE_API_KEY=rk_live_abc; stripe customers delete cus_1', 'deny', 'remote-data-delete', ['live mode']],
        // STRIPE_API_KEY wins over --api-key (stripe-cli profile.go GetAPIKey)
        ['STRIPE_API_KEY=sk_live_abc stripe customers delete cus_1 --api-key sk_test_x', 'deny', 'remote-data-delete', ['live mode']],
        ['STRIPE_API_KEY=$(cat .stripe-key) stripe customers delete cus_1', 'deny', 'remote-data-delete', ['cannot read']],
        ['stripe subscriptions cancel sub_1 --live', 'deny', 'remote-data-delete', ['cancels the subscription sub_1', 'for good']],
        ['stripe subscription_schedules cancel sub_sched_1 --live', 'deny', 'remote-data-delete', ['its subscription']],
        ['stripe payment_intents cancel pi_1 --api-key sk_live_abc', 'deny', 'remote-data-delete', ['PaymentIntent pi_1']],
        ['STRIPE_API_KEY=sk_live_abc stripe invoices void_invoice in_1', 'deny', 'remote-data-delete', ['voids the invoice in_1']],
        ['stripe credit_notes void_credit_note cn_1 --live', 'deny', 'remote-data-delete', ['credit note cn_1']],
        ['stripe accounts reject acct_1 --reason fraud --live', 'deny', 'remote-data-delete', ['connected account acct_1']],
        ['stripe post /v1/invoices/in_1/void --live', 'deny', 'remote-data-delete', ['voids the invoice in_1']],
        ['stripe post /v1/quotes/qt_1/cancel --api-key "$KEY"', 'deny', 'remote-data-delete', ['cannot read']],
        // test mode and reads stay free; a test key in STRIPE_API_KEY wins over --live
        ['STRIPE_API_KEY=sk_test_abc stripe customers delete cus_1', 'allow', 'no-risk'],
        ['STRIPE_API_KEY=sk_test_abc stripe customers delete cus_1 --live', 'allow', 'no-risk'],
        ['stripe subscriptions cancel sub_1', 'allow', 'no-risk'],
        ['STRIPE_API_KEY=sk_test_abc stripe subscriptions cancel sub_1', 'allow', 'no-risk'],
        ['STRIPE_API_KEY=sk_live_abc stripe customers list', 'allow', 'no-risk'],
        ['stripe subscriptions retrieve sub_1 --live', 'allow', 'no-risk'],
        // the application's variable, not the CLI's: the CLI runs on the profile's test key
        ['STRIPE_SECRET_KEY=sk_live_abc stripe customers delete cus_1', 'allow', 'no-risk'],
        // money that moves is recorded, no data lost: left (command-guard.md Known limits)
        ['stripe refunds create --charge ch_1 --live', 'allow', 'no-risk'],
        ['stripe subscriptions update sub_1 -d cancel_at_period_end=true --live', 'allow', 'no-risk'],
      ]);
      const agent = checkVerdict(t, 'STRIPE_API_KEY=sk_live_abc stripe subscriptions cancel sub_1', { asAgent: true });
      expect(agent).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete', reason: expect.stringContaining('cancels the subscription sub_1 in the Stripe account in live mode') });
      expect(agent.instead).toContain('test mode');
      expect(checkVerdict(t, 'STRIPE_API_KEY=sk_live_abc stripe subscriptions cancel sub_1')).toMatchObject({ verdict: 'ask' });
    });
  });
});
