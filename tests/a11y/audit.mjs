// Accessibility audit of built pages with axe-core in headless Chromium.
// Usage: node audit.mjs PAGE.html [PAGE.html ...]
// Prints one JSON object: for each page, the axe violations with their impact, rule, help text and
// the first few offending elements. The Python test decides what fails (serious and critical).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = {};
try {
  for (const path of process.argv.slice(2)) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    await page.addScriptTag({ content: axeSource });
    const report = await page.evaluate(async () =>
      await window.axe.run(document, { resultTypes: ["violations"] }));
    results[path] = report.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results, null, 1));
