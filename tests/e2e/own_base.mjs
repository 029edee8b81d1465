// End-to-end test of bringing your own base (issue 13): a real `docker save` tar uploaded through the Base
// images section becomes a base for FROM with its real files; it survives a reload with the network off; a
// share link records it and a fresh browser says to upload it again; an image is fetched from an OCI layout
// on the same host and from a registry that sends CORS headers.
//
// Needs /usr/bin/docker with busybox:mnt (the oracle's setup.sh) to make the image; skopeo and
// docker-registry for the fetch checks (each skips, with its reason, when they are missing). The layout is
// written into DIST_DIR (default `dist`, the directory the site is served from). The registry listens on
// REGISTRY_PORT (default 5742). Prints `e2e: N passed, M failed` last and exits non-zero when a check failed.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { assert, built, check, finish, launch, openSite, shot, url } from './harness.mjs';

const dist = process.env.DIST_DIR ?? 'dist';
const registryPort = process.env.REGISTRY_PORT ?? '5742';
const work = resolve('target/tmp/own-base-e2e');
mkdirSync(work, { recursive: true });
const IMAGE = 'ownbase-e2e:1';
const tar = join(work, 'ownbase.tar');

/** Waits until the Base images list names `ref`. */
async function listed(page, ref, timeout = 30000) {
  await page.waitForFunction((r) => document.querySelector('#base-list')?.textContent.includes(r), ref, { timeout });
}

/** Builds `text` with `app.txt` in the context and returns the status and the merged filesystem's text. */
async function buildOn(page, text) {
  await page.fill('#editor', text);
  await built(page);
  const status = await page.textContent('#image-status');
  await page.click('#tab-filesystem');
  // The tree opens at the root: filter for the two files (the image's own, the COPY's).
  await page.fill('.fs-filter', 'txt');
  const fs = await page.textContent('#panel');
  return { status, fs };
}

// The image: busybox:mnt plus a file no model has, saved as Docker 20.10 saves it.
let fixture = null;
if (existsSync('/usr/bin/docker')) {
  try {
    const dockerfile = 'FROM busybox:mnt\nRUN mkdir -p /opt/myapp && echo "real file from my own image" > /opt/myapp/REAL.txt\nENV MYAPP=1\n';
    execFileSync('/usr/bin/docker', ['build', '-q', '-t', IMAGE, '-'], { input: dockerfile, stdio: ['pipe', 'ignore', 'inherit'] });
    execFileSync('/usr/bin/docker', ['save', '-o', tar, IMAGE]);
    fixture = tar;
  } catch (e) {
    console.log(`skip: docker could not make the image: ${e.message.split('\n')[0]}`);
  }
} else {
  console.log('skip: no /usr/bin/docker to make the image (run /work/shared/oracle/setup.sh)');
}

