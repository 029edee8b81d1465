// The cold preview of every real-world Dockerfile (tests/realworld) in the page (issue 13's goal: ≤ 500 ms
// each): each case, with its context files, is opened from a share link in a fresh browser context (nothing
// of an earlier case is cached), and the worker's time for the build (the build log's "in N ms") is
// measured, with the time from opening the link to the build shown (the site's load included). The page has no build-arg,
// target or secret inputs, so a case that needs them builds with its ARG defaults and its last stage.
//
// `cargo xtask bench` serves dist/ and runs this; by hand:
//   PLAYGROUND_URL=http://127.0.0.1:PORT/ node tests/e2e/corpus_timing.mjs

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';

import { built, launch, url } from './harness.mjs';

const corpus = 'tests/realworld';
/** Files of a case that are the harness's, not the context's. */
const NOT_CONTEXT = new Set(['PATTERN.md', 'build-args', 'target', 'secrets']);

function files(dir, root = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const rel = relative(root, path);
    if (dir === root && NOT_CONTEXT.has(name)) continue;
    const st = statSync(path);
    if (st.isDirectory()) out.push(...files(path, root));
    else if (rel !== 'Dockerfile') out.push({ rel, bytes: readFileSync(path), executable: (st.mode & 0o111) !== 0 });
  }
  return out;
}

/** The share-link fragment of a project (web/src/share.rs's wire form). */
function fragment(dockerfile, context) {
  const wire = {
    d: dockerfile,
    f: context.map(({ rel, bytes, executable }) => {
      const text = new TextDecoder('utf-8', { fatal: true });
      let f;
      try {
        f = { n: rel, t: text.decode(bytes) };
      } catch {
        f = { n: rel, b: bytes.toString('base64').replace(/=+$/, '') };
      }
      if (executable) f.x = true;
      return f;
    }),
    p: ['log'],
  };
  const deflated = deflateRawSync(Buffer.from(JSON.stringify(wire)), { level: 9 });
  return `1${deflated.toString('base64url')}`;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const browser = await launch();
const rows = [];
let failed = 0;
try {
  for (const name of readdirSync(corpus).sort()) {
    const dir = join(corpus, name);
    if (!statSync(dir).isDirectory()) continue;
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const frag = fragment(dockerfile, files(dir));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      // Opened at its link: the page time includes loading the site (see timing.mjs for that alone); the
      // worker's time is the build's.
      const t = Date.now();
      await page.goto(`${url}#${frag}`);
      await page.waitForFunction((d) => document.querySelector('#editor')?.value === d, dockerfile, { timeout: 15000 });
      await built(page, 60000);
      const ms = Date.now() - t;
      const status = await page.textContent('#build-status');
      const worker = Number(status.match(/in (\d+) ms/)?.[1] ?? NaN);
      rows.push({ name, ms, worker, status: status.trim() });
    } catch (e) {
      failed += 1;
      rows.push({ name, ms: NaN, worker: NaN, status: `FAILED: ${e.message.split('\n')[0]}` });
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
}

console.log('\ncold preview of each real-world case in the page (the worker\'s build; opening the link → the build shown)');
console.log(`${'case'.padEnd(42)} ${'worker ms'.padStart(10)} ${'page ms'.padStart(8)}  status`);
for (const r of rows) {
  console.log(`${r.name.padEnd(42)} ${String(r.worker).padStart(10)} ${String(r.ms).padStart(8)}  ${r.status.slice(0, 60)}`);
}
const ok = rows.filter((r) => !Number.isNaN(r.ms));
const over = ok.filter((r) => r.worker > 500).length;
console.log(`${rows.length} cases: the worker's build median ${median(ok.map((r) => r.worker))} ms, slowest ${Math.max(...ok.map((r) => r.worker))} ms (over 500 ms: ${over}); link → shown median ${median(ok.map((r) => r.ms))} ms, slowest ${Math.max(...ok.map((r) => r.ms))} ms; not measured: ${failed}`);
process.exit(failed === 0 ? 0 : 1);
