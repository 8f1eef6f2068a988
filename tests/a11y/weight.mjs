// Page weight of built pages in headless Chromium, served over HTTP from a local server.
// Usage: node weight.mjs BASE_URL PATH [PATH ...]   (for example http://127.0.0.1:8000 chapters/fairness.html)
// For each page, in a fresh browser profile: the bytes transferred on the first visit (every
// request), the bytes transferred on a second visit with the browser's cache warm, and the weight
// of the page's own content: its text (UTF-8) and the images and diagrams it shows.
// Prints one JSON object; scripts/bench.py turns it into a table.
import { chromium } from "playwright-core";

const [base, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

async function visit(page, client, url) {
  let bytes = 0;
  let requests = 0;
  const urls = new Map();
  const sizes = [];
  const onResponse = (event) => urls.set(event.requestId, event.response.url);
  const onFinished = (event) => {
    bytes += event.encodedDataLength;
    requests += 1;
    sizes.push([event.encodedDataLength, urls.get(event.requestId) || "?"]);
  };
  client.on("Network.responseReceived", onResponse);
  client.on("Network.loadingFinished", onFinished);
  await page.goto(url, { waitUntil: "networkidle" });
  client.off("Network.responseReceived", onResponse);
  client.off("Network.loadingFinished", onFinished);
  sizes.sort((a, b) => b[0] - a[0]);
  const resources = sizes.map(([size, u]) => [size, u.replace(/^https?:\/\/[^/]+/, "")]);
  return { bytes, requests, resources };
}

const results = {};
try {
  for (const path of paths) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const client = await context.newCDPSession(page);
    await client.send("Network.enable");
    const url = `${base}/${path}`;
    const first = await visit(page, client, url);
    const own = await page.evaluate(async () => {
      const text = new TextEncoder().encode(document.querySelector("main")?.innerText || "").length;
      const sources = new Set();
      for (const img of document.querySelectorAll("main img")) sources.add(img.currentSrc || img.src);
      for (const obj of document.querySelectorAll("main object[data]")) sources.add(obj.data);
      let images = 0;
      for (const source of sources) {
        const response = await fetch(source);
        images += (await response.arrayBuffer()).byteLength;
      }
      return { text, images, count: sources.size };
    });
    const second = await visit(page, client, url);
    results[path] = { first, second, own };
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results, null, 1));
