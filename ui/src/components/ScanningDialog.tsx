import { useEffect, useState, type FormEvent } from "react";
import { api, declined, type LadingError, type RegistryView, type ScanningConfigView } from "../ipc";
import { Modal } from "./Modal";
import { ConfirmDialog } from "./ConfirmDialog";

/** One rule per frequency, as ECR takes them: on or off, and its repository filters. */
interface RuleChoice {
  on: boolean;
  filters: string;
}

const splitFilters = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function choiceOf(config: ScanningConfigView, frequency: string): RuleChoice {
  const rule = config.rules.find((r) => r.frequency === frequency);
  return { on: !!rule, filters: rule ? rule.filters.join(", ") : "*" };
}

/** The configuration the form describes, as the backend takes it. */
export function configFromForm(scanType: string, onPush: RuleChoice, continuous: RuleChoice): ScanningConfigView {
  const rules = [];
  if (continuous.on && scanType === "ENHANCED") rules.push({ frequency: "CONTINUOUS_SCAN", filters: splitFilters(continuous.filters) });
  if (onPush.on) rules.push({ frequency: "SCAN_ON_PUSH", filters: splitFilters(onPush.filters) });
  return { scan_type: scanType, rules };
}

const sameConfig = (a: ScanningConfigView, b: ScanningConfigView) => {
  const key = (c: ScanningConfigView) =>
    JSON.stringify([c.scan_type, [...c.rules].sort((x, y) => x.frequency.localeCompare(y.frequency))]);
  return key(a) === key(b);
};

/** The ECR registry's scanning: basic or enhanced (Amazon Inspector), and which repositories are
 * scanned on push or continuously. The backend checks it and asks natively before changing it. */
export function ScanningDialog({ registry, onClose }: { registry: RegistryView; onClose: () => void }) {
  const [stored, setStored] = useState<ScanningConfigView | null>(null);
  const [scanType, setScanType] = useState("BASIC");
  const [onPush, setOnPush] = useState<RuleChoice>({ on: false, filters: "*" });
  const [continuous, setContinuous] = useState<RuleChoice>({ on: false, filters: "*" });
  const [error, setError] = useState<LadingError | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  const show = (config: ScanningConfigView) => {
    setStored(config);
    setScanType(config.scan_type);
    setOnPush(choiceOf(config, "SCAN_ON_PUSH"));
    setContinuous(choiceOf(config, "CONTINUOUS_SCAN"));
  };
  useEffect(() => {
    api.scanningConfiguration(registry.id).then(show, setError);
  }, [registry.id]);

  const wanted = configFromForm(scanType, onPush, continuous);
  const unsaved = !!stored && !sameConfig(wanted, stored);
  const close = () => (unsaved ? setLeaving(true) : onClose());
  // What ECR would refuse, said at its field before anything is sent.
  const emptyPush = onPush.on && splitFilters(onPush.filters).length === 0;
  const emptyContinuous = scanType === "ENHANCED" && continuous.on && splitFilters(continuous.filters).length === 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      show(await api.setScanningConfiguration(registry.id, wanted));
      setNotice("Saved; ECR now reports this configuration.");
    } catch (err) {
      if (declined(err)) setNotice("Not changed.");
      else setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Modal label="Scanning" clickOutside escape={!leaving} onClose={close}>
        <form onSubmit={submit} className="scanning-dialog">
          <h2>Image scanning in {registry.name}</h2>
          {!stored && !error && <p className="hint">Reading the scanning configuration from ECR…</p>}
          {stored && (
            <div className="scanning-rules">
              <fieldset>
                <legend>Scanner</legend>
                <label>
                  <input type="radio" name="scan-type" checked={scanType === "BASIC"} onChange={() => setScanType("BASIC")} />
                  Basic scanning (ECR's own, operating-system packages; Scan now on any image once a day)
                </label>
                <label>
                  <input type="radio" name="scan-type" checked={scanType === "ENHANCED"} onChange={() => setScanType("ENHANCED")} />
                  Enhanced scanning (Amazon Inspector: OS and language packages, continuous; billed by Inspector)
                </label>
              </fieldset>
              <label>
                <input type="checkbox" checked={onPush.on} onChange={(e) => setOnPush({ ...onPush, on: e.target.checked })} />
                Scan on push, for repositories matching
              </label>
              <input
                type="text"
                aria-label="Repositories scanned on push"
                aria-invalid={emptyPush}
                disabled={!onPush.on}
                value={onPush.filters}
                onChange={(e) => setOnPush({ ...onPush, filters: e.target.value })}
                spellCheck={false}
              />
              {emptyPush && <p className="form-error">Name at least one repository filter (* for every repository).</p>}
              <label title={scanType === "ENHANCED" ? undefined : "Continuous scanning is Amazon Inspector's: choose enhanced scanning"}>
                <input
                  type="checkbox"
                  checked={continuous.on && scanType === "ENHANCED"}
                  disabled={scanType !== "ENHANCED"}
                  onChange={(e) => setContinuous({ ...continuous, on: e.target.checked })}
                />
                Scan continuously (enhanced only), for repositories matching
              </label>
              <input
                type="text"
                aria-label="Repositories scanned continuously"
                aria-invalid={emptyContinuous}
                disabled={scanType !== "ENHANCED" || !continuous.on}
                value={continuous.filters}
                onChange={(e) => setContinuous({ ...continuous, filters: e.target.value })}
                spellCheck={false}
              />
              {emptyContinuous && <p className="form-error">Name at least one repository filter (* for every repository).</p>}
              <p className="hint">
                Filters are repository names with * as a wildcard (team-a/*, prod-*), separated by commas. Repositories no rule
                names are scanned only when asked.
              </p>
            </div>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error.message}
            </p>
          )}
          {notice && (
            <p className="notice" role="status">
              {notice}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={close}>
              Close
            </button>
            <button type="submit" className="primary" disabled={busy || !stored || !unsaved || emptyPush || emptyContinuous}>
              Save…
            </button>
          </div>
        </form>
      </Modal>
      {leaving && (
        <ConfirmDialog
          title="Discard your changes?"
          body="This scanning configuration is not saved in ECR; closing loses your changes."
          confirmLabel="Discard"
          cancelLabel="Keep editing"
          onClose={() => setLeaving(false)}
          onConfirm={onClose}
        />
      )}
    </>
  );
}
