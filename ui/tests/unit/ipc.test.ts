import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, LadingError, toLadingError } from "../../src/ipc";

afterEach(() => clearMocks());

describe("ipc", () => {
  it("calls the app_info command and returns its payload", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "app_info") return { name: "lading-app", version: "9.9.9", os: "linux", arch: "x86_64" };
      throw new Error(`unexpected command ${cmd}`);
    });
    const info = await api.appInfo();
    expect(calls).toEqual(["app_info"]);
    expect(info.version).toBe("9.9.9");
  });

  it("stops a local archive's file read in the backend when its view goes away", async () => {
    const started: string[] = [];
    const cancelled: string[] = [];
    let finish: (value: unknown) => void = () => {};
    mockIPC((cmd, raw) => {
      const { read } = raw as { read: string };
      if (cmd === "local_image_files") {
        started.push(read);
        return new Promise((resolve) => (finish = resolve)); // a large layer, still being read
      }
      if (cmd === "cancel_read") return void cancelled.push(read);
      throw new Error(`unexpected command ${cmd}`);
    });
    const leaving = new AbortController();
    const reading = api.localImageFiles("local:0", 0, null, () => {}, leaving.signal);
    await new Promise((r) => setTimeout(r, 0));
    leaving.abort();
    await new Promise((r) => setTimeout(r, 0));
    finish(null);
    await reading;
    expect(started).toHaveLength(1);
    expect(cancelled).toEqual(started);
  });

  it("turns a backend {code, message} rejection into a LadingError", async () => {
    mockIPC(() => {
      throw { code: "unreachable", message: "cannot reach 127.0.0.1:1" };
    });
    const error = await api.appInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LadingError);
    expect((error as LadingError).code).toBe("unreachable");
    expect((error as LadingError).message).toBe("cannot reach 127.0.0.1:1");
  });

  it("keeps unknown rejections readable", () => {
    expect(toLadingError("boom")).toMatchObject({ code: "ipc_failed", message: "boom" });
    expect(toLadingError(new Error("x"))).toMatchObject({ code: "ipc_failed", message: "x" });
    const original = new LadingError("a", "b");
    expect(toLadingError(original)).toBe(original);
  });
});