const browser = await launch();
let registry = null;
try {
  const { context, page, consoleErrors } = await openSite(browser, { ready: '#base-images', consoleMessages: false });
  // The context file the COPY reads.
  await page.setInputFiles('.ctx-upload input[type=file]', {
    name: 'app.txt', mimeType: 'text/plain', buffer: Buffer.from('my app\n'),
  });
  await page.waitForSelector('.ctx-row[data-path="app.txt"]');

  await check('an upload that is not an image archive says why, beside the upload button', async () => {
    await page.setInputFiles('#base-upload', { name: 'notes.tar', mimeType: 'application/x-tar', buffer: Buffer.from('not a tar at all') });
    await page.waitForFunction(() => /Could not load it: notes\.tar: /.test(document.querySelector('#base-message')?.textContent ?? ''));
    assert((await page.textContent('#base-list')) === '', 'something was listed');
  });

  if (fixture) {
    await check('an uploaded docker save tar is a base for FROM with its real files', async () => {
      await page.setInputFiles('#base-upload', fixture);
      await listed(page, IMAGE);
      const row = await page.textContent('#base-list');
      assert(row.includes('upload: ownbase.tar'), `row ${row}`);
      const { status, fs } = await buildOn(page, `FROM ${IMAGE}\nCOPY app.txt /app.txt\n`);
      assert(!/failed/.test(status), `status ${status}`);
      assert(fs.includes('REAL.txt') && fs.includes('app.txt'), 'the image\'s real file or the COPY is missing');
      await shot(page, 'own-base-1-filesystem');
      await page.click('#tab-layers');
      const layers = await page.textContent('#panel');
      assert(/1 layer|layers/i.test(layers), 'no layers panel');
      await shot(page, 'own-base-2-layers');
      await page.click('#tab-inspect');
      assert((await page.textContent('#panel')).includes('MYAPP=1'), 'the image config is not the real one');
    });

    await check('after a reload with the network off the image is still listed and builds', async () => {
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await page.reload();
      await page.waitForSelector('#editor');
      await built(page);
      await context.setOffline(true);
      try {
        await page.reload();
        await page.waitForSelector('#base-images', { timeout: 15000 });
        await listed(page, IMAGE);
        const { status, fs } = await buildOn(page, `FROM ${IMAGE}\nCOPY app.txt /copied-offline.txt\n`);
        assert(!/failed/.test(status), `status ${status}`);
        assert(fs.includes('REAL.txt') && fs.includes('copied-offline.txt'), 'offline build lacks the files');
        await shot(page, 'own-base-3-offline');
      } finally {
        await context.setOffline(false);
      }
    });

    await check('a share link records the image and a fresh browser says to upload it again', async () => {
      await page.click('#share');
      const link = page.url();
      const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const p2 = await fresh.newPage();
      await p2.goto(link);
      await p2.waitForSelector('#notice');
      const notice = await p2.textContent('#notice');
      await shot(p2, 'own-base-4-shared-missing');
      await fresh.close();
      assert(notice.includes(`\`${IMAGE}\` uploaded from ownbase.tar`) && notice.includes('upload it again'),
        `notice ${notice}`);
    });

    await check('removing the image takes it away from FROM', async () => {
      await page.click(`#base-list button[aria-label="Remove ${IMAGE}"]`);
      await page.waitForFunction((r) => !document.querySelector('#base-list')?.textContent.includes(r), IMAGE);
      // Without it the simulator builds on an unknown, empty base: the image's files are gone.
      const { fs } = await buildOn(page, `FROM ${IMAGE}\nCOPY app.txt /app.txt\n`);
      assert(!fs.includes('REAL.txt') && fs.includes('app.txt'), 'the removed image\'s files are still there');
    });
  }

  const skopeo = existsSync('/usr/bin/skopeo');
  if (fixture && skopeo) {
    await check('an image fetched from an OCI layout on the same host', async () => {
      const layout = join(dist, 'e2e-layout');
      rmSync(layout, { recursive: true, force: true });
      execFileSync('skopeo', ['copy', `docker-archive:${fixture}`, `oci:${layout}:1`], { stdio: 'ignore' });
      await page.fill('#base-url', new URL('e2e-layout/', url).href);
      await page.click('#base-fetch');
      await listed(page, 'e2e-layout:1');
      const { status, fs } = await buildOn(page, 'FROM e2e-layout:1\nCOPY app.txt /app.txt\n');
      assert(!/failed/.test(status), `status ${status}`);
      assert(fs.includes('REAL.txt'), 'the fetched image\'s file is missing');
      await shot(page, 'own-base-5-layout');
    });
  } else {
    console.log('skip: the OCI layout fetch needs docker and skopeo');
  }

  if (fixture && skopeo && existsSync('/usr/bin/docker-registry')) {
    await check('an image fetched from a registry that sends CORS headers', async () => {
      const dir = join(work, 'registry');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.yml'), [
        'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`,
        'http:', `  addr: 127.0.0.1:${registryPort}`, '  headers:', "    Access-Control-Allow-Origin: ['*']",
        "    Access-Control-Allow-Headers: ['Accept']", '',
      ].join('\n'));
      registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 1500));
      execFileSync('skopeo', ['copy', '--dest-tls-verify=false', `docker-archive:${fixture}`,
        `docker://127.0.0.1:${registryPort}/ownbase-e2e:2`], { stdio: 'ignore' });
      await page.fill('#base-url', `http://127.0.0.1:${registryPort}/v2/ownbase-e2e/manifests/2`);
      await page.click('#base-fetch');
      const ref = `127.0.0.1:${registryPort}/ownbase-e2e:2`;
      await listed(page, ref);
      const { status, fs } = await buildOn(page, `FROM ${ref}\nCOPY app.txt /app.txt\n`);
      assert(!/failed/.test(status), `status ${status}`);
      assert(fs.includes('REAL.txt'), 'the fetched image\'s file is missing');
      await page.click('#tab-log');
      await shot(page, 'own-base-6-registry');
    });
  } else {
    console.log('skip: the registry fetch needs docker, skopeo and docker-registry');
  }

  await check('no page errors', async () => {
    assert(consoleErrors.length === 0, consoleErrors.join(' | '));
  });
} finally {
  if (registry) registry.kill();
  await browser.close();
}
finish();
