// End-to-end test of the playground in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//
// `cargo xtask test` builds the site, serves dist/ and runs this with PLAYGROUND_URL and SCREENSHOT_DIR set.
// By hand: `cargo xtask play` in one shell, `node tests/e2e/playground.mjs` in another.
// Prints `e2e: N passed, M failed` last and exits non-zero when a check failed.

import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { assert, check, CHROMIUM_ARGS, finish, shot, shots, url } from './harness.mjs';

/** The problem buttons as {line, text}. */
async function problems(page) {
  return page.$$eval('button.problem', (bs) => bs.map((b) => ({ line: Number(b.dataset.line), text: b.innerText })));
}

const TUTORIAL = 'FROM busybox\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\nRUN rm -rf /sanchuang/f1.txt\nCMD ["/bin/sh"]';
const TYPED = 'FROM alpine:3.20\nWORKDIR /app # x\nFORM debian\nRUN echo hi\n';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await check('the page renders the first example', async () => {
    const t = Date.now();
    await page.goto(url);
    await page.waitForSelector('#editor', { timeout: 15000 });
    await page.waitForFunction(() => /\d+ instructions?/.test(document.querySelector('#summary')?.textContent ?? ''));
    console.log(`      first render after ${Date.now() - t} ms`);
    // A first visit opens the layers; the build's status is on the log's tab.
    assert((await page.getAttribute('#panel', 'data-tab')) === 'layers', 'the first visit does not open the layers');
    await page.click('#tab-log');
    await page.waitForFunction(() => document.querySelector('#build-status')?.dataset.state !== 'pending', null, { timeout: 15000 });
    console.log(`      first build finished ${Date.now() - t} ms after load: ${await page.textContent('#build-status')}`);
    // The syntax tree is a tab of its own; keep it open for the checks that read it.
    await page.click('#tab-syntax');
    const text = await page.inputValue('#editor');
    assert(text.startsWith('FROM busybox'), `editor starts with ${JSON.stringify(text.slice(0, 30))}`);
    const summary = await page.textContent('#summary');
    assert(/^4 instructions, 0 errors, \d+ warnings?/.test(summary), `summary is ${JSON.stringify(summary)}`);
    const dump = await page.textContent('#dump');
    assert(dump.includes('(from "busybox")'), `dump starts ${JSON.stringify(dump.slice(0, 60))}`);
    await shot(page, '01-first-render');
  });

  await check('typing a Dockerfile reports problems on lines 2 and 3', async () => {
    await page.fill('#editor', '');
    await page.click('#editor');
    await page.keyboard.type(TYPED, { delay: 5 });
    // Analysis runs once typing pauses; wait until it describes the typed text.
    await page.waitForFunction(
      () => document.querySelector('#summary').dataset.analyzed === 'true'
        && document.querySelector('#dump').textContent.includes('(from "alpine:3.20")'),
      null, { timeout: 5000 });
    const rows = await problems(page);
    assert(rows.some((r) => r.line === 2), `no problem on line 2: ${JSON.stringify(rows)}`);
    const line3 = rows.find((r) => r.line === 3);
    assert(line3 && line3.text.includes('FROM'), `line 3 problem does not mention FROM: ${JSON.stringify(line3)}`);
    assert(/^3:1\b/.test(line3.text), `line 3 problem position: ${JSON.stringify(line3.text)}`);
    const marks = await page.$$eval('.gutter .ln', (ls) => ls.map((l) => l.className));
    assert(/mark-/.test(marks[1]) && /mark-error/.test(marks[2]), `gutter marks: ${JSON.stringify(marks.slice(0, 4))}`);
    assert(!/mark-/.test(marks[0]), `line 1 is marked: ${marks[0]}`);
    const tip = await page.getAttribute('.gutter .ln:nth-child(3)', 'title');
    assert(/^error SD\d{4}: .*FORM/m.test(tip ?? ''), `line 3 marker tooltip: ${JSON.stringify(tip)}`);
    const summary = await page.textContent('#summary');
    assert(summary.startsWith('4 instructions'), `summary is ${JSON.stringify(summary)}`);
    await shot(page, '02-problems');
  });

  await check('the editor highlights keywords and underlines the problem on line 3', async () => {
    const layer = await page.evaluate(() => {
      const pre = document.querySelector('pre.code-layer');
      const kw = [...pre.querySelectorAll('.tok-keyword')].map((e) => e.textContent);
      const diag = pre.querySelector('.diag-error[data-line="3"]');
      return {
        same: pre.textContent === `${document.querySelector('#editor').value}\n`,
        kw,
        diag: diag && { text: diag.textContent, title: diag.title, line: diag.dataset.line },
        decoration: diag && getComputedStyle(diag).textDecorationStyle,
      };
    });
    assert(layer.same, 'the highlighting layer does not hold the editor text');
    assert(JSON.stringify(layer.kw.slice(0, 2)) === '["FROM","WORKDIR"]', `keywords ${JSON.stringify(layer.kw)}`);
    assert(layer.diag && layer.diag.text === 'FORM' && /^SD\d{4}: .*FORM/.test(layer.diag.title),
      `line 3 underline ${JSON.stringify(layer.diag)}`);
    assert(layer.decoration === 'wavy', `underline style ${layer.decoration}`);
    // The textarea is on top: hovering the underlined text shows its note in a tooltip.
    const box = await page.locator('pre.code-layer .diag-error[data-line="3"]').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = await page.waitForSelector('.diag-tip', { timeout: 2000 });
    const tipText = await tip.textContent();
    assert(/^SD\d{4}: unknown instruction: FORM/.test(tipText), `tooltip ${JSON.stringify(tipText)}`);
    await shot(page, '02b-hover');
    await page.mouse.move(5, 5);
    // The keyboard way: the problem of the caret's line is named under the editor.
    await page.click('#editor');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => /FORM/.test(document.querySelector('#caret-problems').textContent));
    const caret = await page.textContent('.caret-line');
    assert(/^Ln 3, Col 1/.test(caret), `caret line ${JSON.stringify(caret)}`);
  });

  await check('the highlighting layer stays under the text when a long line scrolls sideways', async () => {
    await page.click('#editor');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(`RUN echo ${'long '.repeat(60)}$HOME`, { delay: 1 });
    await page.waitForTimeout(50);
    const m = await page.evaluate(() => {
      const ta = document.querySelector('#editor');
      const pre = document.querySelector('pre.code-layer');
      const a = getComputedStyle(ta);
      const b = getComputedStyle(pre);
      const same = ['fontFamily', 'fontSize', 'lineHeight', 'paddingLeft', 'paddingTop', 'tabSize', 'whiteSpace', 'letterSpacing']
        .filter((k) => a[k] !== b[k]);
      return { ta: ta.scrollLeft, pre: pre.scrollLeft, top: [ta.scrollTop, pre.scrollTop], differ: same,
               left: [ta.getBoundingClientRect().left, pre.getBoundingClientRect().left] };
    });
    assert(m.ta > 0 && m.ta === m.pre, `scrollLeft textarea ${m.ta}, layer ${m.pre}`);
    assert(m.top[0] === m.top[1], `scrollTop ${JSON.stringify(m.top)}`);
    assert(m.differ.length === 0, `the textarea and the layer differ in ${m.differ.join(', ')}`);
    assert(m.left[0] === m.left[1], `left edges ${JSON.stringify(m.left)}`);
    await shot(page, '02c-long-line');
  });

  await check('the syntax tree shows the inline # as part of WORKDIR', async () => {
    const dump = await page.textContent('#dump');
    assert(dump.includes('(workdir "/app # x")'), `dump is ${JSON.stringify(dump)}`);
  });

  await check('clicking the line-3 problem selects it in the editor', async () => {
    await page.click('button.problem[data-line="3"]');
    const sel = await page.evaluate(() => {
      const ta = document.querySelector('#editor');
      return { start: ta.selectionStart, end: ta.selectionEnd, focused: document.activeElement === ta };
    });
    const line3 = TYPED.indexOf('FORM');
    assert(sel.start === line3, `selectionStart ${sel.start}, line 3 starts at ${line3}`);
    assert(sel.end > sel.start, `empty selection ${JSON.stringify(sel)}`);
    assert(sel.focused, 'the editor is not focused');
    await shot(page, '03-jumped');
  });

  await check('a problem is reachable by keyboard', async () => {
    await page.focus('button.problem[data-line="2"]');
    await page.keyboard.press('Enter');
    const sel = await page.evaluate(() => {
      const ta = document.querySelector('#editor');
      return { start: ta.selectionStart, focused: document.activeElement === ta };
    });
    const line2 = TYPED.indexOf('WORKDIR');
    assert(sel.focused && sel.start >= line2 && sel.start < TYPED.indexOf('FORM'), `selection ${JSON.stringify(sel)}`);
  });

  await check('the dropdown loads another example', async () => {
    await page.selectOption('#example', { label: 'myip.Dockerfile (fails on purpose)' });
    await page.waitForFunction(() => document.querySelector('#editor').value.includes('RNTRYPOINT'));
    await page.waitForSelector('button.problem[data-line="3"]', { timeout: 5000 });
    const summary = await page.textContent('#summary');
    assert(/^3 instructions, [1-9]\d* errors?/.test(summary), `summary is ${JSON.stringify(summary)}`);
    await shot(page, '04-example-myip');
  });

  await check('an edited example can be reloaded', async () => {
    await page.click('#editor');
    await page.keyboard.press('End');
    await page.keyboard.type('\nUSER nobody');
    await page.click('button.reload');
    const text = await page.inputValue('#editor');
    assert(!text.includes('USER nobody') && text.includes('RNTRYPOINT'), `editor holds ${JSON.stringify(text)}`);
    assert((await page.$('button.reload')) === null, 'the reload button is still there');
  });

  await check('jumping to a problem far down scrolls the editor to it', async () => {
    const long = ['FROM alpine:3.20', ...Array.from({ length: 70 }, (_, i) => `RUN echo ${i}`), 'FORM debian', ''].join('\n');
    await page.fill('#editor', long);
    await page.waitForSelector('button.problem[data-line="72"]', { timeout: 5000 });
    await page.click('button.problem[data-line="72"]');
    await page.waitForTimeout(100);
    const seen = await page.evaluate(() => {
      const box = document.querySelector('.editor-scroll').getBoundingClientRect();
      const row = document.querySelector('.gutter .ln:nth-child(72)').getBoundingClientRect();
      const ta = document.querySelector('#editor');
      return {
        inside: row.top >= box.top && row.bottom <= box.bottom,
        start: ta.selectionStart,
        ownScroll: ta.scrollTop,
        fits: ta.clientHeight >= ta.scrollHeight,
      };
    });
    assert(seen.start === long.indexOf('FORM'), `selectionStart ${seen.start}`);
    // The text scrolls with the gutter, never inside the textarea on its own.
    assert(seen.ownScroll === 0 && seen.fits, `the textarea scrolled by itself: ${JSON.stringify(seen)}`);
    assert(seen.inside, 'line 72 is not visible in the editor');
    await shot(page, '05-jump-far');
  });

  await check('the tutorial Dockerfile builds into 4 layers with the literal f{1..10}.txt', async () => {
    await page.click('#tab-log');
    await page.fill('#editor', '');
    await page.click('#editor');
    await page.keyboard.type(TUTORIAL, { delay: 2 });
    // The build runs once typing pauses; wait until the log describes the typed text.
    await page.waitForFunction(
      () => document.querySelector('#build-status')?.dataset.current === 'true',
      null, { timeout: 15000 });
    const status = await page.getAttribute('#build-status', 'data-state');
    console.log(`      ${await page.textContent('#build-status')}`);
    const log = await page.textContent('#build-log');
    assert(status === 'done', `build state ${status}; log: ${log}`);
    assert(/#2 \[2\/4\] RUN mkdir \/sanchuang/.test(log), `no RUN mkdir step in the log: ${log}`);
    assert(/#\d+ (DONE|CACHED)/.test(log) && /exporting to image/.test(log), `the log did not finish: ${log}`);
    await page.locator('.build-log').screenshot({ path: join(shots, '07-build-log.png') });
    await page.click('#tab-layers');
    const count = await page.textContent('#layer-count');
    assert(count === '4', `layer count ${count}`);
    const rows = await page.$$eval('#layers > li', (ls) => ls.map((l) => l.querySelector('.created-by').textContent));
    assert(rows.length === 4, `layer rows ${JSON.stringify(rows)}`);
    assert(rows[2].includes('touch /sanchuang/f{1..10}.txt'), `layer 3 made by ${JSON.stringify(rows[2])}`);
    // Expand the touch layer (by keyboard) and find the literal file: ash has no brace expansion.
    await page.focus('#layers > li:nth-child(3) .layer-head');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#layer-2-entries');
    const entries = await page.$$eval('#layer-2-entries .entry', (es) => es.map((e) => e.innerText.replace(/\s+/g, ' ')));
    assert(entries.some((e) => e.includes('/sanchuang/f{1..10}.txt')), `layer entries ${JSON.stringify(entries)}`);
    assert(!entries.some((e) => /\/f1\.txt/.test(e)), `brace expansion happened: ${JSON.stringify(entries)}`);
    const expanded = await page.getAttribute('#layers > li:nth-child(3) .layer-head', 'aria-expanded');
    assert(expanded === 'true', `aria-expanded ${expanded}`);
    await page.locator('.layers').screenshot({ path: join(shots, '08-layers.png') });
    await page.click('#tab-history');
    const history = await page.$$eval('#history tbody tr', (rs) => rs.map((r) => r.innerText));
    assert(history.length >= 5 && history[0].includes('CMD ["/bin/sh"]'), `history ${JSON.stringify(history)}`);
    await shot(page, '09-build');
    await page.click('#tab-log');
  });

  await check('a rebuild with the Build button is all CACHED', async () => {
    await page.click('#build');
    // The rebuild runs in the worker: wait for its status, not the last one.
    await page.waitForFunction(() => /0 ran, 3 cached/.test(document.querySelector('#build-status').textContent), null, { timeout: 10000 });
    const log = await page.textContent('#build-log');
    const cached = (log.match(/^#\d+ CACHED$/gm) ?? []).length;
    // The three RUN steps, and FROM: BuildKit says CACHED for a base image it already has.
    assert(cached === 4, `${cached} CACHED lines in ${log}`);
    const status = await page.textContent('#build-status');
    assert(/0 ran, 3 cached/.test(status), `status ${status}`);
  });

  await check('a deleted file shows as its whiteout entry beside "deleted"', async () => {
    await page.fill('#editor', 'FROM busybox\nRUN mkdir /d && touch /d/f1.txt /d/f2.txt\nRUN rm /d/f1.txt\n');
    await page.waitForFunction(() => document.querySelector('#build-status')?.dataset.current === 'true', null, { timeout: 15000 });
    await page.click('#tab-layers');
    await page.waitForFunction(
      () => document.querySelector('#layer-count')?.textContent === '3',
      null, { timeout: 15000 });
    // Layer 3 may still be expanded from the last check (rows stay open across builds).
    if ((await page.getAttribute('#layers > li:nth-child(3) .layer-head', 'aria-expanded')) !== 'true') {
      await page.click('#layers > li:nth-child(3) .layer-head');
    }
    const deleted = await page.$$eval('#layer-2-entries .entry-deleted', (es) => es.map((e) => e.innerText.replace(/\s+/g, ' ')));
    assert(deleted.length === 1, `deleted entries ${JSON.stringify(deleted)}`);
    assert(/deleted/i.test(deleted[0]) && deleted[0].includes('d/.wh.f1.txt') && deleted[0].includes('/d/f1.txt'),
      `deleted entry ${JSON.stringify(deleted[0])}`);
    await page.locator('.layers').screenshot({ path: join(shots, '11-whiteout.png') });
  });

  await check('a failing build shows the error and jumps to its line', async () => {
    const bad = 'FROM busybox\nRUN mkdir /x\nRUN nosuchcommand --flag\n';
    await page.click('#tab-log');
    await page.fill('#editor', bad);
    await page.waitForFunction(
      () => document.querySelector('#build-status')?.dataset.state === 'failed'
        && document.querySelector('#build-status').dataset.current === 'true',
      null, { timeout: 15000 });
    const err = await page.innerText('#build-error');
    assert(/^3:1\b/.test(err), `build error ${JSON.stringify(err)}`);
    await page.click('#build-error');
    const sel = await page.evaluate(() => {
      const ta = document.querySelector('#editor');
      return { start: ta.selectionStart, focused: document.activeElement === ta };
    });
    assert(sel.focused && sel.start === bad.indexOf('RUN nosuch'), `selection ${JSON.stringify(sel)}`);
    await page.locator('.build-log').screenshot({ path: join(shots, '10-build-error.png') });
  });

  await check('no errors in the browser console', async () => {
    assert(consoleErrors.length === 0, consoleErrors.join(' | '));
  });

  await check('a phone-sized screen needs no sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await p.goto(url);
    await p.waitForFunction(() => /\d+ instructions?/.test(document.querySelector('#summary')?.textContent ?? ''));
    const widths = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
    await shot(p, '06-phone');
    // The build panels too, with a layer expanded.
    await p.fill('#editor', TUTORIAL);
    await p.click('#tab-layers');
    await p.waitForFunction(() => document.querySelector('#layer-count')?.textContent === '4', null, { timeout: 15000 });
    await p.click('#layers > li:nth-child(3) .layer-head');
    const built = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
    await p.locator('.layers').screenshot({ path: join(shots, '12-phone-layers.png') });
    await p.click('#tab-history');
    await p.locator('.history').screenshot({ path: join(shots, '13-phone-history.png') });
    await phone.close();
    assert(widths.scroll <= widths.view, `page is ${widths.scroll}px wide in a ${widths.view}px viewport`);
    assert(built.scroll <= built.view, `built page is ${built.scroll}px wide in a ${built.view}px viewport`);
  });
} finally {
  await browser.close();
}

finish();
