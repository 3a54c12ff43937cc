// The boundary against the page's own script: every irreversible command, invoked straight over IPC
// as a compromised page would (no UI, no dialog of the page's), waits for a native question the page
// cannot answer. Cancel leaves the registries, the registry list, the keychain and the user's file
// exactly as they were; a second question while one is open is refused at once; yes does the work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { app, demoEnv, serveDemo, findTauriDriver, freeDisplay, freePort, nativeQuestions, openApp, repoRoot, sleep, start, startRegistry, waitFor, stopX } from "./support.mjs";

const USER = "e2e-user";
const PASSWORD = "e2e-Confirm-41c2";

// Installed in the page: starts a command without awaiting it (its native question blocks it) and
// keeps the outcome for the test to read.
const CALLER = `
  window.__calls = window.__calls || {};
  window.__call = (key, command, args, channel) => {
    window.__calls[key] = { pending: true };
    if (channel) args[channel] = "__CHANNEL__:" + window.__TAURI_INTERNALS__.transformCallback(() => {});
    window.__TAURI_INTERNALS__.invoke(command, args).then(
      (value) => { window.__calls[key] = { ok: true, value: value ?? null }; },
      (error) => { window.__calls[key] = { ok: false, error }; },
    );
    return true;
  };
  return true;`;

