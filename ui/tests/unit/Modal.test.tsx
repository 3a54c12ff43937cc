import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { Modal } from "../../src/components/Modal";

afterEach(cleanup);

function Opener() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button onClick={() => setOpen(true)}>Export…</button>
      <button>Behind the backdrop</button>
      {open && (
        <Modal label="Export image" onClose={() => setOpen(false)}>
          <label>
            Destination <input />
          </label>
          <button onClick={() => setOpen(false)}>Cancel</button>
          <button>Export</button>
        </Modal>
      )}
    </>
  );
}

describe("Dialogs and sheets", () => {
  it("take focus, keep Tab inside, and give focus back on close", () => {
    render(<Opener />);
    const opener = screen.getByRole("button", { name: "Export…" });
    opener.focus();
    fireEvent.click(opener);
    const field = screen.getByLabelText("Destination");
    expect(document.activeElement).toBe(field);
    // From the last control Tab goes round to the first; Shift+Tab from the first to the last.
    const last = screen.getByRole("button", { name: "Export" });
    last.focus();
    fireEvent.keyDown(last, { key: "Tab" });
    expect(document.activeElement).toBe(field);
    fireEvent.keyDown(field, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(last);
    // In between, Tab is the browser's own.
    const cancel = screen.getByRole("button", { name: "Cancel" });
    cancel.focus();
    fireEvent.keyDown(cancel, { key: "Tab" });
    expect(document.activeElement).toBe(cancel);
    // Escape closes; focus is back on what opened it.
    fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
