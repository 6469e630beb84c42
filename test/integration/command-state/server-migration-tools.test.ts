/**
 * Migration tools' wipes and rollbacks against a database server, where the server is named
 * where the tool reads it rather than on the line (docs/DECISIONS.md, "Migration tools run by
 * compose, Maven, Gradle and atlas.hcl"): `docker compose run --rm flyway clean` of a service
 * whose image is the tool's (or built FROM it), the Maven and Gradle plugins' Liquibase rollbacks
 * and Flyway undo to a target, `flyway undo -target=V`, Atlas's `--env` URL in atlas.hcl, and
 * Flask's SQLALCHEMY_DATABASE_URI in the application's config.py. Each was "no destructive
 * command found". What stays free (migrate, update, info, the one-step undo, a local SQLite or H2
 * database) is in the same table. Real-shaped project files, read by guard's own evaluation; no
 * docker, JVM, Atlas or Python needed. One row goes through `guard check-command`.
 */
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedTable } from '../../helpers/evaluated.js';
import { guardOk } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { FLASK_ENV_PY } from '../../helpers/framework-files.js';

/** A compose file of the tools' official images, as their docs and projects set them up. */
const COMPOSE = `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: app
  flyway:
    image: "flyway/flyway:\${FLYWAY_VERSION:-10}"
    volumes:
      - ./conf:/flyway/conf
      - ./sql:/flyway/sql
    depends_on: [db]
  fwenv:
    image: redgate/flyway
    environment:
      FLYWAY_URL: jdbc:postgresql://db:5432/app
      FLYWAY_USER: app
  reset:
    image: flyway/flyway
    command: -url=jdbc:mysql://db:3306/app -user=root clean migrate
  lite:
    image: flyway/flyway
    environment:
      - FLYWAY_URL=jdbc:sqlite:/flyway/db/app.db
  migrate:
    image: migrate/migrate
    volumes:
      - ./migrations:/migrations
    entrypoint: ["migrate", "-path", "/migrations", "-database", "postgres://app:app@db:5432/app?sslmode=disable"]
    command: ["up"]
  lb:
    image: liquibase/liquibase:4.25
    environment:
      LIQUIBASE_COMMAND_URL: jdbc:postgresql://db:5432/app
  dbmate:
    image: ghcr.io/amacneil/dbmate
    environment:
      DATABASE_URL: postgres://app:app@db:5432/app?sslmode=disable
  built:
    build:
      context: ./flyway
  app:
    image: node:20
    volumes:
      - .:/app
`;

const POM = `<project>
  <build><plugins>
    <plugin>
      <groupId>org.flywaydb</groupId>
      <artifactId>flyway-maven-plugin</artifactId>
      <version>10.0.0</version>
      <configuration>
        <url>jdbc:postgresql://localhost:5432/app</url>
        <user>app</user>
      </configuration>
    </plugin>
    <plugin>
      <groupId>org.liquibase</groupId>
      <artifactId>liquibase-maven-plugin</artifactId>
      <version>4.25.0</version>
      <configuration>
        <changeLogFile>src/main/resources/db/changelog/db.changelog-master.yaml</changeLogFile>
        <url>jdbc:postgresql://localhost:5432/app</url>
        <username>app</username>
      </configuration>
    </plugin>
  </plugins></build>
</project>
`;

/** A pom whose Flyway URL is a property and whose Liquibase settings are in a properties file. */
const POM_PROPERTIES = `<project>
  <properties>
    <db.url>jdbc:mysql://localhost:3306/shop</db.url>
  </properties>
  <build><plugins>
    <plugin><groupId>org.flywaydb</groupId><artifactId>flyway-maven-plugin</artifactId>
      <configuration><url>\${db.url}</url></configuration></plugin>
    <plugin><groupId>org.liquibase</groupId><artifactId>liquibase-maven-plugin</artifactId>
      <configuration><propertyFile>src/main/resources/liquibase.properties</propertyFile></configuration></plugin>
  </plugins></build>
</project>
`;

