/**
 * Key administration from the command line, through the same use cases as `POST /v1/admin/keys`:
 *   npm run keys -- create <role> <subject> [name]     role: admin | ops | partner | operator
 *   npm run keys -- revoke <id>
 * Uses DATABASE_URL and KAFKA_TOPIC_PREFIX like the api (run the api once first: it owns the tables).
 * Prints the new key once, as JSON on stdout; only its hash is stored. Operator keys reach ingest
 * through the registry topic, relayed by the running api.
 */
import { DataSource } from 'typeorm';
import { ApiKeyRepository } from '@airan/auth';
import { topicNames } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { IssueApiKeyUseCase } from '../keys/issue-api-key.use-case';
import { RevokeApiKeyUseCase } from '../keys/revoke-api-key.use-case';
import { RegistryRepository } from '../registry/registry.repository';

const USAGE = 'usage: keys create <role> <subject> [name] | keys revoke <id>';

async function main([command, ...args]: string[]): Promise<void> {
  if (!(command === 'create' && args.length >= 1 && args.length <= 3) && !(command === 'revoke' && args.length === 1)) throw new Error(USAGE);
  const dataSource = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/airan' }).initialize();
  const infra = { dataSource, topics: topicNames(process.env.KAFKA_TOPIC_PREFIX ?? '') };
  const keys = new ApiKeyRepository(dataSource, 'api');
  const registry = new RegistryRepository(new OutboxRepository('api'));
  try {
    if (command === 'create') {
      // A missing subject is left to the use case, which names the field.
      const [role, subject, name = subject === undefined ? undefined : `${role}:${subject}`] = args;
      const issued = await new IssueApiKeyUseCase(infra, keys, registry).execute({ role, subject, name });
      process.stdout.write(`${JSON.stringify(issued)}\n`);
    } else if (command === 'revoke') {
      await new RevokeApiKeyUseCase(infra, keys, registry).execute(args[0]);
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((error: Error & { details?: unknown }) => {
  process.stderr.write(`${error.message}${error.details ? ` ${JSON.stringify(error.details)}` : ''}\n`);
  process.exit(1);
});