const quoted = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("page script gets no irreversible action without a native yes", { timeout: 300_000 }, async () => {
  const { demo, served } = await serveDemo(["--tags", "5", "--ecr-tags", "5"]);
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "confirm-xvfb.log");
  const questions = nativeQuestions(display);
  const home = mkdtempSync(join(tmpdir(), "lading-e2e-confirm-"));
  const env = {
    ...demoEnv(served, display, home),
    // Set, so honouring it is one page call away: which the page cannot make without a yes.
    LADING_REGISTRY_MAP: "nowhere.example.com=http://127.0.0.1:9",
  };
  const [port, nativePort] = [await freePort(), await freePort()];
  // The app runs inside a D-Bus session with an unlocked gnome-keyring: a real keychain to forget from.
  const driver = start(
    "dbus-run-session",
    ["--", "sh", "-c", `echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${findTauriDriver()} --port ${port} --native-port ${nativePort}`],
    "confirm-tauri-driver.log",
    env,
  );
  const base = `http://127.0.0.1:${port}`;
  const cli = (...args) => execFileSync(join(repoRoot, "target", "debug", "lading"), args, { env }).toString();
  const ecr = (...args) => cli("ecr", "--region", "us-east-1", ...args);
  const ecrJson = (...args) => JSON.parse(ecr("--json", ...args));
  let session;
  let registry;
  try {
    registry = await startRegistry(home, { user: USER, password: PASSWORD });
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base);
    await waitFor("both demo registries connected", async () => (await session.run("return document.querySelectorAll('.registry .status-connected').length")) === 2, 60_000);
    await session.run(CALLER);
    const call = (key, command, args, channel) => session.run(`return window.__call(arguments[0], arguments[1], arguments[2], arguments[3])`, [key, command, args, channel ?? null]);
    const outcome = (key, timeoutMs = 30_000) =>
      waitFor(`${key} to finish`, () => session.run("const c = window.__calls[arguments[0]]; return c && !c.pending ? c : null", [key]), timeoutMs);
    const invoke = async (key, command, args) => {
      await call(key, command, args);
      return outcome(key);
    };
    // Starts a command, sees its native question, cancels it: the command answers "declined".
    const cancelled = async (key, command, args, title, channel) => {
      await call(key, command, args, channel);
      await questions.answer(`^${quoted(title)}$`, false);
      const result = await outcome(key);
      assert.equal(result.ok, false, `${key}: ${JSON.stringify(result)}`);
      assert.equal(result.error.code, "declined", `${key}: ${JSON.stringify(result.error)}`);
    };

    // A third registry with a password in the keychain: something to sign out of and forget.
    const added = await invoke("add", "add_oci_registry", {
      request: { address: registry.host, auth: { mode: "password", username: USER, password: PASSWORD }, insecure: false, ca_file: null },
    });
    assert.equal(added.ok, true, JSON.stringify(added));
    const secured = added.value.id;
    const { registries } = (await invoke("list", "list_registries", {})).value;
    const oci = registries.find((r) => r.name === "Demo registry").id;
    const aws = registries.find((r) => r.kind === "ecr").id;

    // What is there before, to compare after.
    const devDigest = JSON.parse(cli("--json", "inspect", `${served.registry}/team-a/web-app:dev`)).digest;
    const repositoryPolicy = ecr("policy", "get", "team-a/web-app");
    const lifecyclePolicy = ecr("lifecycle", "get", "demo/many-tags");
    const ecrImages = JSON.stringify(ecrJson("images", "team-a/web-app"));
    const ecrRepositories = JSON.stringify(ecrJson("repos"));
    const replication = ecr("replication", "get");
    const registryPolicy = ecr("registry-policy", "get");
    const mine = join(home, "mine.tar");
    writeFileSync(mine, "the user's own archive, not ours to replace\n");

    // One question at a time: while one is open, another destructive call is refused at once.
    await call("delete", "delete_images", { id: oci, repository: "team-a/web-app", digests: [devDigest] });
    await waitFor("the delete question", () => questions.find("^Delete 1 image from team-a/web-app\\?$").length > 0, 20_000);
    const second = await invoke("second", "delete_repository_policy", { id: aws, repository: "team-a/web-app" });
    assert.equal(second.error?.code, "declined", JSON.stringify(second));
    assert.match(second.error.message, /another question/);
    assert.deepEqual(questions.find("^Delete the repository policy"), [], "the second call never showed a question");
    await questions.answer("^Delete 1 image from team-a/web-app\\?$", false);
    assert.equal((await outcome("delete")).error?.code, "declined");

    // Every other irreversible command, answered Cancel.
    await cancelled("untag", "untag_images", { id: aws, repository: "team-a/web-app", tags: ["dev"] }, "Remove 1 tag from team-a/web-app?");
    await cancelled("drop-repo", "delete_repository", { id: aws, name: "team-b/worker", force: true }, "Delete repository team-b/worker?");
    await cancelled("drop-policy", "delete_repository_policy", { id: aws, repository: "team-a/web-app" }, "Delete the repository policy of team-a/web-app?");
    await cancelled("drop-lifecycle", "delete_lifecycle_policy", { id: aws, repository: "demo/many-tags" }, "Delete the lifecycle policy of demo/many-tags?");
    const everyone = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Everyone", Effect: "Allow", Principal: "*", Action: "ecr:*" }] });
    await cancelled("public", "save_repository_policy", { id: aws, repository: "team-a/web-app", text: everyone }, "Save a risky policy on team-a/web-app?");
    const expireAll = JSON.stringify({
      rules: [{ rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }],
    });
    // The page can run the dry run itself; the save still asks, with what a fresh read expires.
    const dryRun = await invoke("dry-run", "lifecycle_dry_run", { id: aws, repository: "demo/many-tags", text: expireAll, protected: [], refresh: true });
    assert.equal(dryRun.ok, true, JSON.stringify(dryRun));
    await cancelled("expire", "save_lifecycle_policy", { id: aws, repository: "demo/many-tags", text: expireAll }, "Save the lifecycle policy of demo/many-tags?");
    await cancelled(
      "archive",
      "set_storage_class",
      { id: aws, repository: "team-a/web-app", digests: [JSON.parse(ecrImages)[0].digest], archive: true },
      "Archive 1 image in team-a/web-app?",
    );
    const replicate = { rules: [{ destinations: [{ region: "eu-west-1", registry_id: "123456789012" }], filters: ["team-a/"] }] };
    await cancelled("replicate", "set_replication", { id: aws, replication: replicate }, "Change the registry's replication?");
    await cancelled("public-registry", "save_registry_policy", { id: aws, text: everyone }, "Save a risky registry policy?");
    await cancelled("drop-registry-policy", "delete_registry_policy", { id: aws }, "Delete the registry policy?");
    await cancelled(
      "mutable",
      "update_repository_settings",
      { id: aws, name: "platform/base", mutability: "MUTABLE", exclusions: [], scanOnPush: false },
      "Change tag mutability of platform/base?",
    );
    await cancelled(
      "export",
      "export_image",
      { request: { registry_id: oci, repository: "team-a/web-app", reference: "1.0.0", format: "docker-archive", path: mine, platform: null } },
      "Replace mine.tar?",
      "onEvent",
    );
    await cancelled("sign-out", "sign_out", { id: secured }, `Sign out of ${registry.host}?`);
    await cancelled("endpoints", "set_developer_endpoints", { on: true }, "Turn on developer endpoints?");
    await cancelled("forget", "remove_registry", { id: secured, forgetCredentials: true }, `Remove ${registry.host} from Lading?`);
    // The old token command is gone; there is nothing else to call.
    const token = await invoke("token", "confirm_destructive", { action: "delete_images" });
    assert.equal(token.ok, false);
    assert.match(JSON.stringify(token.error), /not found|not allowed/i);

    // Nothing changed: the registries, the list, the keychain (a restart connects with the
    // password), the user's file.
    assert.ok(JSON.parse(cli("--json", "tags", `${served.registry}/team-a/web-app`)).includes("dev"));
    assert.equal(JSON.stringify(ecrJson("images", "team-a/web-app")), ecrImages);
    assert.equal(JSON.stringify(ecrJson("repos")), ecrRepositories);
    assert.equal(ecr("policy", "get", "team-a/web-app"), repositoryPolicy);
    assert.equal(ecr("lifecycle", "get", "demo/many-tags"), lifecyclePolicy);
    assert.equal(ecr("replication", "get"), replication);
    assert.equal(ecr("registry-policy", "get"), registryPolicy);
    assert.equal(readFileSync(mine, "utf8"), "the user's own archive, not ours to replace\n");
    await session.close();
    session = await openApp(base);
    await waitFor("all three registries connected after a restart", async () => (await session.run("return document.querySelectorAll('.registry .status-connected').length")) === 3, 60_000);
    await session.run(CALLER);

    // Yes does the work.
    await call("delete-yes", "delete_images", { id: oci, repository: "team-a/web-app", digests: [devDigest] });
    await questions.answer("^Delete 1 image from team-a/web-app\\?$", true);
    assert.equal((await outcome("delete-yes")).ok, true);
    assert.ok(!JSON.parse(cli("--json", "tags", `${served.registry}/team-a/web-app`)).includes("dev"));
    await call("replicate-yes", "set_replication", { id: aws, replication: replicate });
    await questions.answer("^Change the registry's replication\\?$", true);
    assert.deepEqual((await outcome("replicate-yes")).value, replicate);
    assert.deepEqual(ecrJson("replication", "get"), replicate);
    await call("sign-out-yes", "sign_out", { id: secured });
    await questions.answer(`^Sign out of ${quoted(registry.host)}\\?$`, true);
    assert.equal((await outcome("sign-out-yes")).ok, true);
    const status = await invoke("status", "check_registry", { id: secured });
    assert.equal(status.value?.state, "auth_needed", JSON.stringify(status));
    await call("remove-yes", "remove_registry", { id: secured, forgetCredentials: true });
    await questions.answer(`^Remove ${quoted(registry.host)} from Lading\\?$`, true);
    assert.equal((await outcome("remove-yes")).ok, true);
    const left = (await invoke("list-after", "list_registries", {})).value.registries.map((r) => r.id);
    assert.deepEqual(left.sort(), [aws, oci].sort());
    // Developer endpoints: on only with a yes, and then the window's title says so.
    assert.deepEqual(questions.find("developer endpoints on"), []);
    await call("endpoints-yes", "set_developer_endpoints", { on: true });
    await questions.answer("^Turn on developer endpoints\\?$", true);
    assert.equal((await outcome("endpoints-yes")).value?.on, true);
    await waitFor("the title saying so", () => questions.find("^Lading — developer endpoints on$").length > 0, 10_000);
    // Kept across a restart: the title again, and the sidebar says it is on.
    await session.close();
    session = await openApp(base);
    await waitFor("the sidebar saying so", () => session.run("return document.querySelector('[data-testid=developer-endpoints] [role=status]')?.textContent === 'Developer endpoints on: 1 redirected'"), 60_000);
    await waitFor("the title after the restart", () => questions.find("^Lading — developer endpoints on$").length > 0, 10_000);
    await session.screenshot("confirm-developer-endpoints.png");
    await session.run(CALLER);
    assert.equal((await invoke("endpoints-off", "set_developer_endpoints", { on: false })).value?.on, false, "turning off needs no question");
    await waitFor("the plain title again", () => questions.find("developer endpoints on").length === 0, 10_000);
  } catch (e) {
    await session?.explain("confirm-failure.png");
    throw e;
  } finally {
    await session?.close();
    demo.stdin.end();
    registry?.proc.kill();
    driver.kill("SIGTERM");
    await sleep(300);
    driver.kill("SIGKILL");
    stopX(xvfb);
  }
});
