// Shared by the harness and publish tests: curl against a fixture server on a random loopback port, with the
// real host name resolved to it (--resolve), the way the sandbox's /etc/hosts does.
import { execa } from 'execa';

export interface CurlResult {
  exitCode: number;
  status: number;
  body: string;
  stderr: string;
}

export async function curl(url: string, opts: { port: number; cacert?: string; args?: string[]; host?: string } ): Promise<CurlResult> {
  const u = new URL(url);
  const host = opts.host ?? u.hostname;
  const r = await execa(
    'curl',
    [
      '-sS', '--noproxy', '*',
      '--resolve', `${host}:${opts.port}:127.0.0.1`,
      ...(opts.cacert ? ['--cacert', opts.cacert] : []),
      '-w', '\n%{http_code}',
      ...(opts.args ?? []),
      url,
    ],
    { reject: false, stdin: 'ignore', env: { CURL_CA_BUNDLE: undefined, SSL_CERT_FILE: undefined, SSL_CERT_DIR: undefined }, encoding: 'utf8' },
  );
  const out = String(r.stdout);
  const i = out.lastIndexOf('\n');
  return { exitCode: r.exitCode ?? -1, status: Number(out.slice(i + 1)), body: out.slice(0, i), stderr: String(r.stderr) };
}
