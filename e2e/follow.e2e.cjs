// Browser end-to-end tests of `wslab serve --follow FILE` and its page
// (web/follow.html): lines appended to a file appear in the page within
// 100 ms, a late subscriber first gets the backlog, rotation and truncation
// restart from the new file's start, reconnects show no line twice.
// Run by ctest (E2E.Follow). Every wait has a timeout (lib/browser.cjs).
'use strict';
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {launchBrowser, screenshot, artifactsDir} = require('./lib/browser.cjs');
const {wslabServe} = require('./lib/processes.cjs');

const WEB_ROOT = process.env.WSLAB_WEB_ROOT;
const LATENCY_BOUND_MS = 100;
const RECONNECT_MS = 20000;  // bound for a reconnect: backoff is random, up to 250 ms * 2^attempt

let browser;
let tmp;

before(async () => {
  assert.ok(WEB_ROOT, 'WSLAB_WEB_ROOT is not set (run through ctest)');
  browser = await launchBrowser();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wslab-e2e-follow-'));
});

after(async () => {
  await browser?.close();
  if (tmp) fs.rmSync(tmp, {recursive: true, force: true});
});

const line = (n) => `[data-testid=line][data-n="${n}"]`;
const status = (state) => `[data-testid=status][data-state=${state}]`;
const note = (kind) => `[data-testid=note][data-kind=${kind}]`;

function lines(page) {
  return page.$$eval('[data-testid=line]', (els) => els.map((e) => ({
    n: Number(e.dataset.n),
    text: e.querySelector('[data-testid=line-text]').textContent,
    backlog: e.dataset.backlog === 'true',
    receivedAt: Number(e.dataset.receivedAt),
  })));
}

// A file with `initial` lines, a server following it, and a page showing it.
async function follow(name, initial, extraArgs = []) {
  const file = path.join(tmp, `${name}.log`);
  fs.writeFileSync(file, initial.map((l) => `${l}\n`).join(''));
  const server = wslabServe(['--follow', file, '--web-root', WEB_ROOT, ...extraArgs],
      path.join(artifactsDir(), `follow-${name}.server.log`));
  await server.start();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.port}/follow.html`);
  await page.waitForSelector(status('open'));
  await page.waitForSelector(`[data-testid=file][data-name="${name}.log"]`);
  return {
    file, server, page,
    append: (text) => fs.appendFileSync(file, text),
    async close() {
      await page.close().catch(() => {});
      await server.shutdown();
    },
  };
}

test('a late subscriber first gets the last 50 lines', {timeout: 30000}, async () => {
  const all = Array.from({length: 60}, (_, i) => `line ${i + 1}`);
  const f = await follow('backlog', all);
  try {
    await f.page.waitForSelector('[data-testid=count][data-count="50"]');
    const shown = await lines(f.page);
    assert.deepEqual(shown.map((l) => l.text), all.slice(10), 'the default --follow-backlog is 50');
    assert.ok(shown.every((l) => l.backlog), 'backlog lines are marked');
    assert.deepEqual([shown[0].n, shown[49].n], [11, 60]);
  } finally {
    await f.close();
  }
});

test('--follow-backlog sets how many lines a late subscriber gets', {timeout: 30000}, async () => {
  const f = await follow('backlog3', ['a', 'b', 'c', 'd', 'e'], ['--follow-backlog', '3']);
  try {
    await f.page.waitForSelector('[data-testid=count][data-count="3"]');
    assert.deepEqual((await lines(f.page)).map((l) => l.text), ['c', 'd', 'e']);
  } finally {
    await f.close();
  }
});

test(`appended lines appear in the page within ${LATENCY_BOUND_MS} ms`, {timeout: 30000}, async () => {
  const f = await follow('latency', ['started']);
  try {
    await f.page.waitForSelector(line(1));
    const latencies = [];
    for (let i = 1; i <= 10; i++) {
      const sent = Date.now();
      f.append(`GET /item/${i} 200 ${i * 7} ms\n`);
      await f.page.waitForSelector(line(i + 1), {timeout: 2000});
      const [shown] = (await lines(f.page)).filter((l) => l.n === i + 1);
      assert.equal(shown.text, `GET /item/${i} 200 ${i * 7} ms`);
      assert.equal(shown.backlog, false);
      latencies.push(shown.receivedAt - sent);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Several lines in one write, and a line written in two pieces.
    f.append('burst a\nburst b\nburst c\nhalf ');
    await f.page.waitForSelector(line(14));
    f.append('and half\n');
    await f.page.waitForSelector(line(15));
    const tail = (await lines(f.page)).slice(-4).map((l) => l.text);
    assert.deepEqual(tail, ['burst a', 'burst b', 'burst c', 'half and half']);
    console.log(`# append-to-page latencies (ms): ${latencies.join(' ')}`);
    assert.ok(Math.max(...latencies) < LATENCY_BOUND_MS,
        `every line within ${LATENCY_BOUND_MS} ms: ${latencies.join(', ')}`);
  } finally {
    await f.close();
  }
});

