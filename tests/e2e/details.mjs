// End-to-end checks of the page's details a newcomer trips over (issue 11): an error shown only with the text
// it was found in, the share link (clipboard, its fallback, never widening the page), a phone-sized page
// (lesson steps folded, the history table without sideways scrolling), counts that agree, code in backticks
// shown as code, the tab bar's keyboard pattern, and keyboard focus after choosing a lesson.
//
// `cargo xtask test` runs it with PLAYGROUND_URL and SCREENSHOT_DIR set, after playground.mjs.
// Prints `e2e: N passed, M failed` last and exits non-zero when a check failed.

import { chromium } from 'playwright-core';

import { assert, check, CHROMIUM_ARGS, finish, shot, url } from './harness.mjs';

/** Waits until the image bar says the build of the project as it is now has finished. */
async function built(page, timeout = 30000) {
  await page.waitForFunction(() => {
    const s = document.querySelector('#image-status');
    return s && s.dataset.building === 'false' && s.dataset.current === 'true';
  }, null, { timeout });
}

/** Replaces the editor's text and waits for its analysis and its build. */
async function setText(page, text) {
  await page.fill('#editor', text);
  await page.waitForFunction(() => document.querySelector('#summary').dataset.analyzed === 'true', null, { timeout: 5000 });
  await built(page);
}

/** True when the page is no wider than its viewport (nothing makes it scroll sideways). */
async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

