// An error as the user reads it: the backend's plain-words message, with what the libraries said
// one click away (for a bug report, or a colleague who knows the network).
import type { LadingError } from "../ipc";

export function ErrorText({ error }: { error: Pick<LadingError, "message"> & { detail?: string | null } }) {
  return (
    <>
      {error.message}
      {error.detail && (
        <details className="error-detail">
          <summary>Technical detail</summary>
          <code>{error.detail}</code>
        </details>
      )}
    </>
  );
}
