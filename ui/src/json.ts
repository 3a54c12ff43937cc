// JSON text typed by the user: parsed, or the exact place it breaks (line, column, offset).

export interface JsonError {
  line: number;
  column: number;
  /** Offset in the text, for putting the caret there. */
  offset: number;
  message: string;
}

/**
 * Where the JSON breaks. Engines word JSON.parse errors differently (WebKit gives no position),
 * so this scans the text itself: the first offset where it stops being JSON.
 */
function locate(text: string, fallback: string): JsonError {
  const { offset, message } = scanJson(text) ?? { offset: text.length, message: fallback };
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1, offset, message };
}

function scanJson(text: string): { offset: number; message: string } | null {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message };
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe()}`);
  };
  const describe = () => (i >= text.length ? "end of the text" : `${JSON.stringify(text[i])}`);
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text[i]! < " ") fail("a line break inside a string");
      i++;
    }
    if (i >= text.length) fail("a string that never ends");
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || !m[0]) fail(`unexpected ${describe()}`);
    i += m![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a "key" but found ${describe()}`);
        string();
        space();
        if (text[i] !== ":") fail(`expected : but found ${describe()}`);
        i++;
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail(`expected , or } but found ${describe()}`);
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail(`expected , or ] but found ${describe()}`);
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    fail(`expected a value but found ${describe()}`);
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the policy`);
    return null;
  } catch (e) {
    return e as { offset: number; message: string };
  }
}

/** The value of `text`, or where and why it is not JSON. */
export function parseJson(text: string): { value: unknown } | { error: JsonError } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: locate(text, (e as Error).message) };
  }
}
