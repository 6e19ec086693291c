/**
 * Administers API keys from the command line (an admin endpoint comes with the registry).
 *   node dist/libs/auth/src/keys.cli.js create <schema> <role> <subject> [name]
 *   node dist/libs/auth/src/keys.cli.js revoke <schema> <id>
 * `schema` is the service that checks the key: `ingest` (operators' sites) or `api` (ops, partners, admins).
 * Prints the key once, on stdout; it is stored hashed.
 */
import { DataSource } from 'typeorm';
import { ROLES, type Role } from './api-key';
import { ApiKeyRepository } from './api-key.repository';

async function main(argv: string[]): Promise<void> {
  const [command, schema, ...rest] = argv;
  if (!schema || !['ingest', 'api'].includes(schema)) throw new Error('schema must be ingest or api');
  const dataSource = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/airan' }).initialize();
  try {
    const keys = new ApiKeyRepository(dataSource, schema);
    if (command === 'create') {
      const [role, subject, name = `${role}:${subject}`] = rest;
      if (!ROLES.includes(role as Role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
      if (!subject) throw new Error('subject is required');
      const created = await keys.create(role as Role, subject, name);
      process.stdout.write(`${JSON.stringify(created)}\n`);
    } else if (command === 'revoke') {
      if (!(await keys.revoke(rest[0] ?? ''))) throw new Error(`no active key ${rest[0]}`);
    } else {
      throw new Error('usage: keys create <schema> <role> <subject> [name] | keys revoke <schema> <id>');
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
