// End-to-end test of the run line (issue 11): lesson 6's volume stays out of the container's layer, named
// volumes and host directories, `--rm` leaves nothing to diff or commit, an unknown image is not found, a
// base image runs itself, a catalogue image the run line names is fetched before it runs (issue 13),
// `docker build .` is not a run line, and real flags are accepted (the unmodelled ones say so). Types each line into the page and reads what the page shows; takes screenshots.
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

/** Types `line` into the run line, runs it, and reads what the run panel shows. */
async function run(page, line) {
  await page.click('#tab-run');
  await page.fill('#run-line', line);
  await page.click('#run');
  await page.waitForFunction((l) => {
    const r = document.querySelector('#run-result');
    return r && document.querySelector('#run')?.textContent === 'Run' && r.dataset.line === l;
  }, line, { timeout: 20000 });
  const text = async (sel) => ((await page.$(sel)) ? page.textContent(sel) : null);
  return {
    exit: Number(await page.getAttribute('#run-result', 'data-exit')),
    output: await page.textContent('#run-output'),
    argv: await text('#run-argv'),
    diff: await text('#run-diff'),
    mounts: await text('#run-mounts'),
    volumes: await text('#run-volumes'),
    removed: await text('#run-removed'),
    commit: (await page.$('#commit')) !== null,
  };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('#editor', { timeout: 15000 });
  await built(page);
  await page.click('#lesson-volumes');
  await page.waitForSelector('#lesson-body[data-lesson="volumes"]');
  await built(page);

  await check('lesson 6 with --rm: the write went to the volume, and the container is gone', async () => {
    await page.click('#tab-run');
    const line = await page.inputValue('#run-line');
    assert(line === 'docker run --rm voltest', `the lesson's run line is ${line}`);
    const r = await run(page, line);
    assert(r.exit === 0, `exit ${r.exit}: ${r.output}`);
    assert(/seed\.txt/.test(r.output), `output ${JSON.stringify(r.output)}`);
    assert(r.removed && /--rm/.test(r.removed), `removed ${r.removed}`);
    assert(r.diff === null && !r.commit, 'a diff or commit for a container --rm removed');
    assert(/\/data/.test(r.mounts) && /\/run\.txt/.test(r.mounts) && /removed with the container/.test(r.mounts),
      `mounts ${r.mounts}`);
    assert(r.volumes.trim() === 'DRIVER    VOLUME NAME', `volume ls ${r.volumes}`);
    await shot(page, 'runline-1-volume-rm');
  });

  await check('without --rm: docker diff has only the container\'s own file; the volume is listed', async () => {
    const r = await run(page, "docker run voltest sh -c 'echo x > /data/run.txt; echo y > /top.txt'");
    assert(r.exit === 0, `exit ${r.exit}: ${r.output}`);
    assert(r.diff.trim() === 'A /top.txt', `diff ${JSON.stringify(r.diff)}`);
    assert(r.commit, 'no commit button');
    assert(/^local +[0-9a-f]{64}$/m.test(r.volumes), `volume ls ${r.volumes}`);
    await shot(page, 'runline-2-volume-diff');
  });

  await check('a named volume is filled from the image and seen by the next run', async () => {
    await run(page, "docker run --rm -v mydata:/data voltest sh -c 'echo n > /data/n.txt'");
    const r = await run(page, 'docker run --rm -v mydata:/data voltest ls /data');
    assert(r.output.startsWith('n.txt\nseed.txt\n'), `output ${JSON.stringify(r.output)}`);
    assert(/^local +mydata$/m.test(r.volumes), `volume ls ${r.volumes}`);
  });

  await check('a host directory is empty, and :ro refuses writes', async () => {
    const r = await run(page, "docker run --rm -v /srv/host:/data:ro voltest sh -c 'ls -A /data; touch /data/x'");
    assert(r.exit === 1, `exit ${r.exit}`);
    assert(r.output.includes('touch: /data/x: Read-only file system'), `output ${JSON.stringify(r.output)}`);
    assert(/bind/.test(r.mounts) && /empty modelled directory/.test(r.mounts), `mounts ${r.mounts}`);
    await shot(page, 'runline-3-bind-ro');
  });

  await check('an unknown image is not found (125); a base image runs itself', async () => {
    const r = await run(page, 'docker run --rm nosuchimage');
    assert(r.exit === 125, `exit ${r.exit}`);
    assert(r.output.includes("Unable to find image 'nosuchimage:latest' locally"), `output ${JSON.stringify(r.output)}`);
    assert(r.output.includes('voltest:latest'), 'the page does not say what the built image is called');
    assert(r.argv === null, `argv ${r.argv}`);
    await shot(page, 'runline-4-unknown-image');
    const b = await run(page, 'docker run --rm busybox echo base');
    assert(b.exit === 0 && b.output.startsWith('base\n'), `busybox ${JSON.stringify(b)}`);
  });

  await check('a catalogue image the run line names is fetched before it runs (no build named it)', async () => {
    const fetched = [];
    page.on('request', (req) => { if (/\/catalogue\/[a-z-]+\.txt$/.test(req.url())) fetched.push(req.url()); });
    const r = await run(page, 'docker run --rm --entrypoint ls nginx:1.27 /usr/share/nginx/html');
    assert(r.exit === 0, `exit ${r.exit}: ${r.output}`);
    assert(r.output.startsWith('50x.html\nindex.html\n'), `output ${JSON.stringify(r.output)}`);
    assert(fetched.some((u) => u.endsWith('/catalogue/nginx.txt')), `fetched ${fetched.join(', ')}`);
    await shot(page, 'runline-4b-catalogue-image');
  });

  await check('docker build . is not a run line', async () => {
    const r = await run(page, 'docker build .');
    assert(r.exit === 125 && r.argv === null, `exit ${r.exit} argv ${r.argv}`);
    assert(r.output.includes('takes a `docker run …` command'), `output ${JSON.stringify(r.output)}`);
    assert(!/image docker|command build/.test(r.output), r.output);
  });

  await check('real flags are accepted; the unmodelled ones say so', async () => {
    const r = await run(page, 'docker run -it -d -p 8080:80 -P --network none --name web -u 65534 -w /tmp --rm voltest sh -c "id -u; pwd"');
    assert(r.exit === 0, `exit ${r.exit}: ${r.output}`);
    assert(r.output.startsWith('65534\n/tmp\n'), `output ${JSON.stringify(r.output)}`);
    assert(/-p 8080:80: accepted, not modelled here/.test(r.output) && /-d: accepted/.test(r.output), r.output);
    assert(!/unknown (shorthand )?flag/.test(r.output), r.output);
    await shot(page, 'runline-5-flags');
  });

  await check('no page errors', async () => {
    assert(consoleErrors.length === 0, consoleErrors.join('\n'));
  });
} finally {
  await browser.close();
}
finish();
