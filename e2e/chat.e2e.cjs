// Browser end-to-end tests of the chat page (web/index.html) against a
// wslab.rooms.v1 server: `wslab serve --rooms --web-root web` (--peer wslab)
// or the libwebsockets reference peer `wslab-refpeer serve` (--peer refpeer,
// pages then come from a small static server: the refpeer serves no files).
// Run by ctest (E2E.ChatWslab, E2E.ChatRefpeer); node's test runner reports
// one result per scenario. Every wait has a timeout (lib/browser.cjs WAIT_MS).
'use strict';
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const {launchBrowser, screenshot, artifactsDir} = require('./lib/browser.cjs');
const {wslabServe, refpeerServe, staticServer, tcpProxy, redisServer} = require('./lib/processes.cjs');
const {sel, openChat, click, join, say, messages, members, states} = require('./lib/chat.cjs');

const PEER = process.argv.includes('--peer') ? process.argv[process.argv.indexOf('--peer') + 1] : 'wslab';
const WEB_ROOT = process.env.WSLAB_WEB_ROOT;
const TOKEN = 's3cret';
const REDIS_SERVER = process.env.WSLAB_REDIS_SERVER;  // redis-server, when CMake found one
const RECONNECT_MS = 20000;  // bound for a reconnect: backoff is random, up to 250 ms * 2^attempt

let browser;
let files;  // static server for the pages (refpeer only)

before(async () => {
  assert.ok(PEER === 'wslab' || PEER === 'refpeer', `--peer must be wslab or refpeer, not ${PEER}`);
  assert.ok(WEB_ROOT, 'WSLAB_WEB_ROOT is not set (run through ctest)');
  browser = await launchBrowser();
  if (PEER === 'refpeer') files = await staticServer(WEB_ROOT);
});

after(async () => {
  await browser?.close();
  await files?.close();
});

// One server per scenario, so a scenario that kills it disturbs no other.
async function rooms(name, extraArgs = []) {
  const log = path.join(artifactsDir(), `${PEER}-${name}.log`);
  // Both servers require the token (docs/rooms-protocol.md §1): every page
  // below connects with it, so every scenario also checks that it is accepted.
  const server = PEER === 'wslab' ?
    wslabServe(['--rooms', '--web-root', WEB_ROOT, '--token', TOKEN, ...extraArgs], log) :
    refpeerServe(['--token', TOKEN, ...extraArgs], log);
  await server.start();
  const pages = [];
  const proxies = [];
  return {
    server,
    token: TOKEN,
    httpBase: `http://127.0.0.1:${PEER === 'wslab' ? server.port : files.port}`,
    wsUrl: (port = server.port) => `ws://127.0.0.1:${port}/rooms`,
    async chat(user, options = {}) {
      const page = await openChat(browser, this.httpBase,
          {name: user, wsUrl: options.wsUrl || this.wsUrl(), token: options.token ?? this.token,
            connect: options.connect ?? true});
      pages.push(page);
      return page;
    },
    async proxy() {
      const p = await tcpProxy(server.port);
      proxies.push(p);
      return p;
    },
    async close() {
      for (const p of pages) await p.close().catch(() => {});
      for (const p of proxies) await p.close();
      await server.shutdown();
    },
  };
}

test('two pages join a room and exchange messages', {timeout: 30000}, async () => {
  const env = await rooms('exchange');
  try {
    const alice = await env.chat('alice');
    const bob = await env.chat('bob');
    await join(alice, 'lobby');
    await join(bob, 'lobby');
    await alice.waitForSelector(sel.member('bob'));
    await say(alice, 'hello bob');
    await bob.waitForSelector(sel.message(1, 'alice'));
    await say(bob, 'hi alice: ünïcödé ✓');
    await alice.waitForSelector(sel.message(2, 'bob'));
    await bob.waitForSelector(sel.message(2, 'bob'));  // the sender's own copy (§4.4)
    const seenByAlice = await messages(alice, 'lobby');
    assert.deepEqual(seenByAlice.map((m) => [m.seq, m.from, m.text]),
        [[1, 'alice', 'hello bob'], [2, 'bob', 'hi alice: ünïcödé ✓']]);
    assert.deepEqual(await messages(bob, 'lobby'), seenByAlice, 'both see one conversation (§6)');
    assert.deepEqual(await members(alice), ['alice', 'bob']);
    await screenshot(alice, `${PEER}-chat`);
  } finally {
    await env.close();
  }
});

