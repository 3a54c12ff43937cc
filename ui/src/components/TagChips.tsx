// An image's tags as chips: the first few, then "+N" for the rest — on hover in a row, a click
// away in the detail (where a wall of 200 chips would push the tabs off screen).
import { useState } from "react";

export function TagChips({ tags, limit, expandable = false }: { tags: string[]; limit: number; expandable?: boolean }) {
  const [all, setAll] = useState(false);
  const shown = all ? tags : tags.slice(0, limit);
  const more = tags.length - shown.length;
  return (
    <>
      {shown.map((t) => (
        <span key={t} className="chip">
          {t}
        </span>
      ))}
      {more > 0 &&
        (expandable ? (
          <button className="chip more" onClick={() => setAll(true)} title={tags.slice(limit).join("\n")}>
            +{more.toLocaleString()} more
          </button>
        ) : (
          <span className="chip more" title={tags.slice(limit).join("\n")}>
            +{more.toLocaleString()}
          </span>
        ))}
      {all && tags.length > limit && (
        <button className="chip more" onClick={() => setAll(false)}>
          fewer
        </button>
      )}
    </>
  );
}
