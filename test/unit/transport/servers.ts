/**
 * Real local servers for the transport tests: node http/https servers on 127.0.0.1:0 that count their
 * open sockets (to prove a failed fetch leaves none), a self-signed certificate made with openssl at test
 * time, and a listener whose accept queue is full (to make a real connect timeout on loopback).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TestServer {
  url: string;
  port: number;
  /** Requests seen, in order, with their headers. */
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
  /** TCP connections currently open on the server side. */
  openSockets(): number;
  /** Resolves when every connection has closed; rejects after `ms`. */
  waitForNoSockets(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function startServer(handler: Handler, tls?: { key: Buffer; cert: Buffer }): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const wrapped: Handler = (req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server: http.Server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, wrapped) : http.createServer(wrapped);
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A TLS handshake the client rejects surfaces here; it is the expected outcome of some tests.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    openSockets: () => sockets.size,
    async waitForNoSockets(ms = 2000) {
      const deadline = Date.now() + ms;
      while (sockets.size > 0) {
        if (Date.now() > deadline) throw new Error(`${sockets.size} socket(s) still open on the server after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound, then released. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A self-signed certificate for 127.0.0.1, generated with openssl. */
export function selfSignedCert(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A listener in a child process whose event loop is blocked, with a backlog of 1: the kernel completes
 * a couple of handshakes into its accept queue, then drops further SYNs, so a new connection hangs in
 * connect. `fill()` opens the filler connections; `stop()` ends the child (by its pid) and the fillers.
 */
export async function startUnacceptingListener(): Promise<{ port: number; fill(): Promise<void>; stop(): void }> {
  const script = `
    const net = require('node:net');
    const server = net.createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(server.address().port + '\\n', () => {
        // Block this process's event loop so nothing is ever accepted; exit on our own after 20 s in
        // case the test process died without stopping us.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000);
        process.exit(0);
      });
    });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', (code) => reject(new Error(`the listener exited early (${code})`)));
  });
  const fillers: net.Socket[] = [];
  return {
    port,
    async fill() {
      // Open connections until one does not complete: from then on the accept queue is full.
      for (let i = 0; i < 16; i++) {
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        fillers.push(socket);
        const connected = await new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), 300);
          socket.once('connect', () => {
            clearTimeout(t);
            resolve(true);
          });
        });
        if (!connected) return;
      }
      throw new Error('the accept queue never filled');
    },
    stop() {
      for (const s of fillers) s.destroy();
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
    },
  };
}

/** Some gzip bytes standing in for a profile (the transport does not decode). */
export function gzipBody(size = 4096): Buffer {
  const text = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  return gzipSync(Buffer.from(text));
}

export async function rejection(promise: Promise<unknown>): Promise<Error & { kind?: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { kind?: string };
  }
  throw new Error('expected the promise to reject, but it resolved');
}
