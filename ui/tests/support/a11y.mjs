// axe-core (npm) on the page as it is: its serious and critical findings, one line each. axe is
// evaluated through DevTools, which the page's CSP does not govern.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe's serious and critical findings on the page as it is, one line each. */
export async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => {
        const nodes = v.nodes.slice(0, 4).map((n) => {
          // Contrast findings say which colours, and how far from 4.5:1.
          const data = n.any.find((c) => c.data?.contrastRatio)?.data;
          const colours = data ? ` ${data.fgColor} on ${data.bgColor} = ${data.contrastRatio}:1` : "";
          return n.target.join(" ") + colours;
        });
        return `${v.id} (${v.impact}): ${v.help} — ${nodes.join(", ")}`;
      });
  });
  return found;
}

