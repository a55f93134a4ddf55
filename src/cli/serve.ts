import type { CommandModule } from 'yargs';

export interface ServeArgs {
  dir: string;
  port: number;
  host: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve [dir]',
  describe: 'Serve a built dist/ folder over HTTP (HTTPS with --tls-cert/--tls-key) to try the installers',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: 'dist', describe: 'folder to serve' })
      .option('port', { type: 'number', default: 8080, describe: 'port (0: any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate (chain) for HTTPS' })
      .option('tls-key', { type: 'string', describe: 'PEM private key for HTTPS' })
      .check((a) => (a['tls-cert'] === undefined) === (a['tls-key'] === undefined) || 'give --tls-cert and --tls-key together'),
  handler: async (argv) => {
    const { serveDirectory } = await import('../publish/serve.js');
    const handle = await serveDirectory({
      dir: argv.dir,
      host: argv.host,
      port: argv.port,
      ...(argv['tls-cert'] && argv['tls-key'] ? { tls: { cert: argv['tls-cert'], key: argv['tls-key'] } } : {}),
      log: (line) => console.log(line),
    });
    console.log(`Serving ${argv.dir} at ${handle.url} (Ctrl-C to stop)`);
    console.log('Landing pages built with --base-url show this address instead; every other file is served as built.');
    const stop = () => {
      void handle.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
};
