import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { SignInHelpButton } from "../../src/components/SignInHelp";
import { untilWords } from "../../src/format";
import type { RegistryView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const ecr = {
  id: "ecr:dev@us-east-1", name: "dev · us-east-1", kind: "ecr", address: null, auth: "aws", username: null,
  insecure: false, custom_ca: false, profile: "dev", region: "us-east-1", account: "123456789012",
} as unknown as RegistryView;

describe("Sign-in help", () => {
  it("shows the command to copy and when the kept token expires, never a password", async () => {
    const expires = Math.floor(Date.now() / 1000) + 11 * 3600 + 30 * 60 + 30;
    const command = "aws ecr get-login-password --region us-east-1 --profile dev | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com";
    mockIPC((cmd, args) => {
      if (cmd === "sign_in_help") {
        expect(args).toEqual({ id: ecr.id });
        return { command, note: "The AWS CLI fetches a 12-hour token.", token_expires_at: expires };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    let copied = "";
    Object.defineProperty(navigator, "clipboard", { value: { writeText: async (t: string) => void (copied = t) }, configurable: true });
    render(<SignInHelpButton registry={ecr} />);
    fireEvent.click(screen.getByRole("button", { name: "Sign-in…" }));
    expect((await screen.findByTestId("sign-in-command")).textContent).toBe(command);
    expect(screen.getByTestId("token-expiry").textContent).toMatch(/^The token Lading keeps for this registry expires in 11 h 30 min/);
    fireEvent.click(screen.getByRole("button", { name: "Copy command" }));
    expect(await screen.findByRole("button", { name: "Copied" })).toBeTruthy();
    expect(copied).toBe(command);
  });

  it("says time left in words", () => {
    expect(untilWords(1000, 1000)).toBe("expired");
    expect(untilWords(1000 + 59, 1000)).toBe("in 1 min");
    expect(untilWords(1000 + 3 * 3600 + 120, 1000)).toBe("in 3 h 2 min");
  });
});

describe("the registry's status", () => {
  it("says when the token Lading keeps expires", async () => {
    const { Sidebar } = await import("../../src/components/Sidebar");
    const noop = () => {};
    render(
      <Sidebar
        info={null}
        backendError={null}
        registries={[ecr]}
        dockerLogins={[]}
        statuses={{ [ecr.id]: { state: "connected", reason: null, action: null, token_expires_at: Math.floor(Date.now() / 1000) + 2 * 3600 + 90 } }}
        selectedId={null}
        onSelect={noop}
        onAdd={noop}
        onRemove={noop}
        locals={[]}
        onOpenLocal={noop}
        onPushFiles={noop}
        onCloseLocal={noop}
      />,
    );
    expect(screen.getByRole("img", { name: "Connected" }).getAttribute("title")).toBe("Connected; its token expires in 2 h 1 min");
  });
});
