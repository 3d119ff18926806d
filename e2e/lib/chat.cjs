// Driving web/index.html (the wslab.rooms.v1 chat page) through its test hooks
// (web/README.md): data-testid selectors, state in data-* attributes.
'use strict';

const sel = {
  status: (state) => `[data-testid=status][data-state=${state}]`,
  me: (name) => `[data-testid=me][data-name="${name}"]`,
  tab: (room) => `[data-testid=room-tab][data-room="${room}"]`,
  member: (name) => `[data-testid=member][data-name="${name}"]`,
  message: (seq, from) => `[data-testid=message][data-seq="${seq}"]${from ? `[data-from="${from}"]` : ''}`,
  note: (kind) => `[data-testid=note][data-kind=${kind}]`,
};

// Records every value the status indicator takes (a MutationObserver set up
// before the page's own script runs), in window.__wslabStates.
const RECORD_STATES = `
  window.__wslabStates = [];
  document.addEventListener('DOMContentLoaded', () => {
    const status = document.querySelector('[data-testid=status]');
    if (!status) return;
    window.__wslabStates.push(status.dataset.state);
    new MutationObserver(() => {
      const s = status.dataset.state;
      if (window.__wslabStates[window.__wslabStates.length - 1] !== s) window.__wslabStates.push(s);
    }).observe(status, {attributes: true, attributeFilter: ['data-state']});
  });`;

// Opens the chat page for `name` talking to `wsUrl`, connected and named.
async function openChat(browser, httpBase, {name, wsUrl, token = '', connect = true}) {
  const page = await browser.newPage();
  await page.addInitScript(RECORD_STATES);
  const q = new URLSearchParams({name, url: wsUrl});
  if (token) q.set('token', token);
  await page.goto(`${httpBase}/index.html?${q}`);
  await page.waitForSelector('body[data-ready=true]');
  if (connect) {
    await page.click('[data-testid=connect]');
    await page.waitForSelector(sel.status('open'));
    await page.waitForSelector(sel.me(name));
  }
  return page;
}

// Clicks and typing go to the tab in front, as a person's would. (A tab in
// the background gets no animation frames, so Playwright's "is it stable?"
// check before a click would wait for seconds.)
async function click(page, selector) {
  await page.bringToFront();
  await page.click(selector);
}

async function join(page, room) {
  await page.bringToFront();
  await page.fill('[data-testid=room-input]', room);
  await page.click('[data-testid=join]');
  await page.waitForSelector(sel.tab(room));
}

async function say(page, text) {
  await page.bringToFront();
  await page.fill('[data-testid=text]', text);
  await page.click('[data-testid=send]');
}

// [{seq, from, text, history}] of the messages shown in `room`, in page order.
function messages(page, room) {
  return page.$$eval(`[data-testid=message][data-room="${room}"]`, (els) => els.map((e) => ({
    seq: Number(e.dataset.seq),
    from: e.dataset.from,
    text: e.querySelector('[data-testid=message-text]').textContent,
    history: e.dataset.history === 'true',
  })));
}

function members(page) {
  return page.$$eval('[data-testid=member]', (els) => els.map((e) => e.dataset.name));
}

function states(page) {
  return page.evaluate(() => window.__wslabStates);
}

module.exports = {sel, openChat, click, join, say, messages, members, states};
