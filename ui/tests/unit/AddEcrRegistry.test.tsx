import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { AddRegistryDialog } from "../../src/components/AddRegistryDialog";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Adding ECR", () => {
  it("may name another account's registry, checked as an account ID", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "aws_profiles") return [{ name: "dev", kind: "sso", region: "eu-west-1" }];
      if (cmd === "add_ecr_registry") {
        sent.push((args as { request: unknown }).request);
        return { id: "ecr:dev@eu-west-1/111122223333", name: "111122223333 · eu-west-1 (via dev)", kind: "ecr" };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    let added = "";
    render(<AddRegistryDialog onAdded={(r) => (added = r.id)} onClose={() => {}} />);
    fireEvent.click(screen.getByRole("tab", { name: "Amazon ECR" }));
    const id = await screen.findByLabelText(/^Another account's registry/);
    fireEvent.change(id, { target: { value: "1111-2222" } });
    expect(screen.getByText("An account ID is 12 digits.")).toBeTruthy();
    const add = screen.getAllByRole("button").find((b) => b.getAttribute("type") === "submit") as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    fireEvent.change(id, { target: { value: " 111122223333 " } });
    expect(add.disabled).toBe(false);
    fireEvent.click(add);
    await waitFor(() => expect(added).toBe("ecr:dev@eu-west-1/111122223333"));
    expect(sent).toEqual([{ profile: "dev", region: "eu-west-1", registry_id: "111122223333" }]);
  });
});
