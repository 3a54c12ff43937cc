// Shared helpers for the WebDriver tests of the real app under Xvfb.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const outDir = join(repoRoot, "test-output", "e2e");
export const app = join(repoRoot, "target", "debug", "lading-app");
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
mkdirSync(outDir, { recursive: true });

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function findTauriDriver() {
  for (const dir of (process.env.PATH || "").split(":").concat(join(homedir(), ".cargo", "bin"))) {
    const candidate = join(dir, "tauri-driver");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("tauri-driver not found: run `./dev setup` (cargo install tauri-driver --version '^2' --locked)");
}

/**
 * A display number no live X server holds. A lock left by a server that was killed (its PID gone)
 * counts as free: Xvfb replaces stale locks itself, and killed test servers leave them behind.
 */
export function freeDisplay() {
  for (let n = 99; n < 199; n++) {
    const lock = `/tmp/.X${n}-lock`;
    if (!existsSync(lock)) {
      if (!existsSync(`/tmp/.X11-unix/X${n}`)) return n;
      continue;
    }
    const pid = Number(readFileSync(lock, "utf8").trim());
    if (pid > 0 && !existsSync(`/proc/${pid}`)) return n;
  }
  throw new Error("no free X display number");
}

/** Starts a process with output to a log file (inherited stdio would keep the runner waiting). */
export function start(cmd, args, logName, env = process.env) {
  const log = openSync(join(outDir, logName), "w");
  return spawn(cmd, args, { stdio: ["ignore", log, log], env });
}

/** Stops an X server so that it removes its lock and socket; killed outright if it lingers. */
export function stopX(proc) {
  proc.kill("SIGTERM");
  setTimeout(() => proc.kill("SIGKILL"), 2_000).unref();
}

export async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

export async function wd(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value)}`);
  return json.value;
}

/** A WebDriver session on the app with small helpers bound to it. */
export async function openApp(base, application = app) {
  const created = await wd(base, "POST", "/session", {
    capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application } } },
  });
  const s = `/session/${created.sessionId}`;
  const find = (css) => wd(base, "POST", `${s}/element`, { using: "css selector", value: css });
  const id = async (css) => Object.values(await find(css))[0];
  return {
    id: created.sessionId,
    find,
    click: async (css) => wd(base, "POST", `${s}/element/${await id(css)}/click`, {}),
    type: async (css, text) => wd(base, "POST", `${s}/element/${await id(css)}/value`, { text }),
    clear: async (css) => wd(base, "POST", `${s}/element/${await id(css)}/clear`, {}),
    text: async (css) => wd(base, "GET", `${s}/element/${await id(css)}/text`),
    run: (script, args = []) => wd(base, "POST", `${s}/execute/sync`, { script, args }),
    screenshot: async (name) => {
      await sleep(300);
      writeFileSync(join(outDir, name), Buffer.from(await wd(base, "GET", `${s}/screenshot`), "base64"));
    },
    resize: (width, height) => wd(base, "POST", `${s}/window/rect`, { width, height }),
    /** What is on screen, for a failure's message: a screenshot and the window's text. */
    explain: async (name) => {
      const text = await wd(base, "POST", `${s}/execute/sync`, { script: "return document.body.innerText", args: [] }).catch((e) => `(unreadable: ${e.message})`);
      await wd(base, "GET", `${s}/screenshot`)
        .then((png) => writeFileSync(join(outDir, name), Buffer.from(png, "base64")))
        .catch(() => {});
      console.log(`# on screen when it failed (${name}):\n${String(text).slice(0, 4000).replace(/^/gm, "#   ")}`);
    },
    close: () => wd(base, "DELETE", s).catch(() => {}),
  };
}

/** A real docker-registry on a free loopback port; with `login`, behind htpasswd basic auth. */
export async function startRegistry(dir, login) {
  const port = await freePort();
  const config = join(dir, `registry-${port}.yml`);
  let auth = "";
  if (login) {
    const htpasswd = join(dir, `htpasswd-${port}`);
    writeFileSync(htpasswd, execFileSync("htpasswd", ["-Bbn", login.user, login.password]));
    auth = `auth:\n  htpasswd:\n    realm: e2e\n    path: ${htpasswd}\n`;
  }
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  delete:\n    enabled: true\n  filesystem:\n    rootdirectory: ${join(dir, `storage-${port}`)}\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const proc = start("docker-registry", ["serve", config], `registry-${port}.log`);
  await waitFor("docker-registry", async () => [200, 401].includes((await fetch(`http://127.0.0.1:${port}/v2/`)).status), 20_000);
  return { proc, host: `127.0.0.1:${port}` };
}

/**
 * The app's native questions on X display `display` (GTK message dialogs; no window manager, so
 * xdotool focuses them itself), found by their title and answered with key presses.
 */
export function nativeQuestions(display) {
  const xdotool = (...args) =>
    execFileSync("xdotool", args, { env: { ...process.env, DISPLAY: `:${display}` }, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  const find = (title) => {
    try {
      return xdotool("search", "--name", title).split("\n").filter(Boolean);
    } catch {
      return []; // xdotool exits 1 when nothing matches
    }
  };
  return {
    /** The windows whose title matches `title` (a regular expression) now. */
    find,
    /** Waits for the question titled like `title` and answers it: yes, or Cancel (Escape). */
    async answer(title, yes, timeoutMs = 20_000) {
      const [window] = await waitFor(`the native question /${title}/`, () => find(title).length && find(title), timeoutMs);
      const name = xdotool("getwindowname", window);
      xdotool("windowfocus", "--sync", window);
      if (yes) {
        // The dialog's first button is the action ("Delete 1 image"), the second Cancel.
        xdotool("key", ...YES_KEYS);
      } else {
        xdotool("key", "Escape");
      }
      await waitFor(`the native question /${title}/ to close`, () => find(title).length === 0, 10_000);
      return name;
    },
  };
}

const YES_KEYS = (process.env.LADING_E2E_YES_KEYS || "Return").split(" ");

/** `lading-demo --serve` with `args`: the process and what it printed (addresses, config dir). */
export async function serveDemo(args) {
  const binary = join(repoRoot, "target", "debug", "lading-demo");
  if (!existsSync(app) || !existsSync(binary)) throw new Error("build first: cargo build -p lading-app -p lading-demo --bin lading-app --bin lading-demo");
  const demo = spawn(binary, ["--serve", ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const served = await new Promise((resolve, reject) => {
    demo.once("exit", (code) => reject(new Error(`lading-demo exited with ${code}`)));
    createInterface({ input: demo.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  });
  return { demo, served };
}

/** The app's environment on the demo's servers: a fresh HOME and data dir, moto's AWS testing keys. */
export function demoEnv(served, display, home) {
  return {
    ...process.env,
    DISPLAY: `:${display}`,
    HOME: home,
    XDG_DATA_HOME: join(home, ".local/share"),
    LADING_CONFIG_DIR: served.config_dir,
    LADING_DATA_DIR: join(home, "data"),
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_ENDPOINT_URL_ECR: served.ecr_endpoint,
  };
}
