/**
 * docker-compose.yml must agree with the code it deploys: every variable an app service sets is a
 * key of that app's zod config schema (a renamed variable would otherwise be silently ignored and
 * the default used), PORT is the app's default and is published as host=container, KAFKA_BROKERS
 * points at the kafka service's advertised listener and DATABASE_URL at the postgres service, and
 * api and alerting share one ALERTING_OPS_TOKEN. The broker authenticates and authorises every
 * listener, the apps log in as a super user the internal listener's JAAS knows with their password, and
 * partners have a published SCRAM-only listener that the api hands out. Reads the file only, interpolating `${…}` as
 * compose does: no Docker, no running services.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { generateApiKey } from '@airan/auth';
import { alertingConfigSchema } from '../apps/alerting/src/alerting.config';
import { apiConfigSchema } from '../apps/api/src/api.config';
import { ingestConfigSchema } from '../apps/ingest/src/ingest.config';
import { loadConfigSchema } from '../apps/load/src/load.config';
import { shareConfigSchema } from '../apps/share/src/share.config';
import { simulatorConfigSchema } from '../apps/simulator/src/main';

const COMPOSE_FILE = join(__dirname, '..', 'docker-compose.yml');

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

const APP_SCHEMAS: Record<string, AnyObjectSchema> = {
  ingest: ingestConfigSchema,
  load: loadConfigSchema,
  alerting: alertingConfigSchema,
  api: apiConfigSchema,
  share: shareConfigSchema,
};

type Service = Record<string, unknown>;
interface ComposeDoc {
  services: Record<string, Service>;
}

/** The environment `docker compose` is run in: the secrets the header tells the user to make. */
const COMPOSE_VARIABLES = {
  ALERTING_OPS_TOKEN: generateApiKey().key,
  AIRAN_KAFKA_PASSWORD: randomBytes(24).toString('hex'),
  AIRAN_KAFKA_CONTROLLER_PASSWORD: randomBytes(24).toString('hex'),
};

/**
 * Compose's interpolation of every string value: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, and `${VAR:?error}` / `${VAR?error}`, which refuse to run when it is unset.
 */
function interpolate(value: unknown, variables: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(?:\$|\{([A-Za-z_]\w*)(?:(:?)([-?])([^}]*))?\}|([A-Za-z_]\w*))/g, (match, braced?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const current = variables[name];
      const unset = current === undefined || (colon === ':' && current === '');
      if (op === '-') return unset ? arg! : current;
      if (op === '?' && unset) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      return current ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, variables));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, variables)]));
  }
  return value;
}

function loadCompose(text = readFileSync(COMPOSE_FILE, 'utf8'), variables: Record<string, string> = COMPOSE_VARIABLES): ComposeDoc {
  // Compose honours YAML merge keys (`<<: *anchor`); the yaml package does only when asked.
  return interpolate(parse(text, { merge: true }), variables) as ComposeDoc;
}

/** `environment` as a string map, from either the mapping or the `KEY=value` list form. */
function environmentOf(service: Service): Record<string, string> {
  const env = service.environment;
  if (env === undefined || env === null) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const s = String(entry);
        const eq = s.indexOf('=');
        return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env as Record<string, unknown>).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Published ports as { host, container } pairs, from the short ("[ip:]host:container[/proto]") or long syntax. */
function portsOf(service: Service): Array<{ host: number | undefined; container: number }> {
  const ports = (service.ports ?? []) as unknown[];
  return ports.map((p) => {
    if (typeof p === 'object' && p !== null) {
      const long = p as { target?: unknown; published?: unknown };
      return { host: long.published === undefined ? undefined : Number(long.published), container: Number(long.target) };
    }
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const container = Number(parts[parts.length - 1]);
    const host = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined;
    return { host, container };
  });
}

/**
 * The broker properties the apache/kafka image makes of its KAFKA_* variables: the prefix dropped,
 * lower case, "___" read as "-", "__" as "_" and "_" as ".".
 */
