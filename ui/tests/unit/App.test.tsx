import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { App } from "../../src/App";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("App shell", () => {
  it("shows the three panes, the empty registry list and the backend's version", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return { name: "lading-app", version: "1.2.3", os: "linux", arch: "x86_64" };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    expect(screen.getByRole("navigation", { name: "Registries" })).toBeTruthy();
    expect(screen.getByRole("main", { name: "Repositories and images" })).toBeTruthy();
    expect(screen.getByRole("region", { name: "Details" })).toBeTruthy();
    expect(screen.getByTestId("registries-empty").textContent).toContain("No registries yet");
    expect(await screen.findByText("v1.2.3 · linux/x86_64")).toBeTruthy();
  });

  it("says so when the backend cannot be reached", async () => {
    mockIPC(() => {
      throw { code: "ipc_failed", message: "no backend" };
    });
    render(<App />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("no backend");
  });
});
