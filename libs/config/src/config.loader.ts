import { z } from 'zod';

/** Raised when the environment does not satisfy an app's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` against a schema whose keys are the environment variable names, so every
 * problem names the variable to fix.
 */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const value = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
    const shown = value === undefined ? 'is missing' : `is ${displayed(variable, value)}`;
    return `${variable} ${shown}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Variables holding credentials (ops token, API keys): their values never reach a log or a terminal. */
const SECRET_VARIABLE = /(TOKEN|SECRET|PASSWORD|_KEYS?)$/;

/** The value as a start-up error may show it: secrets hidden, a URL's password masked. */
function displayed(variable: string, value: string): string {
  if (SECRET_VARIABLE.test(variable) && value !== '') return `set (${value.length} characters, not shown)`;
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = '***';
      return JSON.stringify(url.toString());
    }
  } catch {
    // Not a URL: shown as given.
  }
  return JSON.stringify(value);
}
