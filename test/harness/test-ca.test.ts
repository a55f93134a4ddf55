import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../src/harness/fixture-server.js';
import { ensureTestCa, SYSTEM_CA_BUNDLE, type TestCa } from '../../src/harness/test-ca.js';
import { curl } from '../support/curl.js';

const HOSTS = ['nodejs.org', 'registry.npmjs.org', 'open.bigmodel.cn', 'cdn.ccenv.test'];

describe('test CA', () => {
  let ca: TestCa;
  let server: FixtureServer;
  let port: number;

  beforeAll(async () => {
    ca = await ensureTestCa(HOSTS);
    server = await startFixtureServer({
      tls: { cert: ca.chain, key: ca.key },
      sites: [{ host: '*', name: 'echo', handler: (r) => ({ status: 200, body: `hello ${r.host}\n` }) }],
    });
    port = server.httpsPort as number;
  });
  afterAll(() => server?.close());

  test('openssl verifies the server certificate against the CA, with every host as a SAN', async () => {
    const v = await execa('openssl', ['verify', '-CAfile', ca.caCert, ca.cert], { reject: false });
    expect(v.exitCode, String(v.stderr)).toBe(0);
    const text = String((await execa('openssl', ['x509', '-in', ca.cert, '-noout', '-ext', 'subjectAltName'])).stdout);
    for (const h of HOSTS) expect(text).toContain(`DNS:${h}`);
    expect(text).toContain('IP Address:127.0.0.1');
  });

  test('curl trusts the server for each host name with --cacert, and only then', async () => {
    for (const h of HOSTS) {
      const r = await curl(`https://${h}:${port}/x`, { port, cacert: ca.caCert });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.body).toBe(`hello ${h}\n`);
    }
    const untrusted = await curl(`https://nodejs.org:${port}/x`, { port, cacert: SYSTEM_CA_BUNDLE });
    expect(untrusted.exitCode).toBe(60); // SSL certificate problem
    const otherName = await curl(`https://example.com:${port}/x`, { port, cacert: ca.caCert });
    expect(otherName.exitCode).toBe(60); // no alternative certificate subject name matches
  });

  test('the combined bundle holds the system CAs and the test CA', async () => {
    const bundle = readFileSync(ca.bundle, 'utf8');
    expect(bundle.startsWith(readFileSync(SYSTEM_CA_BUNDLE, 'utf8'))).toBe(true);
    expect(bundle).toContain(readFileSync(ca.caCert, 'utf8'));
    const r = await curl(`https://cdn.ccenv.test:${port}/x`, { port, cacert: ca.bundle });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  test('is cached by host list (order and case do not matter); another list gets another CA', async () => {
    const again = await ensureTestCa([...HOSTS].reverse().map((h) => h.toUpperCase()));
    expect(again.dir).toBe(ca.dir);
    expect(readFileSync(again.caCert, 'utf8')).toBe(readFileSync(ca.caCert, 'utf8'));
    const other = await ensureTestCa(['only.example.test']);
    expect(other.dir).not.toBe(ca.dir);
    await expect(ensureTestCa(['bad host'])).rejects.toThrow(/not a host name/);
  });
});
