// The follow page: shows the lines `wslab serve --follow FILE` pushes
// (subprotocol wslab.follow.v1, net/include/wslab/net/follow_protocol.hpp).
// It reconnects with backoff, and after a reconnect drops the backlog lines it
// already shows (same server epoch, line number n <= the last one seen).
// Test hooks: every element has a data-testid; `status` carries data-state
// (idle, connecting, open, reconnecting, closed); each `line` carries data-n,
// data-backlog="true" for backlog lines and data-received-at (Date.now() when
// it was added); `note` carries data-kind (rotated, truncated, removed,
// restarted); `file` carries data-name and data-state (following, missing).
import {backoffDelay} from './protocol.js';

const SUBPROTOCOL = 'wslab.follow.v1';
const MAX_LINES = 5000;  // older lines leave the page
const $ = (id) => document.getElementById(id);

const NOTES = {
  rotated: 'a new file is at the path: reading it from the start',
  truncated: 'the file was truncated: reading it from the start',
  removed: 'the file was removed: waiting for a new one',
  restarted: 'the server restarted: its backlog follows',
};

const follow = {
  ws: null,
  wanted: false,
  attempt: 0,
  maxAttempts: 10,  // failed attempts in a row before giving up
  retryTimer: null,
  epoch: null,      // the server's epoch of the lines shown
  lastN: 0,         // the highest line number shown
  state: 'idle',
  count: 0,
};

function setState(state, detail = '') {
  follow.state = state;
  $('status').dataset.state = state;
  $('status-text').textContent = state;
  $('status-detail').textContent = detail;
  const live = state === 'connecting' || state === 'open' || state === 'reconnecting';
  $('connect').disabled = live;
  $('disconnect').disabled = !live;
}

function defaultUrl() {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return 'ws://127.0.0.1:9001/follow';
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/follow`;
}

// ---- the list ----
function atBottom() {
  const log = $('log');
  return log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
}

function add(li) {
  const stick = $('follow-tail').checked && atBottom();
  $('lines').append(li);
  while ($('lines').children.length > MAX_LINES) $('lines').firstElementChild.remove();
  if (stick) $('log').scrollTop = $('log').scrollHeight;
}

function matches(text) {
  const f = $('filter').value;
  return !f || text.includes(f);
}

function renderText(span, text) {
  span.replaceChildren();
  const f = $('filter').value;
  if (!f) {
    span.textContent = text;
    return;
  }
  let at = 0;
  for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, at)) {
    span.append(text.slice(at, i));
    const mark = document.createElement('mark');
    mark.textContent = f;
    span.append(mark);
    at = i + f.length;
  }
  span.append(text.slice(at));
}

function showLine(e) {
  const li = document.createElement('li');
  li.dataset.testid = 'line';
  li.dataset.n = String(e.n);
  li.dataset.receivedAt = String(Date.now());
  if (e.backlog) {
    li.dataset.backlog = 'true';
    li.classList.add('backlog');
  } else {
    li.classList.add('fresh');
  }
  if (e.cut) li.classList.add('cut');
  const n = document.createElement('span');
  n.className = 'n';
  n.textContent = String(e.n);
  const text = document.createElement('span');
  text.className = 'text';
  text.setAttribute('data-testid', 'line-text');
  li._text = e.text;
  renderText(text, e.text);
  if (!matches(e.text)) li.classList.add('hidden');
  li.append(n, text);
  add(li);
  follow.count++;
  $('count').dataset.count = String(follow.count);
  $('count').textContent = `${follow.count} lines`;
}

function note(kind) {
  const li = document.createElement('li');
  li.className = 'note';
  li.setAttribute('data-testid', 'note');
  li.dataset.kind = kind;
  li.textContent = `— ${NOTES[kind] || kind} —`;
  add(li);
}

function applyFilter() {
  for (const li of $('lines').children) {
    if (li.dataset.testid !== 'line') continue;
    renderText(li.querySelector('.text'), li._text);
    li.classList.toggle('hidden', !matches(li._text));
  }
}

// ---- messages ----
function onMessage(e) {
  switch (e.type) {
    case 'follow': {
      $('file').textContent = e.file;
      $('file').dataset.name = e.file;
      $('file').dataset.state = e.state;
      $('hint')?.remove();
      if (follow.epoch !== null && follow.epoch !== e.epoch) {
        note('restarted');
        follow.lastN = 0;  // numbering began again
      }
      follow.epoch = e.epoch;
      break;
    }
    case 'line':
      if (e.n <= follow.lastN) return;  // already shown (a backlog after a reconnect)
      follow.lastN = e.n;
      showLine(e);
      break;
    case 'reset':
      note(e.reason);
      $('file').dataset.state = e.reason === 'removed' ? 'missing' : 'following';
      break;
    default:
      break;  // unknown types are ignored (forward compatibility)
  }
}

// ---- the connection ----
function open(state) {
  setState(state);
  let ws;
  try {
    ws = new WebSocket($('url').value.trim(), SUBPROTOCOL);
  } catch (err) {
    follow.wanted = false;
    setState('closed', `bad URL: ${err.message}`);
    return;
  }
  follow.ws = ws;
  ws.onopen = () => {
    follow.attempt = 0;
    setState('open');
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') return;
    try {
      onMessage(JSON.parse(ev.data));
    } catch {
      // not JSON: ignore
    }
  };
  ws.onclose = (ev) => {
    if (follow.ws !== ws) return;
    follow.ws = null;
    if (!follow.wanted) {
      setState('closed', `closed ${ev.code}`);
      return;
    }
    if (follow.attempt >= follow.maxAttempts) {
      follow.wanted = false;
      setState('closed', 'could not connect');
      return;
    }
    const delay = backoffDelay(follow.attempt);
    follow.attempt++;
    setState('reconnecting', `retry in ${delay} ms (close ${ev.code})`);
    follow.retryTimer = setTimeout(() => {
      if (follow.wanted) open('reconnecting');
    }, delay);
  };
}

function connect(ev) {
  ev?.preventDefault();
  if (follow.ws || follow.state === 'reconnecting') return;
  follow.wanted = true;
  follow.attempt = 0;
  open('connecting');
}

function disconnect() {
  follow.wanted = false;
  clearTimeout(follow.retryTimer);
  if (follow.ws) follow.ws.close(1000, 'bye');
  setState('closed', 'disconnected by the user');
}

function init() {
  const params = new URLSearchParams(location.search);
  $('url').value = params.get('url') || defaultUrl();
  $('filter').value = params.get('filter') || '';
  $('connect-form').addEventListener('submit', connect);
  $('disconnect').addEventListener('click', disconnect);
  $('filter').addEventListener('input', applyFilter);
  $('clear').addEventListener('click', () => $('lines').replaceChildren());
  setState('idle');
  document.body.dataset.ready = 'true';
  if (params.get('autoconnect') !== '0') connect();
}

// For tests and the console.
window.wslabFollow = follow;
init();