async function open(browser, viewport, init) {
  const context = await browser.newContext({ viewport });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('#editor', { timeout: 15000 });
  await built(page, 60000);
  return { context, page, errors };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const { context, page, errors } = await open(browser, { width: 1280, height: 900 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });

  await check('a build error is shown only with the text it was found in', async () => {
    await setText(page, 'FROM busybox\nEXPOSE 80 # the web port\n');
    await page.click('#tab-log');
    const err = await page.textContent('#build-error');
    assert(/^2:/.test(err.trim()), `the error is ${JSON.stringify(err)}`);
    // Load another text; until its build arrives the old error must not be shown. Every change of the page
    // is recorded by a MutationObserver, so even a fast build cannot slip between two looks.
    await page.evaluate(() => {
      window.seenStates = [];
      const look = () => window.seenStates.push({
        current: document.querySelector('#image-status').dataset.current,
        building: document.querySelector('#image-status').dataset.building,
        error: document.querySelector('#build-error')?.textContent ?? null,
      });
      window.seenObserver = new MutationObserver(look);
      window.seenObserver.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.click('#lesson-layers');
    await built(page, 60000);
    const seen = await page.evaluate(() => { window.seenObserver.disconnect(); return window.seenStates; });
    const stale = seen.filter((s) => s.current !== 'true' && s.error !== null);
    assert(seen.some((s) => s.current !== 'true'), 'never saw the build waiting');
    assert(stale.length === 0, `the previous text's error was shown: ${JSON.stringify(stale[0])}`);
  });

  await check('one layer is "1 layer"; a rebuilt RUN step says CACHED and prints no output', async () => {
    await setText(page, 'FROM busybox\n');
    const status = await page.textContent('#image-status');
    assert(/image: 1 layer · [0-9a-f]{12}/.test(status), `status ${JSON.stringify(status)}`);
    await setText(page, 'FROM busybox\nRUN echo output-of-the-run-step\n');
    await page.click('#tab-log');
    assert(/^#\d+ (?:[\d.]+ )?output-of-the-run-step/m.test(await page.textContent('#build-log')), 'the first build printed no output line');
    await page.click('#build');
    await page.waitForFunction(() => /1 cached/.test(document.querySelector('#build-status').textContent)
      && document.querySelector('#build-status').dataset.state === 'done');
    const log = await page.textContent('#build-log');
    assert(/CACHED/.test(log), `no CACHED in ${log}`);
    // The step's header names the command; an output line is `#N text` (`#N 0.123 text` in BuildKit's own log).
    assert(!/^#\d+ (?:[\d.]+ )?output-of-the-run-step/m.test(log), `a cached step printed its output: ${log}`);
  });

  await check('the counts in the summary add up to the Problems count', async () => {
    await setText(page, 'FROM busybox\nENTRYPOINT ["/entrypoint.sh"]\nCMD echo hi\nRNU echo\nexpose 80\n');
    const summary = await page.textContent('#summary');
    const n = [...summary.matchAll(/(\d+) (?:errors?|warnings?|info)\b/g)].reduce((a, m) => a + Number(m[1]), 0);
    const count = Number(await page.textContent('.problems h2 .count'));
    const rows = (await page.$$('#problems li')).length;
    assert(count === rows && n === count, `summary ${JSON.stringify(summary)}, badge ${count}, rows ${rows}`);
    assert(/info/.test(summary), `an info problem is not counted: ${summary}`);
  });

  await check('a misspelled RUN suggests RUN; code in backticks is shown as code', async () => {
    const texts = await page.$$eval('#problems li', (ls) => ls.map((l) => l.innerText));
    assert(texts.some((t) => /unknown instruction: RNU/.test(t) && /did you mean RUN\?/.test(t)), JSON.stringify(texts));
    assert(texts.every((t) => !t.includes('`')), `a backtick is shown: ${texts.find((t) => t.includes('`'))}`);
    const code = await page.$$eval('#problems code', (cs) => cs.map((c) => c.textContent));
    assert(code.some((c) => c.includes('/entrypoint.sh')), `no code element: ${JSON.stringify(code)}`);
    for (const id of await page.$$eval('button.lesson', (bs) => bs.map((b) => b.id))) {
      await page.click(`#${id}`);
      const body = await page.innerText('#lesson-body');
      assert(!body.includes('`'), `${id} shows a backtick: ${body.slice(body.indexOf('`') - 30, body.indexOf('`') + 30)}`);
    }
    await shot(page, '40-code-in-text');
  });

  await check('the tab bar follows the ARIA tab pattern', async () => {
    await page.click('#tab-log');
    const order = await page.$$eval('[role=tab]', (ts) => ts.map((t) => [t.id, t.tabIndex, t.getAttribute('aria-selected')]));
    assert(order.filter(([, ti]) => ti === 0).length === 1, `tabindex: ${JSON.stringify(order)}`);
    assert(order.find(([, ti]) => ti === 0)[0] === 'tab-log', JSON.stringify(order));
    await page.focus('#tab-log');
    const after = async (key) => {
      await page.keyboard.press(key);
      await page.waitForTimeout(50);
      return page.evaluate(() => [document.activeElement.id, document.querySelector('#panel').dataset.tab,
        document.querySelector('#panel').getAttribute('aria-labelledby')]);
    };
    let got = await after('ArrowRight');
    assert(got.join() === 'tab-layers,layers,tab-layers', `ArrowRight: ${got}`);
    got = await after('End');
    assert(got.join() === 'tab-syntax,syntax,tab-syntax', `End: ${got}`);
    got = await after('ArrowRight');
    assert(got.join() === 'tab-log,log,tab-log', `ArrowRight wraps: ${got}`);
    got = await after('ArrowLeft');
    assert(got.join() === 'tab-syntax,syntax,tab-syntax', `ArrowLeft wraps: ${got}`);
    got = await after('Home');
    assert(got.join() === 'tab-log,log,tab-log', `Home: ${got}`);
  });

  await check('choosing a lesson by keyboard keeps focus in the lessons', async () => {
    await page.focus('#lesson-layers');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await built(page, 60000);
    await page.waitForTimeout(200);
    const focus = await page.evaluate(() => ({
      id: document.activeElement.id,
      inLessons: !!document.activeElement.closest('.lessons'),
    }));
    assert(focus.inLessons, `focus went to ${JSON.stringify(focus)}`);
  });

  await check('Share link copies the address to the clipboard and does not widen the page', async () => {
    await page.click('#share');
    await page.waitForSelector('#share-result');
    const kind = await page.getAttribute('#share-result', 'data-result');
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assert(kind === 'copied', `result ${kind}`);
    assert(clip === page.url() && clip.includes('#'), `clipboard ${clip.slice(0, 80)} vs ${page.url().slice(0, 80)}`);
    assert(await fitsWidth(page), 'the page is wider than the window');
    await shot(page, '41-share-copied');
  });
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  await context.close();

  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    await check(`where the clipboard is refused, the link is shown selected (${name})`, async () => {
      const refuse = () => {
        Object.defineProperty(navigator, 'clipboard', {
          value: { writeText: () => Promise.reject(new Error('refused')) },
        });
      };
      const { context: c, page: p } = await open(browser, viewport, refuse);
      await p.click('#share');
      await p.waitForSelector('#share-result[data-result=select]');
      const sel = await p.evaluate(() => {
        const i = document.activeElement;
        return { id: i.id, all: i.selectionStart === 0 && i.selectionEnd === i.value.length, value: i.value };
      });
      assert(sel.id === 'share-url' && sel.all, `selection ${JSON.stringify(sel).slice(0, 120)}`);
      assert(sel.value === p.url(), 'the field does not hold the address');
      assert(await fitsWidth(p), 'the page is wider than the window');
      await shot(p, `42-share-selected-${name}`);
      await c.close();
    });
  }

  await check('on a phone a lesson leaves the editor on the first screen, and history fits', async () => {
    const { context: c, page: p } = await open(browser, { width: 390, height: 844 });
    await p.click('#lesson-cache-order');
    await built(p, 60000);
    const folded = await p.evaluate(() => !document.querySelector('#lesson-details').open);
    const top = await p.evaluate(() => document.querySelector('#editor').getBoundingClientRect().top + window.scrollY);
    await shot(p, '43-phone-lesson');
    assert(folded, 'the lesson steps are open on a phone');
    assert(top < 844, `the editor starts ${top}px down`);
    await p.click('#lesson-details > summary');
    assert(await p.evaluate(() => document.querySelector('#lesson-details').open), 'the steps do not open');
    await p.click('#tab-history');
    const fit = await p.evaluate(() => {
      const s = document.querySelector('.history .table-scroll');
      return { scroll: s.scrollWidth, client: s.clientWidth, page: document.documentElement.scrollWidth };
    });
    await p.locator('#panel').screenshot({ path: `${process.env.SCREENSHOT_DIR ?? 'target/screenshots'}/44-phone-history.png` });
    assert(fit.scroll <= fit.client && fit.page <= 390, `history scrolls sideways: ${JSON.stringify(fit)}`);
    assert(await fitsWidth(p), 'the page is wider than the phone');
    await c.close();
  });
} finally {
  await browser.close();
}
finish();
