import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, declined, LadingError, type AwsProfile, type RegistryView } from "../ipc";
import { Modal } from "./Modal";
import { ErrorText } from "./ErrorText";

interface Props {
  /** Pre-filled address (e.g. a docker login offered in the sidebar). */
  initialAddress?: string;
  initialMode?: "anonymous" | "password" | "docker_login";
  onAdded: (registry: RegistryView) => void;
  onClose: () => void;
}

type Tab = "oci" | "ecr";

export function AddRegistryDialog({ initialAddress = "", initialMode = "anonymous", onAdded, onClose }: Props) {
  const [tab, setTab] = useState<Tab>("oci");
  const [address, setAddress] = useState(initialAddress);
  const [mode, setMode] = useState(initialMode);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [insecure, setInsecure] = useState(false);
  const [caFile, setCaFile] = useState("");
  const [profiles, setProfiles] = useState<AwsProfile[]>([]);
  const [profile, setProfile] = useState("");
  const [region, setRegion] = useState("");
  const [registryId, setRegistryId] = useState("");
  const registryIdInvalid = registryId.trim() !== "" && !/^\d{12}$/.test(registryId.trim());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<LadingError | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const caField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    firstField.current?.focus();
  }, [tab]);

  useEffect(() => {
    api.awsProfiles().then((list) => {
      setProfiles(list);
      const first = list[0];
      if (first) {
        setProfile(first.name);
        setRegion(first.region ?? "us-east-1");
      }
    }, setError);
  }, []);


  async function submit(e: FormEvent) {
    e.preventDefault();
    await add(insecure);
  }

  /** Adds the registry as the form says, with Plain HTTP as given (the offered fix ticks it). */
  async function add(insecure: boolean) {
    setBusy(true);
    setError(null);
    try {
      const added =
        tab === "oci"
          ? await api.addOciRegistry({
              address,
              auth: {
                mode,
                username: mode === "password" ? username : null,
                password: mode === "password" ? password : null,
              },
              insecure,
              ca_file: caFile.trim() || null,
            })
          : await api.addEcrRegistry({ profile: profile || null, region, registry_id: registryId.trim() || null });
      setPassword("");
      onAdded(added);
    } catch (err) {
      // Already listed, and the user said no to the update: it stays as it was.
      setError(declined(err) ? new LadingError("declined", "Not changed: the registry keeps its settings and saved password.") : (err as LadingError));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal labelledBy="add-registry-title" clickOutside onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="add-registry-title">Add registry</h2>
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === "oci"} onClick={() => setTab("oci")}>
            OCI registry
          </button>
          <button type="button" role="tab" aria-selected={tab === "ecr"} onClick={() => setTab("ecr")}>
            Amazon ECR
          </button>
        </div>

        {tab === "oci" ? (
          <>
            <label className="field">
              <span>Address</span>
              <input
                ref={firstField}
                data-testid="address"
                value={address}
                onChange={(e) => setAddress(e.target.value)}
                placeholder="registry.example.com or localhost:5000"
                autoComplete="off"
                spellCheck={false}
                required
              />
            </label>
            <fieldset className="field">
              <legend>Sign in</legend>
              <label className="choice">
                <input
                  type="radio"
                  name="mode"
                  data-testid="auth-anonymous"
                  checked={mode === "anonymous"}
                  onChange={() => setMode("anonymous")}
                />
                Anonymous
              </label>
              <label className="choice">
                <input
                  type="radio"
                  name="mode"
                  data-testid="auth-password"
                  checked={mode === "password"}
                  onChange={() => setMode("password")}
                />
                Username and password or token (kept in the system keychain)
              </label>
              <label className="choice">
                <input type="radio" name="mode" checked={mode === "docker_login"} onChange={() => setMode("docker_login")} />
                Use my Docker login
              </label>
            </fieldset>
            {mode === "password" && (
              <div className="field-row">
                <label className="field">
                  <span>Username</span>
                  <input
                    data-testid="username"
                    value={username}
                    onChange={(e) => setUsername(e.target.value)}
                    autoComplete="username"
                    required
                  />
                </label>
                <label className="field">
                  <span>Password or token</span>
                  <input
                    type="password"
                    data-testid="password"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    autoComplete="current-password"
                    required
                  />
                </label>
              </div>
            )}
            <label className="field">
              <span>Company CA certificate (PEM file path, optional)</span>
              <input
                ref={caField}
                data-testid="ca-file"
                value={caFile}
                onChange={(e) => setCaFile(e.target.value)}
                placeholder="/etc/ssl/company-ca.pem"
                spellCheck={false}
              />
            </label>
            <label className="choice">
              <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
              Plain HTTP (no TLS) — loopback addresses use it unless you write https://
            </label>
          </>
        ) : (
          <>
            <label className="field">
              <span>AWS profile</span>
              <select value={profile} onChange={(e) => setProfile(e.target.value)}>
                {profiles.length === 0 && <option value="">default credentials</option>}
                {profiles.map((p) => (
                  <option key={p.name} value={p.name}>
                    {profileLabel(p)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Region</span>
              <input
                ref={firstField}
                value={region}
                onChange={(e) => setRegion(e.target.value)}
                placeholder="eu-west-1"
                required
              />
            </label>
            <label className="field">
              <span>Another account's registry (optional: its 12-digit ID, e.g. a shared tools account)</span>
              <input
                value={registryId}
                onChange={(e) => setRegistryId(e.target.value)}
                placeholder="the profile's own"
                inputMode="numeric"
                aria-invalid={registryIdInvalid}
                spellCheck={false}
              />
              {registryIdInvalid && <span className="form-error">An account ID is 12 digits.</span>}
            </label>
            <p className="hint">Lading stores only the profile, region and registry ID; AWS keys stay where they are.</p>
          </>
        )}

        {error && (
          <div className="form-error" role="alert">
            <ErrorText error={error} />
            {error.code === "plain_http" && tab === "oci" && (
              <p>
                <button
                  type="button"
                  onClick={() => {
                    setInsecure(true);
                    void add(true);
                  }}
                >
                  Use plain HTTP and try again
                </button>
              </p>
            )}
            {error.code === "certificate" && tab === "oci" && (
              <p>
                <button type="button" onClick={() => caField.current?.focus()}>
                  Give its CA certificate…
                </button>
              </p>
            )}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || (tab === "ecr" && registryIdInvalid)}>
            {busy ? "Checking…" : "Add"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** "dev (sso)"; the environment's keys are no profile: "AWS_ACCESS_KEY_ID from the environment". */
export function profileLabel(profile: AwsProfile): string {
  return profile.kind === "env" ? "AWS_ACCESS_KEY_ID from the environment" : `${profile.name} (${profile.kind})`;
}
