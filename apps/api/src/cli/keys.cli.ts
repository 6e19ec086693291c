/**
 * Key administration from the command line, through the same use cases as `POST /v1/admin/keys`:
 *   npm run keys -- create <role> <subject> [name]     role: admin | ops | partner | operator
 *   npm run keys -- revoke <id>
 *   npm run keys -- grant put <id> '<grant JSON>'      a partner's grant (body of PUT /v1/registry/grant/<id>)
 *   npm run keys -- grant delete <id>
 * Uses DATABASE_URL and KAFKA_TOPIC_PREFIX like the api (run the api once first: it owns the tables).
 * Prints the new key once, as JSON on stdout; only its hash is stored. Operator keys and grants reach
 * the other services through the registry topic, relayed by the running api. A grant is validated as the
 * api validates it, and printed as stored.
 */
import { DataSource } from 'typeorm';
import { ApiKeyRepository } from '@airan/auth';
import { topicNames } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { IssueApiKeyUseCase } from '../keys/issue-api-key.use-case';
import { RevokeApiKeyUseCase } from '../keys/revoke-api-key.use-case';
import { DeleteRegistryEntityUseCase } from '../registry/delete-registry-entity.use-case';
import { RegistryRepository } from '../registry/registry.repository';
import { UpsertRegistryEntityUseCase } from '../registry/upsert-registry-entity.use-case';

const USAGE = "usage: keys create <role> <subject> [name] | keys revoke <id> | keys grant put <id> '<json>' | keys grant delete <id>";

function understood(command: string, args: string[]): boolean {
  if (command === 'create') return args.length >= 1 && args.length <= 3;
  if (command === 'revoke') return args.length === 1;
  return command === 'grant' && ((args[0] === 'put' && args.length === 3) || (args[0] === 'delete' && args.length === 2));
}

/** The grant's JSON, or an error naming what is wrong with it. */
function grantBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the grant is not JSON: ${(error as Error).message}`);
  }
}

async function main([command, ...args]: string[]): Promise<void> {
  if (!understood(command, args)) throw new Error(USAGE);
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
    } else if (args[0] === 'put') {
      const stored = await new UpsertRegistryEntityUseCase(infra, registry).execute('grant', args[1], grantBody(args[2]));
      process.stdout.write(`${JSON.stringify(stored)}\n`);
    } else {
      await new DeleteRegistryEntityUseCase(infra, registry).execute('grant', args[1]);
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((error: Error & { details?: unknown }) => {
  process.stderr.write(`${error.message}${error.details ? ` ${JSON.stringify(error.details)}` : ''}\n`);
  process.exit(1);
});
