import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ScanningDialog, configFromForm } from "../../src/components/ScanningDialog";
import { RegistrySettingsButton } from "../../src/components/RegistrySettings";
import type { RegistryView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const ecr = {
  id: "ecr:default:us-east-1", name: "default · us-east-1", kind: "ecr", address: null, auth: "aws",
  username: null, insecure: false, custom_ca: false, profile: "default", region: "us-east-1", account: "123456789012",
} as unknown as RegistryView;

describe("The registry's scanning", () => {
  it("shows the stored configuration, sends the one chosen, and says when the user declined", async () => {
    const sent: unknown[] = [];
    let answer: "yes" | "no" = "no";
    mockIPC((cmd, args) => {
      if (cmd === "scanning_configuration") return { scan_type: "BASIC", rules: [{ frequency: "SCAN_ON_PUSH", filters: ["team-a/*"] }] };
      if (cmd === "set_scanning_configuration") {
        sent.push((args as { config: unknown }).config);
        if (answer === "no") throw { code: "declined", message: "not confirmed" };
        return (args as { config: unknown }).config;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ScanningDialog registry={ecr} onClose={() => {}} />);
    const onPush = (await screen.findByRole("textbox", { name: "Repositories scanned on push" })) as HTMLInputElement;
    expect(onPush.value).toBe("team-a/*");
    const save = screen.getByRole("button", { name: "Save…" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet
    const continuous = screen.getByRole("checkbox", { name: /Scan continuously/ }) as HTMLInputElement;
    expect(continuous.disabled).toBe(true); // basic scanning has no continuous rule

    fireEvent.click(screen.getByRole("radio", { name: /^Enhanced scanning/ }));
    fireEvent.click(continuous);
    fireEvent.change(screen.getByRole("textbox", { name: "Repositories scanned continuously" }), { target: { value: "prod-*, team-b/*" } });
    fireEvent.click(save);
    expect(await screen.findByText("Not changed.")).toBeTruthy();
    answer = "yes";
    fireEvent.click(save);
    expect(await screen.findByText("Saved; ECR now reports this configuration.")).toBeTruthy();
    const wanted = {
      scan_type: "ENHANCED",
      rules: [
        { frequency: "CONTINUOUS_SCAN", filters: ["prod-*", "team-b/*"] },
        { frequency: "SCAN_ON_PUSH", filters: ["team-a/*"] },
      ],
    };
    expect(sent).toEqual([wanted, wanted]);
  });

  it("names an empty filter at its field, and asks before discarding changes", async () => {
    mockIPC((cmd) => {
      if (cmd === "scanning_configuration") return { scan_type: "BASIC", rules: [] };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ScanningDialog registry={ecr} onClose={() => {}} />);
    fireEvent.click(await screen.findByRole("checkbox", { name: /Scan on push/ }));
    fireEvent.change(screen.getByRole("textbox", { name: "Repositories scanned on push" }), { target: { value: " " } });
    expect(screen.getByText("Name at least one repository filter (* for every repository).")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Save…" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(await screen.findByRole("alertdialog", { name: "Discard your changes?" })).toBeTruthy();
  });

  it("is only offered for ECR, and drops a continuous rule when basic scanning is chosen", () => {
    // Registry… (which holds Scanning…) is there for ECR only.
    render(<RegistrySettingsButton registry={{ ...ecr, kind: "oci" } as RegistryView} />);
    expect(screen.queryByRole("button", { name: "Registry…" })).toBeNull();
    expect(configFromForm("BASIC", { on: true, filters: "*" }, { on: true, filters: "prod-*" })).toEqual({
      scan_type: "BASIC",
      rules: [{ frequency: "SCAN_ON_PUSH", filters: ["*"] }],
    });
  });
});
