import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { RepositorySettingsDialog } from "../../src/components/RepositoryDialogs";
import type { RegistryView, RepositorySettings } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const registry = {
  id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", address: null, auth: "aws", username: null,
  insecure: false, profile: "dev", region: "eu-west-1", account: "123456789012",
} as unknown as RegistryView;

const stored: RepositorySettings = {
  name: "platform/base", uri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/base", created_at: 1_700_000_000,
  tag_mutability: "IMMUTABLE", mutability_exclusions: [], scan_on_push: false, encryption: "AES256", kms_key: null,
};

describe("Repository settings", () => {
  it("shows what ECR has, saves a change and shows what ECR reports back", async () => {
    const updates: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "repository_settings") return stored;
      if (cmd === "update_repository_settings") {
        updates.push(args);
        const a = args as { mutability: string; exclusions: string[]; scanOnPush: boolean };
        return { ...stored, tag_mutability: a.mutability, mutability_exclusions: a.exclusions, scan_on_push: a.scanOnPush };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<RepositorySettingsDialog registry={registry} name="platform/base" onClose={() => {}} />);
    expect((await screen.findByTestId("repository-facts")).textContent).toContain("encryption AES256");
    const tags = screen.getByRole("combobox") as HTMLSelectElement;
    expect(tags.value).toBe("IMMUTABLE");
    // Exclusion filters only when the mode has them.
    expect(screen.queryByRole("textbox")).toBeNull();
    fireEvent.change(tags, { target: { value: "IMMUTABLE_WITH_EXCLUSION" } });
    fireEvent.change(screen.getByRole("textbox"), { target: { value: "latest\ndev-*, " } });
    fireEvent.click(screen.getByRole("checkbox", { name: "Scan images on push" }));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("status")).textContent).toContain("Saved");
    expect(updates).toEqual([
      { id: "ecr:dev@eu-west-1", name: "platform/base", mutability: "IMMUTABLE_WITH_EXCLUSION", exclusions: ["latest", "dev-*"], scanOnPush: true },
    ]);
    expect((screen.getByRole("textbox") as HTMLTextAreaElement).value).toBe("latest\ndev-*");
    expect((screen.getByRole("checkbox", { name: "Scan images on push" }) as HTMLInputElement).checked).toBe(true);
  });

  it("asks before closing with changes not saved, and closes at once without", async () => {
    mockIPC((cmd) => {
      if (cmd === "repository_settings") return stored;
      throw new Error(`unexpected ${cmd}`);
    });
    let closed = 0;
    render(<RepositorySettingsDialog registry={registry} name="platform/base" onClose={() => (closed += 1)} />);
    await screen.findByTestId("repository-facts");
    fireEvent.click(screen.getByRole("checkbox", { name: "Scan images on push" }));
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.getByRole("alertdialog", { name: "Discard your changes?" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Keep editing" }));
    expect(closed).toBe(0);
    expect((screen.getByRole("checkbox", { name: "Scan images on push" }) as HTMLInputElement).checked).toBe(true);
    // Undone: nothing to lose, so Close closes.
    fireEvent.click(screen.getByRole("checkbox", { name: "Scan images on push" }));
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(closed).toBe(1);
  });

  it("says why when ECR refuses", async () => {
    mockIPC((cmd) => {
      if (cmd === "repository_settings") return stored;
      throw { code: "access_denied", message: "not allowed to PutImageTagMutability" };
    });
    render(<RepositorySettingsDialog registry={registry} name="platform/base" onClose={() => {}} />);
    await screen.findByTestId("repository-facts");
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("alert")).textContent).toBe("not allowed to PutImageTagMutability");
  });

  it("edits the resource tags in their own view, saves them as a whole, and asks before losing edits", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "repository_settings") return stored;
      if (cmd === "repository_tags") return [{ key: "team", value: "platform" }];
      if (cmd === "set_repository_tags") {
        sent.push(args);
        return (args as { tags: unknown }).tags;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<RepositorySettingsDialog registry={registry} name="platform/base" onClose={() => {}} />);
    fireEvent.click(await screen.findByRole("tab", { name: "Resource tags" }));
    const key = (await screen.findByRole("textbox", { name: "Key of tag 1" })) as HTMLInputElement;
    expect(key.value).toBe("team");
    const save = screen.getByRole("button", { name: "Save tags" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByRole("textbox", { name: "Value of tag 1" }), { target: { value: "base" } });
    fireEvent.click(screen.getByRole("button", { name: "+ Add a tag" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Key of tag 2" }), { target: { value: "team" } });
    expect(screen.getAllByText("This key is given twice.")).toHaveLength(2);
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByRole("textbox", { name: "Key of tag 2" }), { target: { value: " owner " } });
    fireEvent.change(screen.getByRole("textbox", { name: "Value of tag 2" }), { target: { value: "alice@example.com" } });
    // Unsaved: Close asks.
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(await screen.findByRole("alertdialog", { name: "Discard your changes?" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Keep editing" }));
    fireEvent.click(save);
    expect((await screen.findByText("Saved; ECR now reports these tags.")).getAttribute("role")).toBe("status");
    expect(sent).toEqual([
      { id: registry.id, name: "platform/base", tags: [{ key: "team", value: "base" }, { key: "owner", value: "alice@example.com" }] },
    ]);
  });
});
