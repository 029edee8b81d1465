// End-to-end test of taking an image out of the playground and of its build secrets, in headless Chromium:
// - an image on a modelled base says, at the download, that Docker loads it but cannot run its programs;
// - "Download Dockerfile + context (.tar)" gives the editor's Dockerfile and the context's files with their
//   modes, and (when Docker answers here, with the oracle's busybox:mnt) `docker build - < context.tar` builds it;
// - a secret typed in the "Build secrets" box is what `RUN --mount=type=secret` reads, is in no layer of the
//   downloaded image, and is neither in a share link nor kept by autosave; a required secret left out is
//   BuildKit's error.
// Prints `e2e: N passed, M failed` last and exits non-zero when a check failed.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  assert, built, check, finish, launch, openSite, shot, shots, tarMembers, url,
} from './harness.mjs';

/** Docker 20.10's client (BuildKit built in) when a daemon with the oracle's busybox:mnt answers, else null. */
function docker() {
  const d = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
  const r = spawnSync(d, ['image', 'inspect', 'busybox:mnt'], { encoding: 'utf8' });
  return r.status === 0 ? d : null;
}

const SECRET = 'hunter2-e2e-secret';
const SECRET_DOCKERFILE = 'FROM busybox\nRUN --mount=type=secret,id=tok cat /run/secrets/tok > /out\nCMD ["cat", "/out"]\n';

const browser = await launch();
try {
  const { context, page, consoleErrors } = await openSite(browser, { acceptDownloads: true });

  await check('an image on a modelled base says at the download that Docker cannot run its programs', async () => {
    await page.fill('#editor', 'FROM alpine\nRUN echo hi > /greeting\n');
    await built(page);
    const note = await page.textContent('#takeout-note');
    assert(/stand-ins/.test(note) && /exec \/bin\/ls: exec format error/.test(note) && /docker build/.test(note), `note ${note}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-docker')]);
    await download.saveAs(join(shots, download.suggestedFilename()));
    const notice = await page.textContent('#notice');
    assert(/docker load/.test(notice) && /exec format error/.test(notice), `notice ${notice}`);
    // An image of the context's files alone holds no stand-ins: no note.
    await page.fill('#editor', 'FROM scratch\nCOPY . /\n');
    await built(page);
    assert(await page.$('#takeout-note') === null, 'a note on an image without modelled files');
  });

  await check('the Dockerfile + context tar holds the files with their modes, and docker builds it', async () => {
    await page.click('#lesson-exec-bit');
    await page.waitForSelector('#lesson-body[data-lesson="exec-bit"]');
    await page.locator('.ctx-row[data-path="while.sh"] .ctx-exec input').first().check();
    const dockerfile = 'FROM busybox:mnt\nCOPY while.sh /\nRUN /while.sh > /ticks\n';
    await page.fill('#editor', dockerfile);
    await built(page);
    await shot(page, '60-takeout-note');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-context')]);
    assert(/\.context\.tar$/.test(download.suggestedFilename()), download.suggestedFilename());
    const path = join(shots, download.suggestedFilename());
    await download.saveAs(path);
    const members = tarMembers(readFileSync(path));
    const df = members.find((m) => m.name === 'Dockerfile');
    const script = members.find((m) => m.name === 'while.sh');
    assert(df && df.body.toString('utf8') === dockerfile && (df.mode & 0o777) === 0o644, `Dockerfile ${JSON.stringify(df && { mode: df.mode, text: df.body.toString() })}`);
    assert(script && (script.mode & 0o777) === 0o755, `while.sh ${script && script.mode.toString(8)}`);
    const notice = await page.textContent('#notice');
    assert(/docker build -t \S+ - < \S+\.context\.tar/.test(notice), `notice ${notice}`);
    const d = docker();
    if (!d) {
      console.log('      skipped: docker build - (docker with the oracle\'s busybox:mnt is not running here)');
      return;
    }
    const tag = `strata-e2e-context:${process.pid}`;
    execFileSync(d, ['build', '-q', '-t', tag, '-'], { input: readFileSync(path), env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    try {
      const ticks = execFileSync(d, ['run', '--rm', tag, 'cat', '/ticks'], { encoding: 'utf8' });
      // while.sh, run for real by Docker from the tar's copy (so with the exec bit the page set).
      assert(/^hello world 1\n/.test(ticks), `docker's /ticks ${JSON.stringify(ticks)}`);
      console.log(`      docker build - < ${download.suggestedFilename()}: built, /ticks ${JSON.stringify(ticks.split('\n')[0])}`);
    } finally {
      spawnSync(d, ['rmi', tag]);
    }
  });

  await check('a secret typed in the box is used by RUN --mount=type=secret and is in no layer', async () => {
    await page.click('#tab-run');
    await page.fill('#run-line', 'docker run --rm e2e-secret');
    await page.click('#secrets-box summary');
    await page.fill('#secrets', `tok=${SECRET}`);
    await page.fill('#editor', SECRET_DOCKERFILE);
    await built(page);
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#run')?.textContent === 'Run'
      && document.querySelector('#run-result')?.dataset.line === 'docker run --rm e2e-secret', null, { timeout: 20000 });
    const out = await page.textContent('#run-output');
    assert(out.includes(SECRET), `run output ${JSON.stringify(out)}`);
    await page.click('#tab-layers');
    await shot(page, '61-secrets');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-docker')]);
    const path = join(shots, download.suggestedFilename());
    await download.saveAs(path);
    const layers = tarMembers(readFileSync(path)).filter((m) => /\.tar$|^blobs\/sha256\//.test(m.name) && m.body.length >= 1024);
    assert(layers.length > 0, 'no layers in the archive');
    for (const l of layers) {
      const names = tarMembers(l.body).map((m) => m.name);
      assert(!names.includes('run/secrets/tok'), `${l.name} holds run/secrets/tok`);
    }
  });

  await check('the secret is not in a share link nor kept by autosave', async () => {
    await page.click('#share');
    const link = page.url();
    assert(!link.includes(SECRET), 'the link holds the secret in clear');
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p2 = await fresh.newPage();
    await p2.goto(link);
    await p2.waitForSelector('#editor');
    const text = await p2.inputValue('#editor');
    const secrets = await p2.inputValue('#secrets');
    await fresh.close();
    assert(text === SECRET_DOCKERFILE, `the link's Dockerfile ${JSON.stringify(text)}`);
    assert(secrets === '', `the link brought secrets ${JSON.stringify(secrets)}`);
    // Autosave: the same browser profile, a new page.
    const p3 = await context.newPage();
    await p3.goto(url);
    await p3.waitForSelector('#editor');
    const kept = await p3.inputValue('#secrets');
    const storage = await p3.evaluate(() => JSON.stringify({ ...localStorage }));
    await p3.close();
    assert(kept === '' && !storage.includes(SECRET), `autosave kept ${JSON.stringify(kept)}`);
  });

  await check('a required secret left out is BuildKit\'s error, with where to give it', async () => {
    await page.fill('#secrets', '');
    await page.click('#tab-log');
    await page.fill('#editor', 'FROM busybox\nRUN --mount=type=secret,id=tok,required=true cat /run/secrets/tok\n');
    await built(page);
    const err = await page.textContent('#build-error');
    assert(/secret tok: not found/.test(err) && /Build secrets/.test(err), `error ${err}`);
    await shot(page, '62-secret-required');
  });

  await check('no errors in the browser console', async () => {
    const real = consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|net::ERR/.test(e));
    assert(real.length === 0, real.join(' | '));
  });
} finally {
  await browser.close();
}

finish();
