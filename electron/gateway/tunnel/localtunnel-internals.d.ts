// localtunnel 2.0.2's Tunnel class (pinned exactly in package.json): the connect function subclasses
// it to replace the registration step, which in the stock client retries forever.
declare module 'localtunnel/lib/Tunnel.js' {
  import { EventEmitter } from 'node:events';

  export interface TunnelRegistration {
    id: string;
    port: number;
    url: string;
    ip?: string;
    max_conn_count?: number;
    cached_url?: string;
  }

  export default class Tunnel extends EventEmitter {
    constructor(opts: { host: string; port: number; subdomain?: string; local_host?: string });
    url?: string;
    closed: boolean;
    _init(cb: (err: Error | null, info?: unknown) => void): void;
    _getInfo(body: TunnelRegistration): unknown;
    open(cb: (err?: Error) => void): void;
    close(): void;
  }
}
