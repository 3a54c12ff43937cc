import { useEffect, useState } from "react";
import { createPortal } from "react-dom";
import { api, type LadingError, type RegistryView, type SignInHelp } from "../ipc";
import { Modal } from "./Modal";
import { ErrorText } from "./ErrorText";
import { untilWords } from "../format";

/** The command that signs docker in to this registry, to copy; the password never comes here. */
function SignInDialog({ registry, onClose }: { registry: RegistryView; onClose: () => void }) {
  const [help, setHelp] = useState<SignInHelp | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    api.signInHelp(registry.id).then(setHelp, setError);
  }, [registry.id]);
  return (
    <Modal label="Sign in from a terminal" clickOutside onClose={onClose}>
      <h2>Sign in to {registry.name} from a terminal</h2>
      {!help && !error && <p className="hint">Reading the registry's address…</p>}
      {error && <ErrorText error={error} />}
      {help && (
        <>
          <pre className="sign-in-command" data-testid="sign-in-command">
            {help.command}
          </pre>
          <p className="hint">{help.note}</p>
          {help.token_expires_at !== null && (
            <p data-testid="token-expiry">
              The token Lading keeps for this registry expires {untilWords(help.token_expires_at)} (
              {new Date(help.token_expires_at * 1000).toLocaleTimeString()}); it fetches a new one by itself.
            </p>
          )}
        </>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          disabled={!help}
          onClick={() =>
            help &&
            navigator.clipboard?.writeText(help.command).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            })
          }
        >
          {copied ? "Copied" : "Copy command"}
        </button>
      </div>
    </Modal>
  );
}

export function SignInHelpButton({ registry }: { registry: RegistryView }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button className="header-action" onClick={() => setOpen(true)} title="The command that signs docker in to this registry, to copy">
        Sign-in…
      </button>
      {open && createPortal(<SignInDialog registry={registry} onClose={() => setOpen(false)} />, document.body)}
    </>
  );
}
