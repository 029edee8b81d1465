// End-to-end test of the first visit, the example picker and every lesson, in headless Chromium: each
// lesson's steps are followed literally (click what a step says, type what it says) and each claim a step
// makes is asserted against what the page shows. Prints each lesson's build time in the page.
//
// `cargo xtask test` runs it with PLAYGROUND_URL and SCREENSHOT_DIR set; screenshots at desktop (1280×800)
// and phone (390×844) sizes go to SCREENSHOT_DIR as lesson-*.png.
// Prints `e2e: N passed, M failed` last and exits non-zero when a check failed.

import { chromium } from 'playwright-core';

import { assert, check, CHROMIUM_ARGS, finish, shot, url } from './harness.mjs';

/** Waits until the image bar says the build of the project as it is now has finished. */
async function built(page, timeout = 60000) {
  await page.waitForFunction(() => {
    const s = document.querySelector('#image-status');
    return s && s.dataset.building === 'false' && s.dataset.current === 'true';
  }, null, { timeout });
}

/** Loads lesson `id` by its button and waits for its build; returns the time it took, in the page and in
 * the worker (the build log's "in N ms"). */
async function loadLesson(page, id) {
  const t = Date.now();
  await page.click(`#lesson-${id}`);
  await page.waitForSelector(`#lesson-body[data-lesson="${id}"]`);
  await built(page);
  const ms = Date.now() - t;
  const tab = await page.getAttribute('#panel', 'data-tab');
  await page.click('#tab-log');
  const status = await page.textContent('#build-status');
  const worker = Number(status.match(/in (\d+) ms/)?.[1] ?? NaN);
  await page.click(`#tab-${tab}`);
  return { ms, worker, status };
}

/** The lesson's steps as the page shows them. */
async function steps(page) {
  return page.$$eval('#lesson-body .lesson-steps li', (ls) => ls.map((l) => l.textContent));
}