test('one leaves and the other sees the presence change', {timeout: 30000}, async () => {
  const env = await rooms('presence');
  try {
    const alice = await env.chat('alice');
    const bob = await env.chat('bob');
    const carol = await env.chat('carol');
    for (const p of [alice, bob, carol]) await join(p, 'lobby');
    await alice.waitForSelector(sel.member('carol'));
    assert.deepEqual(await members(alice), ['alice', 'bob', 'carol']);
    // bob leaves the room (§4.3): presence leave, reason "left".
    await click(bob, '[data-testid=leave][data-room=lobby]');
    await alice.waitForSelector(sel.note('presence-left'));
    await alice.waitForSelector(sel.member('bob'), {state: 'detached'});
    await bob.waitForSelector(sel.tab('lobby'), {state: 'detached'});
    assert.deepEqual(await members(alice), ['alice', 'carol']);
    // carol's tab closes: presence leave, reason "disconnected" (§5.5).
    await carol.close();
    await alice.waitForSelector(sel.note('presence-disconnected'));
    await alice.waitForSelector(sel.member('carol'), {state: 'detached'});
    assert.deepEqual(await members(alice), ['alice']);
    // bob comes back: presence join.
    await join(bob, 'lobby');
    await alice.waitForSelector(sel.note('presence-joined'));
    await alice.waitForSelector(sel.member('bob'));
  } finally {
    await env.close();
  }
});

test('after a network drop the page reconnects and catches up from history', {timeout: 60000}, async () => {
  const env = await rooms('network-drop');
  try {
    const proxy = await env.proxy();
    const alice = await env.chat('alice');
    const bob = await env.chat('bob', {wsUrl: env.wsUrl(proxy.port)});  // bob's network: the proxy
    await join(alice, 'lobby');
    await join(bob, 'lobby');
    await say(alice, 'one');
    await bob.waitForSelector(sel.message(1, 'alice'));
    proxy.cut();  // bob's connection drops; his retries are refused until up()
    await bob.waitForSelector(sel.status('reconnecting'));
    await alice.waitForSelector(sel.note('presence-disconnected'));
    await say(alice, 'two');
    await say(alice, 'three');
    await alice.waitForSelector(sel.message(3, 'alice'));
    proxy.up();
    await bob.waitForSelector(sel.status('open'), {timeout: RECONNECT_MS});
    await bob.waitForSelector(sel.message(3, 'alice'));
    assert.deepEqual((await messages(bob, 'lobby')).map((m) => [m.seq, m.text, m.history]),
        [[1, 'one', false], [2, 'two', true], [3, 'three', true]],
        'only the missed messages come, from history (§7), none twice');
    assert.equal(await bob.getAttribute('[data-testid=me]', 'data-name'), 'bob', 'bob kept his name');
    await alice.waitForSelector(sel.note('presence-joined'));
    await say(bob, 'back');
    await alice.waitForSelector(sel.message(4, 'bob'));
    await screenshot(bob, `${PEER}-chat-caught-up`);
    await screenshot(alice, `${PEER}-chat-presence`);
  } finally {
    await env.close();
  }
});

test('after the server is killed and restarted the page reconnects and catches up', {timeout: 60000}, async () => {
  const env = await rooms('restart');
  try {
    const proxy = await env.proxy();
    const alice = await env.chat('alice');
    const bob = await env.chat('bob', {wsUrl: env.wsUrl(proxy.port)});
    await join(alice, 'lobby');
    await join(bob, 'lobby');
    for (const text of ['m1', 'm2', 'm3']) await say(alice, text);
    await bob.waitForSelector(sel.message(3, 'alice'));
    proxy.cut();               // bob stays away until alice has spoken on the new server
    await env.server.restart();  // SIGKILL, then the same port again
    await alice.waitForSelector(sel.status('open'), {timeout: RECONNECT_MS});
    // The history was in the old process's memory: the room restarted (§5.2 reset).
    await alice.waitForSelector(sel.note('reset'));
    await alice.waitForSelector(sel.tab('lobby'));
    await say(alice, 'after restart');
    await alice.waitForSelector('[data-testid=message] >> text=after restart');
    proxy.up();
    await bob.waitForSelector(sel.status('open'), {timeout: RECONNECT_MS});
    await bob.waitForSelector(sel.note('reset'));
    await bob.waitForSelector('[data-testid=message][data-history=true] >> text=after restart');
    const expected = ['m1', 'm2', 'm3', 'after restart'];
    assert.deepEqual((await messages(bob, 'lobby')).map((m) => m.text), expected);
    assert.deepEqual((await messages(alice, 'lobby')).map((m) => m.text), expected);
    assert.deepEqual(await states(alice), ['idle', 'connecting', 'open', 'reconnecting', 'open']);
    await say(bob, 'live again');
    await alice.waitForSelector('[data-testid=message][data-from=bob] >> text=live again');
  } finally {
    await env.close();
  }
});