test('rotation, truncation and removal restart from the new file\'s start', {timeout: 30000}, async () => {
  const f = await follow('rotate', ['before rotation']);
  try {
    await f.page.waitForSelector(line(1));
    // logrotate's default: rename, then a new file at the path.
    fs.renameSync(f.file, `${f.file}.1`);
    fs.writeFileSync(f.file, 'first line of the new file\n');
    await f.page.waitForSelector(note('rotated'));
    await f.page.waitForSelector(line(2));
    // copytruncate: the file shrinks to nothing, then grows again.
    fs.truncateSync(f.file, 0);
    await f.page.waitForSelector(note('truncated'));
    f.append('after truncation\n');
    await f.page.waitForSelector(line(3));
    // removed, then created again.
    fs.rmSync(f.file);
    await f.page.waitForSelector(note('removed'));
    await f.page.waitForSelector('[data-testid=file][data-state=missing]');
    fs.writeFileSync(f.file, 'a new beginning\n');
    await f.page.waitForSelector(line(4));
    await f.page.waitForSelector('[data-testid=file][data-state=following]');
    for (let i = 1; i <= 6; i++) f.append(`worker ${i % 3}: job ${100 + i} done in ${i * 13} ms\n`);
    await f.page.waitForSelector(line(10));
    assert.deepEqual((await lines(f.page)).slice(0, 4).map((l) => l.text),
        ['before rotation', 'first line of the new file', 'after truncation', 'a new beginning']);
    const notes = await f.page.$$eval('[data-testid=note]', (els) => els.map((e) => e.dataset.kind));
    assert.deepEqual(notes, ['rotated', 'truncated', 'removed', 'rotated']);
    await screenshot(f.page, 'follow');
    // The filter hides the lines without the text and marks it in the others.
    await f.page.fill('[data-testid=filter]', 'worker 1');
    const visible = await f.page.$$eval('[data-testid=line]:not(.hidden) mark', (els) => els.length);
    assert.equal(visible, 2);
    assert.equal(await f.page.locator('[data-testid=line]:not(.hidden)').count(), 2);
  } finally {
    await f.close();
  }
});

test('a page that reconnects shows no line twice', {timeout: 30000}, async () => {
  const f = await follow('reconnect', ['one', 'two']);
  try {
    await f.page.waitForSelector(line(2));
    await f.page.click('[data-testid=disconnect]');
    await f.page.waitForSelector(status('closed'));
    f.append('three\n');
    await f.page.click('[data-testid=connect]');
    await f.page.waitForSelector(status('open'));
    await f.page.waitForSelector(line(3));
    f.append('four\n');
    await f.page.waitForSelector(line(4));
    assert.deepEqual((await lines(f.page)).map((l) => [l.n, l.text, l.backlog]),
        [[1, 'one', true], [2, 'two', true], [3, 'three', true], [4, 'four', false]]);
  } finally {
    await f.close();
  }
});

test('after a server restart the page reconnects and says so', {timeout: 60000}, async () => {
  const f = await follow('restart', ['old']);
  try {
    await f.page.waitForSelector(line(1));
    await f.server.restart();
    await f.page.waitForSelector(note('restarted'), {timeout: RECONNECT_MS});
    await f.page.waitForSelector(status('open'));
    f.append('new\n');
    await f.page.waitForSelector('[data-testid=line] >> text=new');
    assert.deepEqual((await lines(f.page)).map((l) => l.text), ['old', 'old', 'new'],
        'the new server\'s backlog follows the note; lines come again');
  } finally {
    await f.close();
  }
});

test('no page threw an uncaught exception', () => {
  assert.deepEqual(browser.errors, []);
});