const BUILD_GRADLE = `plugins {
    id 'java'
    id 'org.flywaydb.flyway' version '9.22.3'
    id 'org.liquibase.gradle' version '2.2.0'
}

flyway {
    url = 'jdbc:postgresql://localhost:5432/app'
    user = 'app'
}

liquibase {
    activities {
        main {
            changelogFile 'src/main/resources/db/changelog.xml'
            url 'jdbc:postgresql://localhost:5432/app'
            username 'app'
        }
    }
}
`;

const ATLAS_HCL = `variable "db_url" {
  type    = string
  default = getenv("DB_URL")
}

env "prod" {
  url = "postgres://app:pass@db.example.com:5432/app?sslmode=require"
  migration {
    dir = "file://migrations"
  }
}

env "dev" {
  // the dev database is a container; the target is the local MySQL
  url = "mysql://root:pass@localhost:3306/app"
  dev = "docker://mysql/8/dev"
}

env "local" {
  url = getenv("DATABASE_URL")
}

env "staging" {
  url = var.db_url
}

env "scratch" {
  url = "docker://postgres/15/dev"
}
`;

const PROJECTS: Record<string, string> = {
  '.gitignore': '*.db\n.env\n',
  'dc/compose.yaml': COMPOSE,
  'dc/conf/flyway.conf': 'flyway.url=jdbc:mysql://db:3306/app\nflyway.user=root\n',
  'dc/sql/V1__init.sql': 'create table t (id int);\n',
  'dc/migrations/1_init.up.sql': 'create table t (id int);\n',
  'dc/flyway/Dockerfile': 'ARG FLYWAY_VERSION=10\nFROM flyway/flyway:${FLYWAY_VERSION} AS base\nENV FLYWAY_URL=jdbc:postgresql://db:5432/app\nFROM base\nCOPY sql /flyway/sql\n',
  'mvn/pom.xml': POM,
  'mvnp/pom.xml': POM_PROPERTIES,
  'mvnp/src/main/resources/liquibase.properties': 'changeLogFile=db/changelog.xml\nurl=jdbc:postgresql://localhost:5432/shop\n',
  'mvnh2/pom.xml': POM.replaceAll('jdbc:postgresql://localhost:5432/app', 'jdbc:h2:file:./target/app'),
  'gr/build.gradle': BUILD_GRADLE,
  'fw/flyway.conf': 'flyway.url=jdbc:postgresql://localhost:5432/app\nflyway.user=app\n',
  'fwlite/flyway.conf': 'flyway.url=jdbc:sqlite:app.db\n',
  'at/atlas.hcl': ATLAS_HCL,
  // Flask: the URI hard-coded in config.py (with a test config on SQLite), the Flask Mega-Tutorial's
  // SQLite default, and an application package that sets it itself
  'fl/migrations/env.py': FLASK_ENV_PY,
  'fl/app.py': 'from flask import Flask\nfrom config import Config\n\napp = Flask(__name__)\napp.config.from_object(Config)\n',
  'fl/config.py': 'import os\n\n\nclass Config:\n    SECRET_KEY = os.environ.get("SECRET_KEY", "dev")\n    SQLALCHEMY_DATABASE_URI = os.environ.get(\n        "DATABASE_URL", "postgresql+psycopg2://app:app@localhost:5432/app"\n    )\n\n\nclass TestingConfig(Config):\n    TESTING = True\n    SQLALCHEMY_DATABASE_URI = "sqlite://"\n',
  'flmt/migrations/env.py': FLASK_ENV_PY,
  'flmt/config.py': "import os\nbasedir = os.path.abspath(os.path.dirname(__file__))\n\nclass Config:\n    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL') or \\\n        'sqlite:///' + os.path.join(basedir, 'app.db')\n",
  'flpkg/migrations/env.py': FLASK_ENV_PY,
  'flpkg/.flaskenv': 'FLASK_APP=shop\n',
  'flpkg/shop/__init__.py': "from flask import Flask\n\napp = Flask(__name__)\napp.config['SQLALCHEMY_DATABASE_URI'] = f\"mysql+pymysql://root:{PASSWORD}@localhost/shop\"\n",
};

const template = fileTemplate((t) => {
  commitFiles(t, PROJECTS);
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
});

