// One loopback server for a whole scenario: the HTTP server core (src/http/server.ts: many real host
// names at once, routing on the Host header to a site such as the CDN, a Node mirror, the npm
// registry or the API stub; request records; byte ranges) with the harness's fault layer composed in
// (src/harness/faults.ts), so a scenario can make any host and path fail the way networks do.
import { startHttpServer, type HttpServerOptions, type RequestRecord } from '../http/server.js';
import { faultSet, type Fault, type RecordedRequest } from './faults.js';

export type { Handler, Site, SiteRequest as FixtureRequest, SiteResponse as FixtureResponse, TlsOptions } from '../http/server.js';
export { globToRegExp, tamperHashes, type Fault, type FaultMatch, type RecordedRequest } from './faults.js';

export interface FixtureServerOptions extends Omit<HttpServerOptions, 'shape' | 'onRequest'> {
  faults?: Fault[];
  onRequest?: (r: RecordedRequest) => void;
}

export interface FixtureServer {
  httpsPort: number | undefined;
  httpPort: number | undefined;
  /** Every request so far, in arrival order (one still being answered has status 0 or its status). */
  requests(): RecordedRequest[];
  /** Replaces the active faults (counters of `times` restart). */
  setFaults(faults: Fault[]): void;
  /** Label recorded with each later request. */
  setLabel(label: string | undefined): void;
  close(): Promise<void>;
}

export async function startFixtureServer(opts: FixtureServerOptions): Promise<FixtureServer> {
  const { faults: initial, onRequest, ...rest } = opts;
  const faults = faultSet(initial);
  const server = await startHttpServer({
    ...rest,
    shape: faults.shaper,
    ...(onRequest ? { onRequest: (r: RequestRecord) => onRequest(r as RecordedRequest) } : {}),
  });
  return {
    httpsPort: server.httpsPort,
    httpPort: server.httpPort,
    requests: () => server.requests() as RecordedRequest[],
    setFaults: faults.set,
    setLabel: server.setLabel,
    close: server.close,
  };
}
