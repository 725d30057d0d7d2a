import dns from 'node:dns';
import net from 'node:net';

/**
 * Preloaded (`node --require`) into every benchmark child, so that neither our code nor a peer
 * package can reach any host but this machine, whatever its defaults are. A TCP connection
 * or DNS lookup for any other host throws before a packet leaves. `globalThis.benchBlockedConnections`
 * lists the attempts, so the benchmark can check that there were none.
 */

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

declare global {
  var benchBlockedConnections: string[] | undefined;
}

globalThis.benchBlockedConnections = [];

function block(host: string): never {
  globalThis.benchBlockedConnections?.push(host);
  throw new Error(`The benchmark's loopback guard blocked a connection to ${host}: only 127.0.0.1, ::1 and localhost are allowed`);
}

// Socket#connect takes (options), (port, host) or an internal [options] array.
function readHost(args: unknown[]): string | undefined {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path !== undefined) return undefined;
    return options.host ?? 'localhost';
  }
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = readHost(args);
  if (host !== undefined && !LOOPBACK_HOST.test(host)) block(host);
  return (connect as (...parameters: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;

const lookup = dns.lookup;
dns.lookup = function guardedLookup(this: unknown, hostname: string, ...rest: unknown[]) {
  if (!LOOPBACK_HOST.test(hostname)) block(hostname);
  return (lookup as (...parameters: unknown[]) => void).apply(this, [hostname, ...rest]);
} as typeof dns.lookup;

const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function guardedLookupPromise(hostname: string, ...rest: unknown[]) {
  if (!LOOPBACK_HOST.test(hostname)) block(hostname);
  return (lookupPromise as (...parameters: unknown[]) => Promise<unknown>)(hostname, ...rest);
} as typeof dns.promises.lookup;
