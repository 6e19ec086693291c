import { createHash, createHmac } from 'node:crypto';
import { alterUserScramCredentialsRequest, saltedPassword } from './scram.admin';

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

describe('saltedPassword', () => {
  it('gives the SaltedPassword from which RFC 7677 derives its example ServerSignature and ClientProof', () => {
    // RFC 7677 section 3: user "user", password "pencil".
    const salted = saltedPassword('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096, 'scram-sha-256');
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    expect(hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    const clientKey = hmac(salted, 'Client Key');
    const signature = hmac(createHash('sha256').update(clientKey).digest(), authMessage);
    expect(Buffer.from(clientKey.map((b, i) => b ^ signature[i])).toString('base64')).toBe('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  });

  it('is 64 bytes for SCRAM-SHA-512', () => {
    expect(saltedPassword('pw', Buffer.alloc(16), 4096, 'scram-sha-512')).toHaveLength(64);
  });
});

describe('AlterUserScramCredentials v0', () => {
  it('encodes deletions and upsertions as the flexible request (header tag buffer first, compact fields)', async () => {
    const salt = Buffer.from([1, 2]);
    const salted = Buffer.from([9]);
    const { request } = alterUserScramCredentialsRequest([{ user: 'a', mechanism: 'scram-sha-512' }], [{ user: 'bc', mechanism: 'scram-sha-256', iterations: 4096, salt, saltedPassword: salted }]);
    expect([request.apiKey, request.apiVersion]).toEqual([51, 0]);
    const bytes = (await request.encode()) as unknown as { buffer: Buffer };
    expect([...bytes.buffer]).toEqual([
      0, // request header v2's tag buffer
      2, 2, 0x61, 2, 0, // one deletion: "a", SCRAM-SHA-512, no tags
      2, 3, 0x62, 0x63, 1, 0, 0, 0x10, 0, 3, 1, 2, 2, 9, 0, // one upsertion: "bc", SCRAM-SHA-256, 4096, salt, salted password
      0, // the body's tag buffer
    ]);
  });

  it('decodes each user result with its error code and message', async () => {
    const { response } = alterUserScramCredentialsRequest([], []);
    // header tags, throttle 0, two results ("a" ok; "b" 91 with a message), body tags
    const payload = Buffer.from([0, 0, 0, 0, 0, 3, 2, 0x61, 0, 0, 0, 0, 2, 0x62, 0, 91, 3, 0x6e, 0x6f, 0, 0]);
    expect(await response.decode(payload)).toEqual([
      { user: 'a', code: 0, reason: null },
      { user: 'b', code: 91, reason: 'no' },
    ]);
  });
});