/** The build log as vertices: {head, status, output}, from BuildKit's plain progress. */
async function vertices(page) {
  await page.click('#tab-log');
  const lines = await page.$$eval('#build-log .log-line', (ls) => ls.map((l) => l.textContent.replace(/\n$/, '')));
  const byId = new Map();
  for (const line of lines) {
    const m = line.match(/^#(\d+) (.*)$/);
    if (!m) continue;
    const [, id, rest] = m;
    if (!byId.has(id)) { byId.set(id, { head: rest, status: '', output: [] }); continue; }
    const v = byId.get(id);
    if (/^(CACHED|DONE|ERROR)/.test(rest)) v.status = rest; else v.output.push(rest);
  }
  return [...byId.values()];
}

function vertex(vs, text) {
  const v = vs.find((x) => x.head.includes(text));
  assert(v, `no step ${text} in ${JSON.stringify(vs.map((x) => x.head))}`);
  return v;
}

/** The layer rows: {createdBy, size, wasted}. */
async function layerRows(page) {
  await page.click('#tab-layers');
  return page.$$eval('#layers > li.layer', (ls) => ls.map((l) => ({
    createdBy: l.querySelector('.created-by').textContent,
    size: l.querySelector('.layer-head .size').textContent,
    wasted: l.querySelector('.wasted')?.textContent ?? '',
  })));
}

/** Opens layer `index` (0-based) if it is closed and returns its entries: {change, mode, path, tar, size}. */
async function openLayer(page, index) {
  await page.click('#tab-layers');
  const head = page.locator(`#layers > li.layer[data-index="${index}"] .layer-head`);
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
  return page.$$eval(`#layer-${index}-entries li.entry`, (es) => es.map((e) => ({
    change: e.querySelector('.change').textContent.trim(),
    mode: e.querySelector('.mode')?.textContent ?? '',
    path: e.querySelector('.path').textContent,
    tar: e.querySelector('.tar-name')?.textContent ?? '',
    size: e.querySelector('.size').textContent,
  })));
}

async function layerIndex(page, text) {
  const rows = await layerRows(page);
  const i = rows.findIndex((r) => r.createdBy.includes(text));
  assert(i >= 0, `no layer ${text} in ${JSON.stringify(rows.map((r) => r.createdBy))}`);
  return i;
}

/** `docker history` rows: {createdBy, size, comment}. */
async function history(page) {
  await page.click('#tab-history');
  return page.$$eval('#history tbody tr', (rs) => rs.map((r) => {
    const td = r.querySelectorAll('td');
    return { createdBy: td[1].textContent, size: td[2].textContent, comment: td[3].textContent };
  }));
}

async function inspect(page) {
  await page.click('#tab-inspect');
  return JSON.parse(await page.textContent('#inspect-json'))[0];
}

/** Runs `line` (the run line as it is when omitted: "press Run") and waits for the result of that line. */
async function run(page, line) {
  await page.click('#tab-run');
  if (line !== undefined) await page.fill('#run-line', line);
  const l = await page.inputValue('#run-line');
  await page.click('#run');
  await page.waitForFunction((want) => {
    const r = document.querySelector('#run-result');
    return r && document.querySelector('#run')?.textContent === 'Run' && r.dataset.line === want;
  }, l, { timeout: 20000 });
  return {
    exit: Number(await page.getAttribute('#run-result', 'data-exit')),
    output: await page.textContent('#run-output'),
    argv: (await page.$('#run-argv')) ? await page.textContent('#run-argv') : '',
    all: await page.textContent('#run-result'),
  };
}

/** Replaces the editor's text and waits for its build. */
async function edit(page, text) {
  await page.fill('#editor', text);
  await built(page);
}

/** Changes context file `path` as `f` says (in the context pane's editor) and waits for the build. */
async function editContextFile(page, path, f) {
  await page.click(`.ctx-row[data-path="${path}"] .ctx-name`);
  const text = await page.inputValue('#ctx-text');
  await page.fill('#ctx-text', f(text));
  await built(page);
}

/** Docker's size text (`74.8MB`, `21B`, `1.05kB`) in bytes. */
function bytes(size) {
  const m = size.trim().match(/^([\d.]+)(B|kB|MB|GB)$/);
  assert(m, `not a size: ${size}`);
  return Number(m[1]) * { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[m[2]];
}

const timings = [];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('#editor', { timeout: 15000 });
  await built(page);
  timings.push(['first visit (load → built)', Date.now() - t0, NaN]);

  await check('the first visit: a build that works, its layers open, and where to start', async () => {
    await shot(page, 'lesson-00-first-visit');
    assert(await page.isVisible('#start-here'), 'no start-here line');
    assert(/^Start here/.test(await page.textContent('#start-here')), 'start-here text');
    assert((await page.getAttribute('#panel', 'data-tab')) === 'layers', 'the layers are not open');
    assert((await page.$$('#layers > li.layer')).length >= 2, 'no layers');
    assert(!(await page.isDisabled('#save-docker')), 'downloads disabled on the first visit');
    assert((await page.$('#downloads-why')) === null, 'a reason for disabled downloads is shown');
    assert((await page.inputValue('#example')) === 'example-0', `picker ${await page.inputValue('#example')}`);
    const files = await page.$$eval('.ctx-row[data-path]', (es) => es.map((e) => e.dataset.path));
    assert(JSON.stringify(files) === '["hello.txt","while.sh"]', `context ${JSON.stringify(files)}`);
    const r = await run(page);
    assert(r.exit === 0 && /hello world 1/.test(r.output), `run ${JSON.stringify(r)}`);
  });

  await check('an example that fails on purpose says so, and says why downloads are off', async () => {
    const label = await page.$eval('#example option[value="example-4"]', (o) => o.textContent);
    assert(/python-app\.Dockerfile \(fails on purpose\)/.test(label), `option ${label}`);
    await page.selectOption('#example', 'example-4');
    await built(page);
    assert((await page.$('#start-here')) === null, 'start-here is still shown');
    const note = await page.textContent('#fails-note');
    assert(/fails on purpose/.test(note) && /EXPOSE 80/.test(note), `note ${note}`);
    assert(await page.isDisabled('#save-docker'), 'downloads enabled after a failed build');
    const why = await page.textContent('#downloads-why');
    assert(/build failed/.test(why), `why ${why}`);
    const files = await page.$$eval('.ctx-row[data-path]', (es) => es.map((e) => e.dataset.path));
    assert(JSON.stringify(files) === '["app.py","requirements.txt"]', `context ${JSON.stringify(files)}`);
    await shot(page, 'lesson-00-fails-on-purpose');
  });

  await check('the picker names the lesson loaded, and reload reloads the lesson', async () => {
    await page.click('#lesson-volumes');
    await built(page);
    assert((await page.inputValue('#example')) === 'lesson-5', `picker ${await page.inputValue('#example')}`);
    const shown = await page.$eval('#example', (s) => s.selectedOptions[0].textContent);
    assert(/^Lesson 6: Volumes/.test(shown), `picker shows ${shown}`);
    const lessonText = await page.inputValue('#editor');
    await page.fill('#editor', `${lessonText}USER nobody\n`);
    assert((await page.textContent('button.reload')) === 'Reload the lesson', await page.textContent('button.reload'));
    await page.click('button.reload');
    await page.waitForFunction((t) => document.querySelector('#editor').value === t, lessonText, { timeout: 5000 });
    assert((await page.inputValue('#example')) === 'lesson-5', 'the picker changed');
    assert(!(await page.inputValue('#editor')).includes('python'), 'python-app came back');
    // The edits are kept: Restore brings them back, and the picker then names the user's own project.
    await page.click('#restore');
    await page.waitForFunction(() => document.querySelector('#editor').value.includes('USER nobody'));
    assert((await page.inputValue('#example')) === 'here', `picker ${await page.inputValue('#example')}`);
    assert((await page.$('button.reload')) === null, 'a reload button for the user\'s own project');
  });

  // ---- Lesson 1 ------------------------------------------------------------------------------------------
  await check('lesson 1 (layers): every step holds', async () => {
    const t = await loadLesson(page, 'layers');
    timings.push(['1 layers', t.ms, t.worker]);
    assert((await steps(page)).length === 5, 'steps');
    // 1. One row per layer: busybox's, then one per RUN. The first RUN's row holds the notes and big.log.
    const rows = await layerRows(page);
    assert(rows.length === 4, `rows ${rows.length}`);
    assert(rows.slice(1).every((r) => r.createdBy.startsWith('RUN')), JSON.stringify(rows));
    const first = await openLayer(page, 1);
    for (const p of ['/notes/note1.txt', '/notes/note5.txt', '/notes/big.log']) {
      assert(first.some((e) => e.path === p), `no ${p} in ${JSON.stringify(first.map((e) => e.path))}`);
    }
    // 2. The rm layer: only whiteouts (and no file data); the first RUN's row shows wasted bytes.
    const rm = await openLayer(page, 2);
    const tars = rm.filter((e) => e.change === 'deleted').map((e) => e.tar);
    assert(tars.some((x) => x.endsWith('notes/.wh.note1.txt')) && tars.some((x) => x.endsWith('notes/.wh.big.log')),
      `whiteouts ${JSON.stringify(tars)}`);
    assert(rm.every((e) => e.change === 'deleted' || e.path.endsWith('/')), `data in the rm layer ${JSON.stringify(rm)}`);
    assert(/wasted/.test((await layerRows(page))[1].wasted), 'the first RUN shows no waste');
    // 3. The >> layer holds all of note2.txt (21B), copied up.
    const up = await openLayer(page, 3);
    const note2 = up.find((e) => e.path === '/notes/note2.txt');
    assert(note2 && note2.change === 'changed' && note2.size === '21B', `note2 ${JSON.stringify(note2)}`);
    await shot(page, 'lesson-01-layers');
    // 4. History: newest first, CMD 0B.
    const h = await history(page);
    assert(h[0].createdBy.startsWith('CMD') && h[0].size === '0B', `history ${JSON.stringify(h[0])}`);
    // 5. Run: note1.txt and big.log gone, note2.txt has both lines.
    const r = await run(page);
    assert(r.exit === 0, `exit ${r.exit}`);
    assert(!/note1\.txt|big\.log/.test(r.output) && /note2\.txt/.test(r.output), r.output);
    assert(/note 2\na second line/.test(r.output), r.output);
  });

  // ---- Lesson 2 ------------------------------------------------------------------------------------------
  await check('lesson 2 (CMD vs ENTRYPOINT): every step holds', async () => {
    const t = await loadLesson(page, 'cmd-entrypoint');
    timings.push(['2 cmd-entrypoint', t.ms, t.worker]);
    assert((await steps(page)).length === 5, 'steps');
    // 1. `-a` replaces CMD: not found, 127.
    const r1 = await run(page);
    assert(r1.exit === 127 && /not found/.test(r1.output), `run ${JSON.stringify(r1)}`);
    // 2. CMD → ENTRYPOINT: `ls -l /etc -a` runs.
    await page.click('#tab-log');
    const text = await page.inputValue('#editor');
    await edit(page, text.replace('CMD [', 'ENTRYPOINT ['));
    const r2 = await run(page);
    assert(r2.argv === 'ls -l /etc -a' && r2.exit === 0, `run ${JSON.stringify(r2)}`);
    // 3. Both: the default argument, then replaced.
    await edit(page, 'FROM busybox\nENTRYPOINT ["ls", "-l"]\nCMD ["/etc"]\n');
    const r3 = await run(page, 'docker run --rm lister');
    assert(r3.argv === 'ls -l /etc' && r3.exit === 0, `run ${JSON.stringify(r3)}`);
    const r4 = await run(page, 'docker run --rm lister /bin');
    assert(r4.argv === 'ls -l /bin' && r4.exit === 0, `run ${JSON.stringify(r4)}`);
    // 4. Inspect: two lists.
    const cfg = (await inspect(page)).Config;
    assert(JSON.stringify(cfg.Entrypoint) === '["ls","-l"]' && JSON.stringify(cfg.Cmd) === '["/etc"]', JSON.stringify(cfg));
    await shot(page, 'lesson-02-cmd-entrypoint');
    // 5. RNTRYPOINT: the build fails; the problems list says where.
    await edit(page, 'FROM busybox\nRNTRYPOINT ["ls", "-l"]\nCMD ["/etc"]\n');
    await page.waitForSelector('button.problem[data-line="2"]', { timeout: 5000 });
    assert(/RNTRYPOINT/i.test(await page.textContent('button.problem[data-line="2"]')), 'problem text');
    await page.click('#tab-log');
    assert(/^Build failed/.test(await page.textContent('#build-status')), await page.textContent('#build-status'));
  });

  // ---- Lesson 3 ------------------------------------------------------------------------------------------
  await check('lesson 3 (mycentos): every step holds', async () => {
    const t = await loadLesson(page, 'mycentos');
    timings.push(['3 mycentos', t.ms, t.worker]);
    assert((await steps(page)).length === 5, 'steps');
    // 1. Each yum step prints what it installs, with the [strata] modelled line; each is a layer.
    const vs = await vertices(page);
    for (const what of ['yum -y install vim', 'yum -y install net-tools']) {
      const v = vertex(vs, `RUN ${what}`);
      assert(v.output.some((l) => /Complete!/.test(l)), `${what}: ${v.output.slice(-3)}`);
      assert(v.output.some((l) => /^\[strata\] modelled: yum/.test(l)), `${what}: no [strata] line`);
      await layerIndex(page, what);
    }
    // 2. Base vs yum layers; rpm database and yum cache changed.
    const vim = await openLayer(page, await layerIndex(page, 'yum -y install vim'));
    assert(vim.some((e) => e.path.startsWith('/var/lib/rpm')) && vim.some((e) => e.path.startsWith('/var/cache/yum')),
      `vim layer ${JSON.stringify(vim.map((e) => e.path))}`);
    await shot(page, 'lesson-03-mycentos');
    // 3. History: one row per instruction after FROM above the base's rows; metadata rows 0B.
    const h = await history(page);
    const own = h.filter((r) => r.comment === 'buildkit.dockerfile.v0');
    assert(own.length === 9 && h.slice(0, 9).every((r) => r.comment === 'buildkit.dockerfile.v0'), JSON.stringify(h));
    assert(h.length > own.length, 'no base rows');
    for (const r of own.filter((x) => /^(MAINTAINER|ENV|WORKDIR|EXPOSE|CMD)/.test(x.createdBy))) {
      assert(r.size === '0B', `${r.createdBy}: ${r.size}`);
    }
    assert(own.some((r) => r.createdBy.startsWith('MAINTAINER')), 'no MAINTAINER row');
    // 4. Inspect.
    const cfg = (await inspect(page)).Config;
    assert(cfg.WorkingDir === '/usr/local', cfg.WorkingDir);
    assert(cfg.ExposedPorts && '80/tcp' in cfg.ExposedPorts, JSON.stringify(cfg.ExposedPorts));
    assert(cfg.Cmd.join(' ').endsWith('/bin/bash') && !/success|MYPATH/.test(cfg.Cmd.join(' ')), JSON.stringify(cfg.Cmd));
    // 5. Run: pwd.
    const r = await run(page);
    assert(r.exit === 0 && r.output.trim() === '/usr/local', `run ${JSON.stringify(r)}`);
  });

  // ---- Lesson 4 ------------------------------------------------------------------------------------------
  await check('lesson 4 (exec bit): every step holds', async () => {
    const t = await loadLesson(page, 'exec-bit');
    timings.push(['4 exec-bit', t.ms, t.worker]);
    assert((await steps(page)).length === 8, 'steps');
    // 1. The build succeeds; RUN cat prints hello.txt, or is CACHED (the first visit's example built the
    // same step) and prints nothing.
    let vs = await vertices(page);
    const cat = vertex(vs, 'RUN cat /hello.txt');
    assert(cat.status === 'CACHED' ? cat.output.length === 0 : cat.output.includes('welcome to the playground!'),
      `RUN cat ${JSON.stringify(cat)}`);
    assert(/^Built/.test(await page.textContent('#build-status')), 'not built');
    // 2. Run: permission denied, 126.
    const r1 = await run(page);
    assert(r1.exit === 126 && /exec: "\/while.sh": permission denied/.test(r1.output), `run ${JSON.stringify(r1)}`);
    // 3. Layers: while.sh -rw-r--r-- in the COPY layer.
    const copyAt = await layerIndex(page, 'COPY . /');
    let copy = await openLayer(page, copyAt);
    let sh = copy.find((e) => e.path === '/while.sh');
    assert(sh && sh.mode === '-rw-r--r--', `while.sh ${JSON.stringify(sh)}`);
    await shot(page, 'lesson-04-exec-bit-0644');
    // 4. Build context: tick +x; the page starts a build at once.
    await page.locator('.ctx-row[data-path="while.sh"] .ctx-exec input').check();
    await page.waitForFunction(() => document.querySelector('#image-status').dataset.current === 'false'
      || document.querySelector('#image-status').dataset.building === 'true', null, { timeout: 5000 }).catch(() => {});
    await built(page);
    // 5. Build log: COPY ran again (DONE with the miss's reason), then Build once more: CACHED.
    vs = await vertices(page);
    const c = vertex(vs, 'COPY . /');
    assert(/^DONE/.test(c.status) && /cache miss/.test(c.status), `COPY ${c.status}`);
    await page.click('#build');
    await page.waitForFunction(() => [...document.querySelectorAll('#build-log .log-line')]
      .some((l) => /CACHED/.test(l.textContent)) && document.querySelector('#image-status').dataset.building === 'false',
    null, { timeout: 10000 });
    await built(page);
    vs = await vertices(page);
    assert(vertex(vs, 'COPY . /').status === 'CACHED', `COPY after Build: ${vertex(vs, 'COPY . /').status}`);
    // 6. Layers: -rwxr-xr-x now.
    copy = await openLayer(page, copyAt);
    sh = copy.find((e) => e.path === '/while.sh');
    assert(sh && sh.mode === '-rwxr-xr-x', `while.sh ${JSON.stringify(sh)}`);
    await shot(page, 'lesson-04-exec-bit-0755');
    // 7. Run: five lines, exit 0.
    const r2 = await run(page);
    assert(r2.exit === 0 && /hello world 1/.test(r2.output) && /hello world 5/.test(r2.output), `run ${JSON.stringify(r2)}`);
    // 8. Untick +x, ENTRYPOINT through /bin/sh: exit 0.
    await page.locator('.ctx-row[data-path="while.sh"] .ctx-exec input').uncheck();
    await page.click('#tab-log');
    await edit(page, (await page.inputValue('#editor')).replace('["/while.sh"]', '["/bin/sh", "/while.sh"]'));
    const r3 = await run(page);
    assert(r3.exit === 0 && /hello world 5/.test(r3.output), `run ${JSON.stringify(r3)}`);
  });

  // ---- Lesson 5 ------------------------------------------------------------------------------------------
  await check('lesson 5 (ADD vs COPY): every step holds', async () => {
    const t = await loadLesson(page, 'add-copy');
    timings.push(['5 add-copy', t.ms, t.worker]);
    assert((await steps(page)).length === 5, 'steps');
    const files = await page.$$eval('.ctx-row[data-path]', (es) => es.map((e) => e.dataset.path));
    assert(JSON.stringify(files) === '["site.tar.gz"]', JSON.stringify(files));
    const copy = await openLayer(page, await layerIndex(page, 'COPY site.tar.gz'));
    assert(copy.some((e) => e.path === '/copied/site.tar.gz'), JSON.stringify(copy));
    const add = await openLayer(page, await layerIndex(page, 'ADD site.tar.gz'));
    assert(add.some((e) => e.path === '/added/site/index.html') && add.some((e) => e.path === '/added/site/style.css'),
      JSON.stringify(add));
    assert(!add.some((e) => e.path.endsWith('.tar.gz')), 'the archive is in the ADD layer');
    await shot(page, 'lesson-05-add-copy');
    const r = await run(page);
    assert(r.exit === 0 && /\/copied:/.test(r.output) && /\/added\/site:/.test(r.output), r.output);
  });

  // ---- Lesson 6 ------------------------------------------------------------------------------------------
  await check('lesson 6 (volumes): every step holds', async () => {
    const t = await loadLesson(page, 'volumes');
    timings.push(['6 volumes', t.ms, t.worker]);
    assert((await steps(page)).length === 5, 'steps');
    const h = await history(page);
    const vol = h.find((r) => r.createdBy.startsWith('VOLUME'));
    assert(vol && vol.size === '0B', JSON.stringify(vol));
    const cfg = (await inspect(page)).Config;
    assert(cfg.Volumes && '/data' in cfg.Volumes, JSON.stringify(cfg.Volumes));
    const run1 = await openLayer(page, await layerIndex(page, 'seed.txt'));
    assert(run1.some((e) => e.path === '/data/seed.txt'), JSON.stringify(run1));
    await shot(page, 'lesson-06-volumes');
    const r = await run(page);
    assert(r.exit === 0 && /seed\.txt/.test(r.output) && /written by the container/.test(r.output), r.output);
  });

  // ---- Lesson 7 ------------------------------------------------------------------------------------------
  await check('lesson 7 (cache order): every step holds', async () => {
    const t = await loadLesson(page, 'cache-order');
    timings.push(['7 cache-order', t.ms, t.worker]);
    assert((await steps(page)).length === 6, 'steps');
    // 1. The first build runs every step.
    let vs = await vertices(page);
    for (const v of vs.filter((x) => !/ FROM |exporting/.test(x.head))) {
      assert(/^DONE/.test(v.status), `${v.head}: ${v.status}`);
    }
    vertex(vs, 'RUN pip install');
    // 2. Change a line of app.py: COPY . /app and pip miss.
    const changeApp = async (line) => {
      await page.click('.ctx-row[data-path="app.py"] .ctx-name');
      const text = await page.inputValue('#ctx-text');
      await page.fill('#ctx-text', text.replace(/return ".*"/, `return "${line}"`));
      await built(page);
    };
    await changeApp('Hello, cache!');
    vs = await vertices(page);
    assert(/cache miss/.test(vertex(vs, 'COPY . /app').status), vertex(vs, 'COPY . /app').status);
    assert(/^DONE/.test(vertex(vs, 'RUN pip install').status), vertex(vs, 'RUN pip install').status);
    // 3. Fix the order; edit app.py again: pip CACHED, only the last COPY runs.
    await page.click('#tab-log');
    await edit(page, (await page.inputValue('#editor')).replace(
      /# Copies every file[^\n]*\nCOPY \. \/app\n/,
      'COPY requirements.txt /app/\n',
    ).replace(/(RUN pip install[^\n]*\n)/, '$1COPY . /app\n'));
    await changeApp('Hello again!');
    vs = await vertices(page);
    assert(vertex(vs, 'RUN pip install').status === 'CACHED', vertex(vs, 'RUN pip install').status);
    assert(vertex(vs, 'COPY requirements.txt').status === 'CACHED', vertex(vs, 'COPY requirements.txt').status);
    assert(/^DONE/.test(vertex(vs, 'COPY . /app').status), vertex(vs, 'COPY . /app').status);
    // 4. The pip layer is the biggest this Dockerfile adds; the base has bigger ones.
    const rows = await layerRows(page);
    const firstOwn = rows.findIndex((r) => r.createdBy.startsWith('WORKDIR'));
    const pip = rows.find((r) => r.createdBy.includes('pip install'));
    const own = rows.slice(firstOwn).filter((r) => r !== pip);
    assert(firstOwn > 0 && own.every((r) => bytes(r.size) < bytes(pip.size)), JSON.stringify(rows));
    assert(rows.slice(0, firstOwn).some((r) => bytes(r.size) > bytes(pip.size)), 'no bigger base layer');
    await shot(page, 'lesson-07-cache-order');
    // 5. Run: the CMD is python app.py (not simulated); ls /app shows the files.
    // (The simulator's outcome for a program it does not run may change; Docker's argv does not.)
    const r1 = await run(page);
    assert(r1.argv === 'python app.py' || /python app\.py/.test(r1.all), `run ${JSON.stringify(r1)}`);
    const r2 = await run(page, 'docker run --rm app ls /app');
    assert(r2.exit === 0 && /app\.py/.test(r2.output) && /requirements\.txt/.test(r2.output), r2.output);
  });

  // ---- Lesson 8 ------------------------------------------------------------------------------------------
  await check('lesson 8 (multi-stage): every step holds', async () => {
    const t = await loadLesson(page, 'multi-stage');
    timings.push(['8 multi-stage', t.ms, t.worker]);
    assert((await steps(page)).length === 5, 'steps');
    // 1. The build stage's steps first, labelled with its name.
    let vs = await vertices(page);
    const apk = vs.findIndex((v) => /^\[build \d+\/\d+\] RUN apk add --no-cache gcc musl-dev/.test(v.head));
    const compile = vs.findIndex((v) => /^\[build \d+\/\d+\] RUN mkdir \/out/.test(v.head));
    const final = vs.findIndex((v) => v.head.includes('COPY --from=build'));
    assert(apk >= 0 && compile > apk && final > compile, JSON.stringify(vs.map((v) => v.head)));
    // 2. busybox plus one small COPY layer, no gcc.
    const rows = await layerRows(page);
    assert(rows.length === 2 && rows[1].createdBy.startsWith('COPY'), JSON.stringify(rows));
    for (const i of [0, 1]) {
      const es = await openLayer(page, i);
      assert(!es.some((e) => /gcc/.test(e.path)), `gcc in layer ${i + 1}`);
    }
    await shot(page, 'lesson-08-multi-stage');
    // 3. History: only the final stage.
    const h = await history(page);
    assert(!h.some((r) => /apk|gcc/.test(r.createdBy)), JSON.stringify(h));
    // 4. Run.
    const r = await run(page);
    assert(r.exit === 0 && r.output.trim() === 'hello from the final stage', r.output);
    // 5. Edit the final stage's CMD: the build stage is all CACHED.
    await page.click('#tab-log');
    await edit(page, (await page.inputValue('#editor')).replace('CMD ["hello"]', 'CMD ["sh", "-c", "hello; hello"]'));
    vs = await vertices(page);
    const stage = vs.filter((v) => v.head.startsWith('[build '));
    assert(stage.length >= 4 && stage.every((v) => v.status === 'CACHED'), JSON.stringify(stage));
  });

  // ---- Lessons 9-11: images of the catalogue, fetched by the page when the FROM first names them -----------
  await check('lesson 9 (go multi-stage): the builder is fetched, the final image is alpine plus the binary', async () => {
    const t = await loadLesson(page, 'go-multi-stage');
    timings.push(['9 go-multi-stage', t.ms, t.worker]);
    assert((await steps(page)).length === 4, 'steps');
    let vs = await vertices(page);
    assert(vertex(vs, 'FROM docker.io/library/golang:1.22'), 'golang:1.22 was not resolved');
    const dl = vertex(vs, 'RUN go mod download');
    assert(dl.output.some((l) => l.includes('modelled: go mod download')), JSON.stringify(dl));
    const rows = await layerRows(page);
    assert(rows.length === 2 && rows[1].createdBy.startsWith('COPY'), JSON.stringify(rows));
    const es = await openLayer(page, 1);
    assert(es.some((e) => e.path === '/usr/local/bin/server'), JSON.stringify(es));
    await shot(page, 'lesson-09-go-multi-stage');
    // Its alpine layers are modelled: inspect says their diff_ids name descriptions until the download.
    await inspect(page);
    const note = await page.textContent('#inspect-modelled');
    assert(/sha256 of that description/.test(note) && /download writes the bytes/.test(note), note);
    await shot(page, 'lesson-09-inspect-modelled');
    const r = await run(page, 'docker run --rm --entrypoint ls hello -l /usr/local/bin');
    assert(r.exit === 0 && /server/.test(r.output), r.output);
    // Editing main.go keeps the module download cached.
    await page.click('#tab-log');
    await editContextFile(page, 'main.go', (t) => t.replace('hello', 'hello again'));
    vs = await vertices(page);
    assert(vertex(vs, 'RUN go mod download').status === 'CACHED', JSON.stringify(vs));
  });

  await check('lesson 10 (node cache): npm ci reruns after an edit of server.js', async () => {
    const t = await loadLesson(page, 'node-cache');
    timings.push(['10 node-cache', t.ms, t.worker]);
    assert((await steps(page)).length === 4, 'steps');
    let vs = await vertices(page);
    assert(vertex(vs, 'RUN npm ci').output.some((l) => l.includes('modelled: npm ci')), JSON.stringify(vs));
    await shot(page, 'lesson-10-node-cache');
    await editContextFile(page, 'server.js', (t) => t.replace('Hello', 'Hi'));
    vs = await vertices(page);
    assert(/previous step changed/.test(vertex(vs, 'RUN npm ci').status), JSON.stringify(vs));
  });

  await check('lesson 11 (pip cache): the wheels are in the image', async () => {
    const t = await loadLesson(page, 'pip-cache');
    timings.push(['11 pip-cache', t.ms, t.worker]);
    assert((await steps(page)).length === 4, 'steps');
    const r = await run(page, 'docker run --rm pyapp du -sh /root/.cache/pip');
    assert(r.exit === 0 && /M\s+\/root\/\.cache\/pip/.test(r.output), r.output);
    await shot(page, 'lesson-11-pip-cache');
  });

  await check('phone size: the picker fits, an unedited example survives a reload by name; screenshots', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await p.goto(url);
    await p.waitForSelector('#editor', { timeout: 15000 });
    await built(p);
    await p.screenshot({ path: `${process.env.SCREENSHOT_DIR ?? 'target/screenshots'}/lesson-phone-00-first-visit.png` });
    const right = await p.$eval('#example', (e) => e.getBoundingClientRect().right);
    assert(right <= 390, `the picker sticks out of the phone's screen: its right edge at ${right}px`);
    // Back later, unedited: autosave kept the example, and the picker still names it.
    await p.reload();
    await p.waitForSelector('#editor');
    await built(p);
    assert((await p.inputValue('#example')) === 'example-0', `after a reload the picker says ${await p.inputValue('#example')}`);
    assert((await p.$('button.reload')) === null && (await p.$('#restore')) === null, 'an unedited example counts as edited');
    const ids = await p.$$eval('button.lesson', (bs) => bs.map((b) => b.id.replace(/^lesson-/, '')));
    for (const [i, id] of ids.entries()) {
      await loadLesson(p, id);
      await p.screenshot({ path: `${process.env.SCREENSHOT_DIR ?? 'target/screenshots'}/lesson-phone-0${i + 1}-${id}.png` });
    }
    await phone.close();
  });

  await check('no console errors', async () => {
    assert(consoleErrors.length === 0, consoleErrors.join('\n'));
  });
} finally {
  await browser.close();
}
console.log('      lesson build times in the page (click → built; the worker\'s own time in brackets):');
for (const [name, ms, worker] of timings) {
  console.log(`        ${name}: ${ms} ms${Number.isNaN(worker) ? '' : ` (${worker} ms in the worker)`}`);
}
finish();