function brokerProperties(kafka: Service): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(environmentOf(kafka))) {
    if (!name.startsWith('KAFKA_')) continue;
    const key = name
      .slice('KAFKA_'.length)
      .toLowerCase()
      .split('___')
      .map((part) => part.split('__').map((word) => word.replace(/_/g, '.')).join('_'))
      .join('-');
    properties[key] = value;
  }
  return properties;
}

/** listener name -> its entry in a Kafka "NAME://host:port,…" or "NAME:VALUE,…" list. */
function listenerMap(list: string | undefined, separator: string): Map<string, string> {
  const entries = (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf(separator)), entry.slice(entry.indexOf(separator) + separator.length)]));
}

/** `host:port` of each advertised Kafka listener except the controller's. */
function kafkaAdvertised(kafka: Service): string[] {
  const props = brokerProperties(kafka);
  const controllers = (props['controller.listener.names'] ?? '').split(',').map((s) => s.trim());
  return [...listenerMap(props['advertised.listeners'], '://')].filter(([name]) => !controllers.includes(name)).map(([, address]) => address);
}

/** The username, password and `user_<name>` passwords in a PLAIN JAAS line. */
function plainJaas(jaas: string | undefined): { username?: string; password?: string; users: Record<string, string> } {
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(jaas ?? '')?.[1];
  const users = Object.fromEntries([...(jaas ?? '').matchAll(/\buser_([\w.-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  return { username: field('username'), password: field('password'), users };
}

/** Every way the broker's listeners would let a client in unauthenticated, or refuse the apps or partners. */
function kafkaSecurityProblems(doc: ComposeDoc): string[] {
  const problems: string[] = [];
  const kafka = doc.services.kafka;
  if (!kafka) return ['no kafka service'];
  const props = brokerProperties(kafka);
  const protocols = listenerMap(props['listener.security.protocol.map'], ':');
  const advertised = listenerMap(props['advertised.listeners'], '://');
  const mechanisms = (listener: string) => (props[`listener.name.${listener.toLowerCase()}.sasl.enabled.mechanisms`] ?? props['sasl.enabled.mechanisms'] ?? 'GSSAPI').split(',').map((m) => m.trim());
  const jaasOf = (listener: string, mechanism: string) => props[`listener.name.${listener.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config`];

  if (props['authorizer.class.name'] !== 'org.apache.kafka.metadata.authorizer.StandardAuthorizer') problems.push('kafka: authorizer.class.name is not StandardAuthorizer');
  for (const listener of listenerMap(props.listeners, '://').keys()) {
    if (!/^SASL_/.test(protocols.get(listener) ?? '')) problems.push(`kafka: listener ${listener} is ${protocols.get(listener) ?? 'unmapped'}, not SASL`);
  }
  const superUsers = (props['super.users'] ?? '').split(';').map((s) => s.trim());

  // The broker's own logins: to itself between brokers, and to its controller.
  for (const [listener, mechanism] of [
    [props['inter.broker.listener.name'], props['sasl.mechanism.inter.broker.protocol']],
    [props['controller.listener.names'], props['sasl.mechanism.controller.protocol']],
  ]) {
    if (!listener || !mechanism) {
      problems.push(`kafka: the broker's own login on ${listener ?? '?'} has no mechanism`);
      continue;
    }
    if (!mechanisms(listener).includes(mechanism)) problems.push(`kafka: listener ${listener} does not enable ${mechanism}, its own login`);
    const jaas = plainJaas(jaasOf(listener, mechanism));
    if (!jaas.username || jaas.users[jaas.username] !== jaas.password) problems.push(`kafka: listener ${listener}'s JAAS does not accept its own login`);
    if (!superUsers.includes(`User:${jaas.username}`)) problems.push(`kafka: ${jaas.username} (the broker's own login on ${listener}) is not a super user`);
  }

  const partnerBootstrap = doc.services.api ? environmentOf(doc.services.api).API_PARTNER_KAFKA_BOOTSTRAP : undefined;
  for (const name of Object.keys(APP_SCHEMAS)) {
    const service = doc.services[name];
    if (!service) continue;
    const env = environmentOf(service);
    const listener = [...advertised].find(([, address]) => address === env.KAFKA_BROKERS)?.[0];
    if (!listener) continue; // composeProblems reports a broker that is not advertised
    const mechanism = (env.KAFKA_SASL_MECHANISM ?? '').toUpperCase();
    if (!mechanisms(listener).includes(mechanism)) problems.push(`${name}: KAFKA_SASL_MECHANISM ${mechanism || 'unset'} is not enabled on listener ${listener}`);
    if (mechanism === 'PLAIN' && plainJaas(jaasOf(listener, 'PLAIN')).users[env.KAFKA_SASL_USERNAME] !== env.KAFKA_SASL_PASSWORD) {
      problems.push(`${name}: listener ${listener} does not know ${env.KAFKA_SASL_USERNAME} with its KAFKA_SASL_PASSWORD`);
    }
    if (!superUsers.includes(`User:${env.KAFKA_SASL_USERNAME}`)) problems.push(`${name}: ${env.KAFKA_SASL_USERNAME} is not a super user, so ACLs would refuse it`);
  }
  if (Object.keys(APP_SCHEMAS).some((name) => doc.services[name] && environmentOf(doc.services[name]).KAFKA_BROKERS === partnerBootstrap)) {
    problems.push(`api: API_PARTNER_KAFKA_BOOTSTRAP is the services' listener`);
  }

  // Partners: the address the api hands out is a published listener that takes SCRAM only.
  const partner = [...advertised].find(([, address]) => address === partnerBootstrap)?.[0];
  if (!partner) problems.push(`api: API_PARTNER_KAFKA_BOOTSTRAP ${partnerBootstrap ?? 'unset'} is not an advertised kafka listener`);
  else {
    if (mechanisms(partner).join(',') !== 'SCRAM-SHA-512') problems.push(`kafka: the partner listener ${partner} enables ${mechanisms(partner).join(',')}, not SCRAM-SHA-512 only`);
    if (!/ScramLoginModule required/.test(jaasOf(partner, 'SCRAM-SHA-512') ?? '')) problems.push(`kafka: the partner listener ${partner} has no SCRAM JAAS`);
    const port = Number(partnerBootstrap!.split(':').pop());
    if (!portsOf(kafka).some((p) => p.container === port && p.host === port)) problems.push(`kafka: the partner listener's port ${port} is not published`);
  }

  const healthcheck = JSON.stringify((kafka.healthcheck as { test?: unknown } | undefined)?.test ?? '');
  if (!healthcheck.includes('--command-config')) problems.push('kafka: the healthcheck does not log in (--command-config)');
  return problems;
}

function defaultPort(schema: AnyObjectSchema): number {
  return (schema.shape.PORT as z.ZodTypeAny).parse(undefined) as number;
}

/** Every mismatch between the compose document and the apps' config schemas, as readable lines. */
function composeProblems(doc: ComposeDoc): string[] {
  const problems: string[] = [];
  const services = doc.services ?? {};
  const kafka = services.kafka;
  const postgres = services.postgres;
  if (!kafka) problems.push('no kafka service');
  if (!postgres) problems.push('no postgres service');
  const advertised = kafka ? kafkaAdvertised(kafka) : [];
  const kafkaNames = new Set(['kafka', ...(kafka && typeof kafka.hostname === 'string' ? [kafka.hostname] : [])]);

  for (const [name, schema] of Object.entries(APP_SCHEMAS)) {
    const service = services[name];
    if (!service) {
      problems.push(`${name}: service missing`);
      continue;
    }
    const env = environmentOf(service);
    const keys = Object.keys(schema.shape);
    for (const variable of Object.keys(env)) {
      if (!keys.includes(variable)) problems.push(`${name}: ${variable} is not a variable of its config schema`);
    }
    const parsed = schema.safeParse(env);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${name}: ${issue.path.join('.')} ${issue.message}`);
    }

    const port = defaultPort(schema);
    if (env.PORT === undefined) problems.push(`${name}: PORT not set (expected ${port})`);
    else if (Number(env.PORT) !== port) problems.push(`${name}: PORT ${env.PORT} is not the app's default ${port}`);
    const published = portsOf(service);
    if (!published.some((p) => p.container === Number(env.PORT) && p.host === Number(env.PORT))) {
      problems.push(`${name}: PORT ${env.PORT} is not published as ${env.PORT}:${env.PORT} (ports: ${JSON.stringify(service.ports ?? [])})`);
    }
    if (env.HTTP_HOST !== '0.0.0.0') problems.push(`${name}: HTTP_HOST must be 0.0.0.0 to be reachable from outside the container`);

    const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
    if (brokers.length === 0) problems.push(`${name}: KAFKA_BROKERS not set`);
    for (const broker of brokers) {
      if (!advertised.includes(broker)) problems.push(`${name}: KAFKA_BROKERS ${broker} is not an advertised kafka listener (${advertised.join(', ')})`);
      if (!kafkaNames.has(broker.split(':')[0])) problems.push(`${name}: KAFKA_BROKERS ${broker} is not the kafka service`);
    }

    let dbHost: string | undefined;
    try {
      const url = new URL(env.DATABASE_URL ?? '');
      dbHost = url.hostname;
      if (postgres) {
        const db = environmentOf(postgres).POSTGRES_DB ?? environmentOf(postgres).POSTGRES_USER ?? 'postgres';
        if (url.pathname.slice(1) !== db) problems.push(`${name}: DATABASE_URL database ${url.pathname.slice(1)} is not POSTGRES_DB ${db}`);
        if ((url.port || '5432') !== '5432') problems.push(`${name}: DATABASE_URL port ${url.port} is not postgres's 5432`);
      }
    } catch {
      problems.push(`${name}: DATABASE_URL ${JSON.stringify(env.DATABASE_URL)} is not a URL`);
    }
    if (dbHost !== undefined && dbHost !== 'postgres') problems.push(`${name}: DATABASE_URL host ${dbHost} is not the postgres service`);

    const build = service.build as { args?: Record<string, unknown> } | undefined;
    if (String(build?.args?.APP) !== name) problems.push(`${name}: build arg APP is ${String(build?.args?.APP)}, expected ${name}`);
    const dependsOn = (service.depends_on ?? {}) as Record<string, { condition?: string }>;
    for (const dep of ['kafka', 'postgres']) {
      if (dependsOn[dep]?.condition !== 'service_healthy') problems.push(`${name}: does not wait for ${dep} to be healthy`);
    }
    const healthcheck = JSON.stringify((service.healthcheck as { test?: unknown } | undefined)?.test ?? '');
    if (!healthcheck.includes('/health/ready')) problems.push(`${name}: healthcheck does not probe /health/ready`);
  }

  // The api calls alerting's ops routes with its token; alerting accepts only its own.
  if (services.api && services.alerting) {
    const [apiToken, alertingToken] = [services.api, services.alerting].map((s) => environmentOf(s).ALERTING_OPS_TOKEN);
    if (!apiToken || !alertingToken) problems.push('ALERTING_OPS_TOKEN is not set on both api and alerting: the ops routes answer 401/503');
    else if (apiToken !== alertingToken) problems.push('api and alerting have different ALERTING_OPS_TOKEN values: alerting answers the api 401');
  }
  return problems;
}

describe('docker-compose.yml', () => {
  const text = readFileSync(COMPOSE_FILE, 'utf8');
  const doc = loadCompose(text);

  it('has the infrastructure and the five app services', () => {
    for (const name of ['kafka', 'postgres', 'ingest', 'load', 'alerting', 'api', 'share']) expect(Object.keys(doc.services)).toContain(name);
  });

  it('configures every app with its own config schema variables, ports, Kafka and Postgres', () => {
    expect(composeProblems(doc)).toEqual([]);
  });

  it('runs Kafka in KRaft combined mode without topic auto-creation', () => {
    const env = environmentOf(doc.services.kafka);
    expect(env.KAFKA_PROCESS_ROLES.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(kafkaAdvertised(doc.services.kafka)).toEqual(['kafka:9092', 'localhost:9094']);
  });

  it('authenticates and authorises every Kafka listener, with the apps as super users and partners on SCRAM', () => {
    expect(kafkaSecurityProblems(doc)).toEqual([]);
    expect(environmentOf(doc.services.api).API_PARTNER_KAFKA_BOOTSTRAP).toBe('localhost:9094');
    const elsewhere = loadCompose(text, { ...COMPOSE_VARIABLES, AIRAN_PARTNER_KAFKA_HOST: 'kafka.example.kr' });
    expect(kafkaAdvertised(elsewhere.services.kafka)).toContain('kafka.example.kr:9094');
    expect(kafkaSecurityProblems(elsewhere)).toEqual([]);
  });

  it('requires the Kafka passwords', () => {
    const { AIRAN_KAFKA_PASSWORD: _internal, ...withoutInternal } = COMPOSE_VARIABLES;
    expect(() => loadCompose(text, withoutInternal)).toThrow('required variable AIRAN_KAFKA_PASSWORD is missing a value');
    const { AIRAN_KAFKA_CONTROLLER_PASSWORD: _controller, ...withoutController } = COMPOSE_VARIABLES;
    expect(() => loadCompose(text, withoutController)).toThrow('required variable AIRAN_KAFKA_CONTROLLER_PASSWORD is missing a value');
  });

  it('has a simulator in the sim profile, configured by its own schema and pointed at ingest', () => {
    const sim = doc.services.simulator;
    expect(sim).toBeDefined();
    expect(sim.profiles).toEqual(['sim']);
    const env = environmentOf(sim);
    for (const variable of Object.keys(env)) expect(Object.keys(simulatorConfigSchema.shape)).toContain(variable);
    const ingestUrl = new URL(env.INGEST_URL);
    expect(ingestUrl.hostname).toBe('ingest');
    expect(Number(ingestUrl.port)).toBe(defaultPort(ingestConfigSchema));
  });

  it('gives api and alerting the one ALERTING_OPS_TOKEN of its environment, and requires it', () => {
    for (const name of ['api', 'alerting']) expect(environmentOf(doc.services[name]).ALERTING_OPS_TOKEN).toBe(COMPOSE_VARIABLES.ALERTING_OPS_TOKEN);
    expect(() => loadCompose(text, { ...COMPOSE_VARIABLES, ALERTING_OPS_TOKEN: '' })).toThrow('required variable ALERTING_OPS_TOKEN is missing a value');
  });

  describe('catches drift', () => {
    const mutated = (edit: (doc: ComposeDoc) => void, check: (doc: ComposeDoc) => string[] = composeProblems): string[] => {
      const copy = loadCompose(text);
      edit(copy);
      return check(copy);
    };
    const env = (d: ComposeDoc, service: string) => d.services[service].environment as Record<string, unknown>;

    it('a renamed variable', () => {
      const problems = mutated((d) => {
        const e = env(d, 'load');
        e.KAFKA_BROKER = e.KAFKA_BROKERS;
        delete e.KAFKA_BROKERS;
      });
      expect(problems).toEqual(expect.arrayContaining(['load: KAFKA_BROKER is not a variable of its config schema', 'load: KAFKA_BROKERS not set']));
    });

    it('a wrong or unpublished port', () => {
      expect(mutated((d) => (env(d, 'api').PORT = 3005))).toEqual(
        expect.arrayContaining([expect.stringContaining("api: PORT 3005 is not the app's default 3000")]),
      );
      expect(mutated((d) => (d.services.alerting.ports = ['13003:3003']))).toEqual([
        expect.stringContaining('alerting: PORT 3003 is not published as 3003:3003'),
      ]);
    });

    it('a broker or database that is not the compose service', () => {
      expect(mutated((d) => (env(d, 'ingest').KAFKA_BROKERS = 'localhost:9092'))).toEqual(
        expect.arrayContaining([expect.stringContaining('ingest: KAFKA_BROKERS localhost:9092 is not an advertised kafka listener')]),
      );
      expect(mutated((d) => (env(d, 'ingest').DATABASE_URL = 'postgres://postgres@db:5432/airan'))).toEqual([
        'ingest: DATABASE_URL host db is not the postgres service',
      ]);
    });

    it('an ops token missing on one side or different on each', () => {
      expect(mutated((d) => delete env(d, 'alerting').ALERTING_OPS_TOKEN)).toEqual([
        'ALERTING_OPS_TOKEN is not set on both api and alerting: the ops routes answer 401/503',
      ]);
      expect(mutated((d) => (env(d, 'api').ALERTING_OPS_TOKEN = generateApiKey().key))).toEqual([
        'api and alerting have different ALERTING_OPS_TOKEN values: alerting answers the api 401',
      ]);
    });

    describe('in the broker security', () => {
      const kafkaSecurity = (edit: (doc: ComposeDoc) => void) => mutated(edit, kafkaSecurityProblems);

      it('a misspelt property (an underscore doubled) leaves the broker without its own login', () => {
        expect(
          kafkaSecurity((d) => {
            const e = env(d, 'kafka');
            e.KAFKA_SASL_MECHANISM_INTER__BROKER_PROTOCOL = e.KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL;
            delete e.KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL;
          }),
        ).toEqual(["kafka: the broker's own login on INTERNAL has no mechanism"]);
      });

      it('no authorizer, or a PLAINTEXT listener', () => {
        expect(kafkaSecurity((d) => delete env(d, 'kafka').KAFKA_AUTHORIZER_CLASS_NAME)).toEqual(['kafka: authorizer.class.name is not StandardAuthorizer']);
        expect(kafkaSecurity((d) => (env(d, 'kafka').KAFKA_LISTENER_SECURITY_PROTOCOL_MAP = 'INTERNAL:SASL_PLAINTEXT,PARTNER:PLAINTEXT,CONTROLLER:SASL_PLAINTEXT'))).toContain(
          'kafka: listener PARTNER is PLAINTEXT, not SASL',
        );
      });

      it('an app password the broker does not know, or an app that is not a super user', () => {
        expect(kafkaSecurity((d) => (env(d, 'share').KAFKA_SASL_PASSWORD = 'stale'))).toEqual(['share: listener INTERNAL does not know airan with its KAFKA_SASL_PASSWORD']);
        expect(kafkaSecurity((d) => (env(d, 'kafka').KAFKA_SUPER_USERS = 'User:controller'))).toEqual(
          expect.arrayContaining(["kafka: airan (the broker's own login on INTERNAL) is not a super user", 'load: airan is not a super user, so ACLs would refuse it']),
        );
      });

      it('a partner listener that takes PLAIN too, or is not published', () => {
        expect(kafkaSecurity((d) => (env(d, 'kafka').KAFKA_LISTENER_NAME_PARTNER_SASL_ENABLED_MECHANISMS = 'SCRAM-SHA-512,PLAIN'))).toEqual([
          'kafka: the partner listener PARTNER enables SCRAM-SHA-512,PLAIN, not SCRAM-SHA-512 only',
        ]);
        expect(kafkaSecurity((d) => (d.services.kafka.ports = []))).toEqual(["kafka: the partner listener's port 9094 is not published"]);
        expect(kafkaSecurity((d) => (env(d, 'api').API_PARTNER_KAFKA_BOOTSTRAP = 'kafka:9092'))).toEqual(
          expect.arrayContaining(['api: API_PARTNER_KAFKA_BOOTSTRAP is the services\' listener']),
        );
      });

      it('a healthcheck that does not log in', () => {
        expect(
          kafkaSecurity((d) => ((d.services.kafka.healthcheck as { test: unknown }).test = ['CMD-SHELL', '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server kafka:9092'])),
        ).toEqual(['kafka: the healthcheck does not log in (--command-config)']);
      });
    });

    it('a missing app service', () => {
      expect(mutated((d) => delete d.services.alerting)).toEqual(['alerting: service missing']);
    });
  });
});
