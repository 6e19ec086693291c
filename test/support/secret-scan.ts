/** Any airan API key: `airan_<12 hex id>_<43 base64url secret>` (libs/auth's format). */
const API_KEY = /airan_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/g;
/** Variables whose values are secrets: passwords, tokens, keys (not key *files*, which are paths). */
const SECRET_VARIABLE = /(PASSWORD|TOKEN|SECRET|_KEY)$/;
/** Shorter values are not secrets anyone would issue, and would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

/**
 * Where a process's output shows key material: any API key, and the value of any secret variable it was
 * given. Findings name the line and what leaked (the variable, or the key's public id), never the secret.
 */
export function leakedSecrets(output: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const secrets = Object.entries(env).filter(([name, value]) => SECRET_VARIABLE.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH) as Array<[string, string]>;
  return output.split('\n').flatMap((line, index) => [
    ...[...line.matchAll(API_KEY)].map(([key]) => `line ${index + 1}: an API key (id ${key.slice(6, 18)})`),
    ...secrets.filter(([, value]) => line.includes(value)).map(([name]) => `line ${index + 1}: the value of ${name}`),
  ]);
}
