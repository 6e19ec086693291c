import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.loader';
import { httpsCredentialsOf } from './https.credentials';

// A certificate that works, and one whose key does not match it, are test/https.e2e-spec.ts's: making one needs openssl.
describe('httpsCredentialsOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airan-https-'));
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'not a certificate\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const problemsOf = (config: { HTTPS_CERT_FILE?: string; HTTPS_KEY_FILE?: string }): readonly string[] => {
    try {
      httpsCredentialsOf(config);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('httpsCredentialsOf accepted the files');
  };

  it('gives none when neither variable is set: the app serves plain HTTP', () => {
    expect(httpsCredentialsOf({})).toBeUndefined();
  });

  it('names the variable missing when only one is set', () => {
    expect(problemsOf({ HTTPS_CERT_FILE: notPem })).toEqual(['HTTPS_KEY_FILE is missing: HTTPS_CERT_FILE and HTTPS_KEY_FILE are set together']);
    expect(problemsOf({ HTTPS_KEY_FILE: notPem })).toEqual(['HTTPS_CERT_FILE is missing: HTTPS_CERT_FILE and HTTPS_KEY_FILE are set together']);
  });

  it('names the variable and file that cannot be read, with the reason', () => {
    const absent = join(dir, 'absent.pem');
    expect(problemsOf({ HTTPS_CERT_FILE: absent, HTTPS_KEY_FILE: notPem })).toEqual([`HTTPS_CERT_FILE is "${absent}": cannot be read (ENOENT: no such file or directory, open '${absent}')`]);
    expect(problemsOf({ HTTPS_CERT_FILE: notPem, HTTPS_KEY_FILE: dir })).toEqual([expect.stringMatching(new RegExp(`^HTTPS_KEY_FILE is "${dir}": cannot be read \\(EISDIR`))]);
  });

  it('refuses files that are not a PEM certificate and key, naming both', () => {
    expect(problemsOf({ HTTPS_CERT_FILE: notPem, HTTPS_KEY_FILE: notPem })).toEqual([
      expect.stringMatching(new RegExp(`^HTTPS_CERT_FILE "${notPem}" and HTTPS_KEY_FILE "${notPem}" are not a PEM certificate and its unencrypted private key \\(.*PEM routines`)),
    ]);
  });
});
