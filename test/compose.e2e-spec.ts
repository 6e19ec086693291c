/**
 * docker-compose.yml must agree with the code it deploys: every variable an app service sets is a
 * key of that app's zod config schema (a renamed variable would otherwise be silently ignored and
 * the default used), PORT is the app's default and is published as host=container, KAFKA_BROKERS
 * points at the kafka service's advertised listener and DATABASE_URL at the postgres service, and
 * api and alerting share one ALERTING_OPS_TOKEN. Reads the file only, interpolating `${…}` as
 * compose does: no Docker, no running services.
 */
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

/** The environment `docker compose` is run in: the ops token the header tells the user to make. */
const COMPOSE_VARIABLES = { ALERTING_OPS_TOKEN: generateApiKey().key };

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

/** `host:port` of each advertised Kafka listener except the controller's. */
function kafkaAdvertised(kafka: Service): string[] {
  const env = environmentOf(kafka);
  const controllers = (env.KAFKA_CONTROLLER_LISTENER_NAMES ?? '').split(',').map((s) => s.trim());
  return (env.KAFKA_ADVERTISED_LISTENERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((l) => /^([A-Za-z0-9_]+):\/\/(.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !controllers.includes(m[1]))
    .map((m) => m[2]);
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
    expect(kafkaAdvertised(doc.services.kafka)).toEqual(['kafka:9092']);
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
    expect(() => loadCompose(text, {})).toThrow('required variable ALERTING_OPS_TOKEN is missing a value');
    expect(() => loadCompose(text, { ALERTING_OPS_TOKEN: '' })).toThrow('required variable ALERTING_OPS_TOKEN is missing a value');
  });

  describe('catches drift', () => {
    const mutated = (edit: (doc: ComposeDoc) => void): string[] => {
      const copy = loadCompose(text);
      edit(copy);
      return composeProblems(copy);
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

    it('a missing app service', () => {
      expect(mutated((d) => delete d.services.alerting)).toEqual(['alerting: service missing']);
    });
  });
});