test('killed and restarted with the history in Redis: the page catches up from history', {timeout: 60000}, async (t) => {
  if (PEER !== 'wslab' || !REDIS_SERVER) {
    t.skip(PEER !== 'wslab' ? 'the refpeer keeps rooms in memory only' : 'no redis-server');
    return;
  }
  const redis = await redisServer(REDIS_SERVER, path.join(artifactsDir(), 'redis.log'));
  const env = await rooms('restart-redis', ['--redis', redis.url]);
  try {
    const proxy = await env.proxy();
    const alice = await env.chat('alice');
    const bob = await env.chat('bob', {wsUrl: env.wsUrl(proxy.port)});
    await join(alice, 'lobby');
    await join(bob, 'lobby');
    await say(alice, 'm1');
    await bob.waitForSelector(sel.message(1, 'alice'));
    proxy.cut();  // bob is away for what follows
    await bob.waitForSelector(sel.status('reconnecting'));
    await say(alice, 'm2');
    await say(alice, 'm3');
    await alice.waitForSelector(sel.message(3, 'alice'));
    await env.server.restart();  // SIGKILL: only Redis remembers the room
    await alice.waitForSelector(sel.status('open'), {timeout: RECONNECT_MS});
    await alice.waitForSelector(sel.tab('lobby'));
    await say(alice, 'm4');
    await alice.waitForSelector('[data-testid=message] >> text=m4');
    proxy.up();
    await bob.waitForSelector(sel.status('open'), {timeout: RECONNECT_MS});
    await bob.waitForSelector('[data-testid=message] >> text=m4');
    assert.deepEqual((await messages(bob, 'lobby')).map((m) => [m.seq, m.text, m.history]),
        [[1, 'm1', false], [2, 'm2', true], [3, 'm3', true], [4, 'm4', true]],
        'what bob missed before and after the restart comes from history, numbered on');
    assert.deepEqual((await messages(alice, 'lobby')).map((m) => [m.seq, m.text]),
        [[1, 'm1'], [2, 'm2'], [3, 'm3'], [4, 'm4']]);
    assert.equal(await alice.locator(sel.note('reset')).count(), 0, 'the room did not restart');
    assert.equal(await bob.locator(sel.note('reset')).count(), 0);
    console.log(`# names after the restart: ${await alice.getAttribute('[data-testid=me]', 'data-name')}, ` +
        `${await bob.getAttribute('[data-testid=me]', 'data-name')}`);
  } finally {
    try {
      await env.close();
    } finally {
      await redis.stop();  // even when wslab's shutdown failed: a live redis-server keeps node running
    }
  }
});

test('the status indicator shows connecting, open, reconnecting, open, closed', {timeout: 60000}, async () => {
  const env = await rooms('status');
  try {
    const alice = await env.chat('alice');
    await join(alice, 'lobby');
    await env.server.stop('SIGKILL');
    await alice.waitForSelector(sel.status('reconnecting'));
    await screenshot(alice, `${PEER}-status-reconnecting`);
    await env.server.restart();
    await alice.waitForSelector(sel.status('open'), {timeout: RECONNECT_MS});
    await click(alice, '[data-testid=disconnect]');
    await alice.waitForSelector(sel.status('closed'));
    assert.deepEqual(await states(alice), ['idle', 'connecting', 'open', 'reconnecting', 'open', 'closed']);
  } finally {
    await env.close();
  }
});

test('a wrong or missing token ends in closed with a clear message; the right one joins', {timeout: 30000}, async () => {
  const env = await rooms('token');
  try {
    // A browser cannot see the 401/403 (§1): the page retries, then gives up.
    for (const [who, token] of [['mallory', 'wrong'], ['nobody', '']]) {
      const page = await env.chat(who, {token, connect: false});
      await page.bringToFront();
      await page.evaluate(() => {  // in one task: no retry can run before the limit is set
        document.querySelector('[data-testid=connect]').click();
        window.wslabChat.client.maxAttempts = 1;
      });
      await page.waitForSelector(sel.status('closed'), {timeout: 10000});
      assert.deepEqual(await states(page), ['idle', 'connecting', 'reconnecting', 'closed'],
          `${who}: never open, the refusal looks like a failed connection to the page (§1)`);
      assert.match(await page.textContent('[data-testid=status-detail]'), /token was refused/);
      assert.equal(await page.locator('[data-testid=me]').getAttribute('data-name'), null,
          `${who} got no name: no welcome came`);
      await screenshot(page, `${PEER}-token-refused`);
    }
    const alice = await env.chat('alice');  // the right token (TOKEN)
    await join(alice, 'lobby');
    await say(alice, 'let in');
    await alice.waitForSelector(sel.message(1, 'alice'));
  } finally {
    await env.close();
  }
});

test('no page threw an uncaught exception', () => {
  assert.deepEqual(browser.errors, []);
});
