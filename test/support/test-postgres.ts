/** The Postgres server the tests use, as its superuser on the `postgres` database (global-setup.ts points TEST_POSTGRES_URL at a container when it starts one). */
export function adminDatabaseUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}
