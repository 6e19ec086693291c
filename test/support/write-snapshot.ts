import { Client } from 'pg';
import { testKafka } from './test-kafka';
import type { Isolation } from './stack';

/**
 * Everything an isolation has written, as digests: each table's rows (every schema of its database)
 * and each of its topics' end offsets. Two equal snapshots around a request prove it wrote nothing,
 * an update in place included, not only that no row was added.
 */
export async function writeSnapshot(isolation: Isolation): Promise<Record<string, string>> {
  const [tables, topics] = await Promise.all([tableDigests(isolation.databaseUrl), topicEnds(isolation.topicPrefix)]);
  return { ...tables, ...topics };
}

async function tableDigests(databaseUrl: string): Promise<Record<string, string>> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows: tables } = await db.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const digests: Record<string, string> = {};
    for (const { name } of tables) {
      // Names come from the catalogue, quoted by format('%I'): nothing of a request reaches this SQL.
      const { rows } = await db.query<{ digest: string }>(`SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM ${name} t`);
      digests[`table ${name}`] = rows[0]!.digest;
    }
    return digests;
  } finally {
    await db.end();
  }
}

async function topicEnds(prefix: string): Promise<Record<string, string>> {
  const admin = testKafka('airan-test-write-snapshot').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
    const ends: Record<string, string> = {};
    for (const topic of topics) ends[`topic ${topic}`] = (await admin.fetchTopicOffsets(topic)).map((p) => `${p.partition}:${p.high}`).join(',');
    return ends;
  } finally {
    await admin.disconnect();
  }
}
