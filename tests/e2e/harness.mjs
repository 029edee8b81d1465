// What the end-to-end scripts share: where the site and the screenshots are, how Chromium is started and the
// site opened, waiting for a build, reading a tar, and the named checks whose tally ends each script
// (`e2e: N passed, M failed`, exit status 1 on a failure).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const url = process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8080/';
export const shots = process.env.SCREENSHOT_DIR ?? 'target/screenshots';
mkdirSync(shots, { recursive: true });

/** Debian's Chromium in this sandbox: no sandbox, no GPU, no network chatter of its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Starts headless Chromium with [`CHROMIUM_ARGS`]. */
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Waits until the image bar says the build of the project as it is now has finished. */
export async function built(page, timeout = 30000) {
  await page.waitForFunction(() => {
    const s = document.querySelector('#image-status');
    return s && s.dataset.building === 'false' && s.dataset.current === 'true';
  }, null, { timeout });
}

/**
 * Opens the site in a new browser context and waits for `ready` and the first build. The page's errors
 * (uncaught exceptions, and console errors unless `consoleMessages` is false) collect in `consoleErrors`.
 */
export async function openSite(browser, {
  viewport = { width: 1280, height: 1000 }, acceptDownloads = false, ready = '#editor', consoleMessages = true,
} = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads });
  const page = await context.newPage();
  const consoleErrors = [];
  if (consoleMessages) page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector(ready, { timeout: 15000 });
  await built(page);
  return { context, page, consoleErrors };
}

/** Every member of a tar (a pax `path` record names the member after it): name, mode, type and bytes. */
export function tarMembers(tar) {
  const out = [];
  let longName = null;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const field = (from, len) => header.subarray(from, from + len).toString('utf8').replace(/\0.*$/s, '');
    const name = field(0, 100);
    if (!name) break;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const body = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      longName = path ? path[1] : null;
      continue;
    }
    out.push({ name: (longName ?? name).replace(/^\.\//, ''), mode: parseInt(field(100, 8).trim() || '0', 8), type, body });
    longName = null;
  }
  return out;
}

let passed = 0;
let failed = 0;

/** Run one named check; a thrown error fails it and the run goes on. */
export async function check(name, body) {
  const t = Date.now();
  try {
    await body();
    passed += 1;
    console.log(`ok    ${name} (${Date.now() - t} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL  ${name}: ${e.message.split('\n')[0]}`);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** A full-page screenshot into the screenshot directory. */
export async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Prints the tally and exits: 0 when every check passed. */
export function finish() {
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
