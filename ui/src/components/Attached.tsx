// What is attached to an image: its signatures, SBOMs and attestations (OCI referrers, cosign tags).
import { useEffect, useState } from "react";
import { api } from "../ipc";
import type { LadingError, ReferrerView } from "../ipc";
import { formatBytes } from "../format";

/** Names people know for the artifact types they meet. */
function describe(r: ReferrerView): string {
  const t = r.artifact_type ?? r.media_type;
  if (t.includes("spdx")) return "SBOM (SPDX)";
  if (t.includes("cyclonedx")) return "SBOM (CycloneDX)";
  if (t.includes("sigstore") || t.includes("cosign.simplesigning")) return "signature (sigstore)";
  if (t.includes("in-toto") || t.includes("intoto")) return "attestation (in-toto)";
  if (t.includes("notary")) return "signature (Notary)";
  return t;
}

export function Attached({
  load,
  digest,
  open,
}: {
  load: (digest: string, signal: AbortSignal) => Promise<ReferrerView[]>;
  digest: string;
  /** Opens an attached manifest in the detail. */
  open: (digest: string) => void;
}) {
  const [found, setFound] = useState<ReferrerView[] | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  useEffect(() => {
    const leaving = new AbortController();
    let current = true;
    load(digest, leaving.signal).then(
      (r) => current && setFound(r),
      (e: LadingError) => current && setError(e),
    );
    return () => {
      current = false;
      leaving.abort();
    };
  }, [digest]);
  if (error)
    return (
      <p className="hint attached">
        Attached signatures and SBOMs could not be read: {error.message}
      </p>
    );
  if (!found || found.length === 0) return null;
  return (
    <section className="attached" aria-label="Attached">
      <h3>Attached ({found.length})</h3>
      <ul>
        {found.map((r) => {
          const notes = Object.entries(r.annotations).map(([k, v]) => `${k}: ${v}`);
          return (
            <li key={r.digest} title={[r.artifact_type ?? r.media_type, ...notes].join("\n")}>
              <button className="link-button" onClick={() => open(r.digest)}>
                {describe(r)}
              </button>{" "}
              <span className="platform-size">{formatBytes(r.size)}</span>{" "}
              <code className="hint">{r.digest.replace("sha256:", "").slice(0, 12)}</code>{" "}
              {/* A cosign tag's name is the image's digest again: named on hover only. */}
              <span className="hint" title={r.found}>
                via {r.found.startsWith("tag ") ? "a cosign tag" : r.found}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Only this many selected images are asked about (each is a request or two). */
const ASKED = 20;

/**
 * Under a delete question: how many manifests are attached to the images going, with a box to
 * delete them too (ticked: without their image they mean nothing).
 */
export function DeleteAttached({
  registryId,
  repository,
  digests,
  checked,
  onChange,
  onCount,
}: {
  registryId: string;
  repository: string;
  digests: string[];
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** How many attached manifests were found (0 until known). */
  onCount: (count: number) => void;
}) {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    const leaving = new AbortController();
    let current = true;
    onCount(0);
    Promise.all(
      digests.slice(0, ASKED).map((d) => api.imageReferrers(registryId, repository, d, leaving.signal).catch(() => [])),
    ).then((found) => {
      if (!current) return;
      const n = new Set(found.flat().map((r) => r.digest)).size;
      setCount(n);
      onCount(n);
    });
    return () => {
      current = false;
      leaving.abort();
    };
  }, [registryId, repository, digests.join("\n")]);
  if (!count) return null;
  return (
    <label className="choice">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      Also delete the {count === 1 ? "manifest" : `${count} manifests`} attached to {digests.length === 1 ? "it" : "them"}{" "}
      (signatures, SBOMs, attestations)
    </label>
  );
}