describe('migration tools against a server named where the tool reads it', () => {
  it('refuses wipes and rollbacks of more than one migration; leaves everyday lines and local databases free', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        // compose services of the tools' images: the service's environment, mounted conf, entrypoint, command, Dockerfile
        ['cd dc && docker compose run --rm fwenv clean', 'deny', 'remote-data-delete', ['flyway clean', 'postgresql', 'FLYWAY_URL', 'the service fwenv']],
        ['cd dc && docker compose run --rm flyway clean', 'deny', 'remote-data-delete', ['mysql', 'flyway.conf']],
        ['cd dc && docker compose run --rm migrate down -all', 'deny', 'remote-data-delete', ['every migration', 'postgres']],
        ['cd dc && docker compose run --rm migrate drop -f', 'deny', 'remote-data-delete'],
        ['cd dc && docker compose run --rm lb drop-all', 'deny', 'remote-data-delete', ['liquibase drop-all']],
        ['cd dc && docker compose run --rm dbmate drop', 'deny', 'remote-data-delete', ['dbmate drop']],
        ['cd dc && docker compose run --rm built clean', 'deny', 'remote-data-delete', ['FLYWAY_URL']],
        ['cd dc && docker compose run --rm reset', 'deny', 'remote-data-delete', ['mysql']],
        ['cd dc && docker-compose run flyway clean', 'deny', 'remote-data-delete'],
        ['cd dc && docker compose run --rm migrate down 1', 'allow', 'no-risk'],
        ['cd dc && docker compose run --rm migrate', 'allow', 'no-risk'],
        ['cd dc && docker compose run --rm fwenv migrate', 'allow', 'no-risk'],
        ['cd dc && docker compose run --rm flyway info', 'allow', 'no-risk'],
        ['cd dc && docker compose run --rm lite clean', 'allow', 'no-risk'],
        ['cd dc && docker compose run --rm --entrypoint sh fwenv -c ls', 'allow', 'no-risk'],
        ['cd dc && docker compose run --rm app clean', 'allow', 'no-risk'],
        // Maven: the plugins' configuration in pom.xml, a ${property}, Liquibase's propertyFile
        ['cd mvn && mvn liquibase:rollback -Dliquibase.rollbackCount=3', 'deny', 'remote-data-delete', ['last 3 changesets', 'postgresql', 'pom.xml']],
        ['cd mvn && ./mvnw liquibase:rollback -Dliquibase.rollbackTag=v1.0', 'deny', 'remote-data-delete', ['after the tag v1.0']],
        ['cd mvn && mvn org.liquibase:liquibase-maven-plugin:4.25.0:rollback -Dliquibase.rollbackDate=2024-01-01', 'deny', 'remote-data-delete'],
        ['cd mvn && mvn flyway:undo -Dflyway.target=2', 'deny', 'remote-data-delete', ['down to version 2']],
        ['cd mvn && mvn liquibase:rollback -Dliquibase.rollbackCount=1', 'allow', 'no-risk'],
        ['cd mvn && mvn liquibase:rollbackSQL -Dliquibase.rollbackCount=3', 'allow', 'no-risk'],
        ['cd mvn && mvn flyway:undo', 'allow', 'no-risk'],
        ['cd mvn && mvn flyway:migrate', 'allow', 'no-risk'],
        ['cd mvn && mvn liquibase:update', 'allow', 'no-risk'],
        ['cd mvnp && mvn flyway:clean', 'deny', 'remote-data-delete', ['mysql']],
        ['cd mvnp && mvn liquibase:dropAll', 'deny', 'remote-data-delete', ['liquibase.properties']],
        ['cd mvnp && mvn -Ddb.url=jdbc:h2:mem:test flyway:clean', 'allow', 'no-risk'],
        ['cd mvnh2 && mvn liquibase:rollback -Dliquibase.rollbackCount=3', 'allow', 'no-risk'],
        // Gradle: the Liquibase plugin's tasks (2.x's liquibaseCommandValue, 3.x's liquibaseCount), Flyway's undo
        ['cd gr && ./gradlew dropAll', 'deny', 'remote-data-delete', ['dropAll', 'liquibase block of build.gradle']],
        ['cd gr && gradle rollbackCount -PliquibaseCommandValue=3', 'deny', 'remote-data-delete', ['last 3 changesets']],
        ['cd gr && ./gradlew rollbackCount -PliquibaseCount=3', 'deny', 'remote-data-delete'],
        ['cd gr && ./gradlew rollback -PliquibaseTag=v1.0', 'deny', 'remote-data-delete'],
        ['cd gr && ./gradlew flywayUndo -Pflyway.target=2', 'deny', 'remote-data-delete', ['down to version 2']],
        ['cd gr && ./gradlew rollbackCount -PliquibaseCount=1', 'allow', 'no-risk'],
        ['cd gr && ./gradlew update', 'allow', 'no-risk'],
        ['cd gr && ./gradlew flywayUndo', 'allow', 'no-risk'],
        ['cd gr && ./gradlew dropAll -PliquibaseUrl=jdbc:h2:mem:test', 'allow', 'no-risk'],
        ['cd gr && ./gradlew build', 'allow', 'no-risk'],
        // Flyway's undo: a target (or several cherry-picked versions) is more than the last migration
        ['cd fw && flyway undo -target=3', 'deny', 'remote-data-delete', ['down to version 3', 'flyway.conf']],
        ['cd fw && FLYWAY_TARGET=2 flyway undo', 'deny', 'remote-data-delete'],
        ['cd fw && flyway undo -cherryPick=3,4', 'deny', 'remote-data-delete', ['3,4']],
        ['cd fw && flyway undo', 'allow', 'no-risk'],
        ['cd fw && flyway undo -cherryPick=4', 'allow', 'no-risk'],
        ['cd fw && flyway migrate -target=3', 'allow', 'no-risk'],
        ['cd fwlite && flyway undo -target=1', 'allow', 'no-risk'],
        // Atlas: the --env block's url in atlas.hcl (getenv from the line, var from --var or its default)
        ['cd at && atlas schema clean --env prod --auto-approve', 'deny', 'remote-data-delete', ['env "prod"', 'postgres']],
        ['cd at && atlas migrate down --env dev 3', 'deny', 'remote-data-delete', ['last 3 migrations', 'mysql']],
        ['cd at && atlas migrate down --env=prod --to-version 20240101000000', 'deny', 'remote-data-delete'],
        ['cd at && DATABASE_URL=mysql://root@localhost/app atlas schema clean --env local', 'deny', 'remote-data-delete'],
        ['cd at && atlas schema clean --env staging --var db_url=postgres://db/app', 'deny', 'remote-data-delete'],
        ['cd at && atlas migrate down --env dev', 'allow', 'no-risk'],
        ['cd at && atlas schema clean --env local', 'allow', 'no-risk'],
        ['cd at && atlas schema clean --env staging', 'allow', 'no-risk'],
        ['cd at && atlas schema clean --env scratch', 'allow', 'no-risk'],
        ['cd at && atlas schema clean --env prod -u sqlite://app.db', 'allow', 'no-risk'],
        ['cd at && atlas migrate apply --env prod', 'allow', 'no-risk'],
        // Flask: SQLALCHEMY_DATABASE_URI in the application's Python (a test config class aside)
        ['cd fl && flask db downgrade base', 'deny', 'remote-data-delete', ['postgresql', 'config.py']],
        ['cd flpkg && flask db downgrade -2', 'deny', 'remote-data-delete', ['mysql', 'shop/__init__.py']],
        ['cd fl && flask db downgrade', 'allow', 'no-risk'],
        ['cd fl && flask db upgrade', 'allow', 'no-risk'],
        ['cd fl && DATABASE_URL=sqlite:///test.db flask db downgrade base', 'allow', 'no-risk'],
        ['cd flmt && flask db downgrade base', 'allow', 'no-risk'],
      ]);
      expect((await evaluatedVerdict(t, 'cd mvn && mvn liquibase:rollback -Dliquibase.rollbackCount=3', { asAgent: true })).instead).toMatch(/pg_dump|mysqldump/);
    });
  });

  it('refuses through guard check-command', async () => {
    await template.withCopy((t) => {
      const verdict = checkVerdict(t, 'cd dc && docker compose run --rm migrate down -all', { asAgent: true });
      expect([verdict.verdict, verdict.rule]).toEqual(['deny', 'remote-data-delete']);
    });
  });
});
