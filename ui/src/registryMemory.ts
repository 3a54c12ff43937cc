/**
 * What a registry has said about itself that the window should not ask again (UI state only,
 * never a secret): kept across launches so the user finds it out once, not once per run.
 */
const UNTAG_KEY = "lading.cannotUntag";

// Read once per launch: the image table asks on every render while a listing streams in.
let remembered: Set<string> | null = null;

function readIds(): Set<string> {
  if (remembered) return remembered;
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(UNTAG_KEY) ?? "[]");
    remembered = new Set(Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : []);
  } catch {
    remembered = new Set();
  }
  return remembered;
}

/** Keyed by address too, so an entry edited to point elsewhere is asked afresh. */
const untagKey = (registry: { id: string; address?: string | null }) => `${registry.id} ${registry.address ?? ""}`;

/** Registries that answered that they cannot remove a tag on its own (CNCF distribution 2.x). */
export const cannotUntag = {
  has(registry: { id: string; address?: string | null }): boolean {
    return readIds().has(untagKey(registry));
  },
  add(registry: { id: string; address?: string | null }) {
    const ids = readIds();
    ids.add(untagKey(registry));
    try {
      localStorage.setItem(UNTAG_KEY, JSON.stringify([...ids]));
    } catch {
      // Storage may be unavailable; the registry will simply say so again.
    }
  },
};
