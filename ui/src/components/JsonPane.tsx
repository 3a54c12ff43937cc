import { useRef, useState } from "react";
import type { JsonError } from "../json";

/** A policy's JSON, editable, with a syntax error located and a button that puts the caret there. */
export function JsonPane({ text, error, onChange }: { text: string; error: JsonError | null; onChange: (text: string) => void }) {
  const area = useRef<HTMLTextAreaElement>(null);
  function goToError() {
    if (!area.current || !error) return;
    area.current.focus();
    area.current.setSelectionRange(error.offset, Math.min(error.offset + 1, text.length));
  }
  return (
    <>
      <textarea
        ref={area}
        className="policy-json"
        aria-label="Policy JSON"
        spellCheck={false}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
      />
      {error && (
        <p className="form-error" role="alert">
          Line {error.line}, column {error.column}: {error.message}{" "}
          <button className="link-button" onClick={goToError}>
            Go to error
          </button>
        </p>
      )}
    </>
  );
}

/**
 * A value edited both visually and as JSON text: a visual change rewrites the text; typed text
 * updates the value while it parses, and says where it breaks when it does not.
 */
export function useJsonModel<T>(
  initial: T,
  toText: (value: T) => string,
  parse: (text: string) => { value: T } | { error: JsonError },
) {
  const [value, setValue] = useState(initial);
  const [text, setText] = useState(() => toText(initial));
  const [jsonError, setJsonError] = useState<JsonError | null>(null);
  function change(next: T) {
    setValue(next);
    setText(toText(next));
    setJsonError(null);
  }
  function changeText(next: string) {
    setText(next);
    const parsed = parse(next);
    if ("value" in parsed) {
      setValue(parsed.value);
      setJsonError(null);
    } else setJsonError(parsed.error);
  }
  return { value, text, jsonError, change, changeText };
}
