import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { CommonConfig } from './config.env';
import { ConfigError } from './config.loader';

/** The PEM certificate (its chain after it) and private key an app serves HTTPS with. */
export interface HttpsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * The credentials HTTPS_CERT_FILE and HTTPS_KEY_FILE name, read at start-up: none when neither is set
 * (the app serves plain HTTP). A ConfigError when only one is (half a TLS set-up would otherwise serve
 * plain HTTP silently), when a file cannot be read, or when the two are not a certificate and its
 * unencrypted private key: the server would throw that later as a stack trace, after connecting to
 * Postgres and Kafka.
 */
export function httpsCredentialsOf(config: Pick<CommonConfig, 'HTTPS_CERT_FILE' | 'HTTPS_KEY_FILE'>): HttpsCredentials | undefined {
  const { HTTPS_CERT_FILE: certFile, HTTPS_KEY_FILE: keyFile } = config;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError([`${certFile === undefined ? 'HTTPS_CERT_FILE' : 'HTTPS_KEY_FILE'} is missing: HTTPS_CERT_FILE and HTTPS_KEY_FILE are set together`]);
  }
  const credentials = { cert: readNamed('HTTPS_CERT_FILE', certFile), key: readNamed('HTTPS_KEY_FILE', keyFile) };
  try {
    createSecureContext(credentials);
  } catch (error) {
    throw new ConfigError([`HTTPS_CERT_FILE ${JSON.stringify(certFile)} and HTTPS_KEY_FILE ${JSON.stringify(keyFile)} are not a PEM certificate and its unencrypted private key (${(error as Error).message})`]);
  }
  return credentials;
}

function readNamed(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError([`${variable} is ${JSON.stringify(file)}: cannot be read (${(error as Error).message})`]);
  }
}
