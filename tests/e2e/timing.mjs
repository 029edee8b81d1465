// The playground's timing budgets, measured in headless Chromium over RUNS runs (medians), beside the
// native `strata build --backend sim` of the same Dockerfiles measured in the same run.
//
// `cargo xtask bench` serves dist/ and runs this with PLAYGROUND_URL and STRATA (the release CLI) set.
//   load → first build: a fresh browser context opens the page (the default example) and waits until the
//                       worker's first build has finished and is shown.
//   keystroke → layers: with the tutorial Dockerfile built and the Layers tab open, one key changes the last RUN
//                       line; the time until the layers panel shows the rebuilt layer.
// Native: a cold build into a fresh store (the page's first build is cold too), and a one-character
// rebuild with the cache warm.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, url } from './harness.mjs';

const strata = process.env.STRATA ?? 'target/release/strata';
const RUNS = Number(process.env.RUNS ?? 20);
const TUTORIAL = 'FROM busybox\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\nRUN rm -rf /sanchuang/f1.txt\nCMD ["/bin/sh"]\n';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const load = [];
const keystroke = [];
let defaultText = '';
try {
  for (let i = 0; i < RUNS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => {
      const s = document.querySelector('#image-status');
      return s && s.dataset.building === 'false' && s.dataset.current === 'true';
    }, null, { timeout: 60000, polling: 'raf' });
    load.push(Date.now() - t0);
    if (i === 0) defaultText = await page.inputValue('#editor');

    // Keystroke → layers: build the tutorial, open Layers, then type one character into a RUN line.
    await page.fill('#editor', TUTORIAL);
    await page.click('#tab-layers');
    await page.waitForFunction(() => document.querySelector('#layer-count')?.textContent === '4', null, { timeout: 30000 });
    await page.focus('#editor');
    await page.evaluate(() => {
      const ta = document.querySelector('#editor');
      const at = ta.value.indexOf('f1.txt\n') + 'f1.txt'.length;
      ta.setSelectionRange(at, at);
    });
    const ms = await page.evaluate(() => new Promise((resolve, reject) => {
      const start = performance.now();
      setTimeout(() => reject(new Error(`no rebuilt layer view after 20 s: ${document.querySelector('#layers')?.textContent.slice(0, 300)}`)), 20000);
      const obs = new MutationObserver(() => {
        const made = [...document.querySelectorAll('#layers .created-by')].map((e) => e.textContent);
        if (made.some((m) => m.includes('rm -rf /sanchuang/f1.txtx'))) {
          obs.disconnect();
          resolve(performance.now() - start);
        }
      });
      obs.observe(document.querySelector('#panel'), { subtree: true, childList: true, characterData: true });
      const ta = document.querySelector('#editor');
      ta.setRangeText('x', ta.selectionStart, ta.selectionStart, 'end');
      ta.dispatchEvent(new InputEvent('input', { bubbles: true, data: 'x', inputType: 'insertText' }));
    }));
    keystroke.push(ms);
    await context.close();
  }
} finally {
  await browser.close();
}

// Native, in the same run.
const dir = mkdtempSync(join(tmpdir(), 'strata-timing-'));
const nativeCold = [];
const nativeDefault = [];
const nativeWarm = [];
function timeBuild(store, ctx) {
  const t = process.hrtime.bigint();
  try {
    execFileSync(strata, ['--root', store, 'build', '--backend', 'sim', '-t', 'timing', ctx], { stdio: 'ignore' });
  } catch { /* a build that fails (a context without the files it copies) still counts */ }
  return Number(process.hrtime.bigint() - t) / 1e6;
}
try {
  const defCtx = join(dir, 'default');
  const tutCtx = join(dir, 'tutorial');
  execFileSync('mkdir', ['-p', defCtx, tutCtx]);
  writeFileSync(join(defCtx, 'Dockerfile'), defaultText);
  for (let i = 0; i < RUNS; i += 1) {
    const store = join(dir, `store-${i}`);
    nativeDefault.push(timeBuild(store, defCtx));
    writeFileSync(join(tutCtx, 'Dockerfile'), TUTORIAL);
    nativeCold.push(timeBuild(store, tutCtx));
    writeFileSync(join(tutCtx, 'Dockerfile'), TUTORIAL.replace('f1.txt\n', 'f1.txtx\n'));
    nativeWarm.push(timeBuild(store, tutCtx));
    rmSync(store, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`timing (${RUNS} runs, medians):`);
console.log(`  page load → first build of the default example (Chromium): ${fmt(median(load))}`);
console.log(`  native strata build --backend sim, same Dockerfile, fresh store: ${fmt(median(nativeDefault))}`);
console.log(`  keystroke → updated layer view (Chromium, tutorial, cache warm): ${fmt(median(keystroke))}`);
console.log(`  native one-character rebuild of the tutorial, cache warm:        ${fmt(median(nativeWarm))}`);
console.log(`  native cold build of the tutorial (fresh store):                ${fmt(median(nativeCold))}`);
console.log(`  (all runs) load: ${load.map((x) => x.toFixed(0)).join(' ')}`);
console.log(`  (all runs) keystroke: ${keystroke.map((x) => x.toFixed(0)).join(' ')}`);
