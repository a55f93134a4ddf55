// A throwaway certificate authority and one server certificate for the real host names a scenario
// answers for (nodejs.org, registry.npmjs.org, the provider's API host, the CDN host …), made with
// the openssl CLI and cached under ~/.cache/ccenv/tls/<hash of the host list>/.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir, shortHash } from './cache.js';

/** Where Debian (and curl, wget, openssl, Node with --use-openssl-ca) look for trusted CAs. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface TestCa {
  dir: string;
  hosts: string[];
  /** The test CA's certificate (PEM). */
  caCert: string;
  /** The server certificate (PEM), signed by the test CA, SANs = hosts. */
  cert: string;
  /** The server certificate followed by the CA (what a server sends). */
  chain: string;
  /** The server's private key (PEM, unencrypted). */
  key: string;
  /** The system CA bundle followed by the test CA: bind it over SYSTEM_CA_BUNDLE in a sandbox. */
  bundle: string;
}

const RECIPE_VERSION = 1;

async function openssl(cwd: string, args: string[]): Promise<void> {
  await execa('openssl', args, { cwd, stdin: 'ignore' });
}

/** Normalised, de-duplicated host list (lower case, sorted) — the cache key. */
export function normaliseHosts(hosts: readonly string[]): string[] {
  const out = [...new Set(hosts.map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))].sort();
  for (const h of out) {
    if (!/^(\*\.)?[a-z0-9.-]+$/.test(h) && !/^[0-9a-f:.]+$/.test(h)) throw new Error(`test-ca: not a host name: ${h}`);
  }
  return out;
}

function isIp(h: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(h) || h.includes(':');
}

/**
 * Creates (once) a CA and a server certificate valid for `hosts` (plus localhost and 127.0.0.1),
 * and (every call) the combined bundle, so a change of the system bundle is picked up.
 */
export async function ensureTestCa(hosts: readonly string[]): Promise<TestCa> {
  const names = normaliseHosts([...hosts, 'localhost', '127.0.0.1']);
  const dir = cachePath('tls', shortHash({ v: RECIPE_VERSION, names }));
  await ensureCacheDir(dir, async (tmp) => {
    writeFileSync(path.join(tmp, 'hosts.txt'), names.join('\n') + '\n');
    const san = names.map((h) => (isIp(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    writeFileSync(
      path.join(tmp, 'ca.cnf'),
      [
        '[req]', 'distinguished_name=dn', 'prompt=no', 'x509_extensions=v3_ca',
        '[dn]', 'CN=ccenv test CA (do not trust outside tests)', 'O=ccenv tests',
        '[v3_ca]', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier=hash', '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(tmp, 'server.ext'),
      [
        'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth', `subjectAltName=${san}`, 'authorityKeyIdentifier=keyid', 'subjectKeyIdentifier=hash', '',
      ].join('\n'),
    );
    // RSA keys: busybox wget's TLS speaks RSA and ECDHE-RSA only.
    await openssl(tmp, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
      '-keyout', 'ca.key', '-out', 'ca.pem', '-config', 'ca.cnf']);
    await openssl(tmp, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-sha256',
      '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${names.find((n) => !isIp(n)) ?? 'localhost'}`]);
    await openssl(tmp, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-days', '825', '-sha256', '-extfile', 'server.ext', '-out', 'server.pem']);
    writeFileSync(path.join(tmp, 'chain.pem'), readFileSync(path.join(tmp, 'server.pem'), 'utf8') + readFileSync(path.join(tmp, 'ca.pem'), 'utf8'));
  }, { cheap: true }); // one per host list (each scenario its own), made in about a second: not for `make prepare`
  const bundle = path.join(dir, 'bundle.pem');
  const system = existsSync(SYSTEM_CA_BUNDLE) ? readFileSync(SYSTEM_CA_BUNDLE, 'utf8') : '';
  const ca = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  const combined = `${system}${system.endsWith('\n') || system === '' ? '' : '\n'}# ccenv test CA\n${ca}`;
  if (!existsSync(bundle) || readFileSync(bundle, 'utf8') !== combined) {
    const tmp = `${bundle}.${process.pid}.tmp`;
    writeFileSync(tmp, combined);
    renameSync(tmp, bundle);
  }
  return {
    dir,
    hosts: names,
    caCert: path.join(dir, 'ca.pem'),
    cert: path.join(dir, 'server.pem'),
    chain: path.join(dir, 'chain.pem'),
    key: path.join(dir, 'server.key'),
    bundle,
  };
}
