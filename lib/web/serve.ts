// `soundlab serve`: a static file server for an exported site on localhost (node:http, no dependencies).
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/** Content types by extension; `application/wasm` matters: browsers refuse to stream-compile WebAssembly without it. */
export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.txt': 'text/plain; charset=utf-8',
};

/** A running server: its address and how to stop it. */
export interface SiteServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** The file a request path names inside `root`, or null when it escapes `root` (`..`, encoded or not). */
export function resolveRequestPath(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

/**
 * Serves the files of `dir` on http://host:port/ (GET and HEAD; 404 for anything else missing, 403 for
 * paths outside `dir`). Port 0 picks a free port. Listens on 127.0.0.1 unless told otherwise.
 */
export function serveSite(dir: string, opts: { port?: number; host?: string } = {}): Promise<SiteServer> {
  const root = resolve(dir);
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveRequestPath(root, req.url ?? '/');
    if (!file) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('outside the site folder\n');
      return;
    }
    let target = file;
    try {
      if (statSync(target).isDirectory()) target = join(target, 'index.html');
      const size = statSync(target).size;
      res.writeHead(200, {
        'Content-Type': MIME_TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': size,
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(target).pipe(res);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${req.url}\n`);
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : (opts.port ?? 8080);
      resolveServer({
        url: `http://${host}:${port}/`,
        port,
        server,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
