// Serves ui/dist on 127.0.0.1 with the same Content-Security-Policy the app window enforces
// (built from tauri.conf.json), so browser tests see CSP violations the app would have.
import { createServer } from "node:http";
import { readFile, readFileSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

export function appCsp(repoRoot) {
  const conf = JSON.parse(readFileSync(join(repoRoot, "tauri.conf.json"), "utf8"));
  const csp = conf.app.security.csp;
  return Object.entries(csp)
    .map(([directive, value]) => `${directive} ${value}`)
    .join("; ");
}

/** Starts the server on a free loopback port; resolves to { url, close }. */
export function serveDist(distDir, csp) {
  const root = resolve(distDir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-security-policy": csp,
      });
      res.end(body);
    });
  });
  return new Promise((resolvePromise) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}
