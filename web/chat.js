// The chat page: DOM glue around RoomsClient (client.js). Every element a
// test needs has an id and a data-testid; state is mirrored in data-*
// attributes (data-state, data-seq, data-from ...) so tests never parse text.
import {RoomsClient} from './client.js';
import {FRAMES_CHANNEL, defaultUrl, isValidName, isValidRoom} from './protocol.js';

const $ = (id) => document.getElementById(id);
const TYPING_SEND_EVERY_MS = 3000;  // §4.6: refresh active:true at most every 3 s
const TYPING_IDLE_MS = 2000;        // §4.6: active:false after 2 s without a keystroke
const TYPING_SHOW_MS = 5000;        // §4.6: hide an indicator 5 s after its last refresh

let client = null;
let activeRoom = '';
const panels = new Map();  // room -> {panel, list, tab, unread}
const typers = new Map();  // room -> Map(name -> timeout id)
let typingRoom = '';
let typingSentAt = 0;
let typingStopTimer = null;
const frames = 'BroadcastChannel' in window ? new BroadcastChannel(FRAMES_CHANNEL) : null;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(c);
  return e;
}

function clock(ts) {
  return new Date(ts).toLocaleTimeString([], {hour12: false});
}

// ---- status ----
function showState(state, detail) {
  const status = $('status');
  status.dataset.state = state;
  $('status-text').textContent = state;
  $('status-detail').textContent = detail || '';
  const live = state === 'connecting' || state === 'open' || state === 'reconnecting';
  $('connect').disabled = live;
  $('disconnect').disabled = !live;
  if (state !== 'open') {
    $('latency').textContent = '– ms';
    delete $('latency').dataset.ms;
  }
  renderMembers();  // empty while not connected
}

function showLatency(ms) {
  const latency = $('latency');
  latency.textContent = `${ms} ms`;
  latency.dataset.ms = String(ms);
}

// ---- rooms ----
function panelFor(room) {
  if (panels.has(room)) return panels.get(room);
  $('no-room')?.remove();
  const list = el('ul', {class: 'messages', 'data-testid': 'messages', 'data-room': room});
  const panel = el('div', {class: 'room-panel', id: `room-${room}`, 'data-testid': 'room-panel', 'data-room': room}, list);
  $('rooms').append(panel);
  const unread = el('span', {class: 'unread', 'data-testid': 'unread'});
  const leave = el('button', {type: 'button', 'data-testid': 'leave', 'data-room': room, title: `leave ${room}`}, '×');
  const tab = el('li', {id: `tab-${room}`, 'data-testid': 'room-tab', 'data-room': room}, el('span', {}, room), unread, leave);
  tab.addEventListener('click', (ev) => {
    if (ev.target !== leave) activate(room);
  });
  leave.addEventListener('click', () => client?.leave(room));
  $('room-tabs').append(tab);
  const p = {panel, list, tab, unread, count: 0};
  panels.set(room, p);
  return p;
}

function activate(room) {
  activeRoom = room;
  for (const [name, p] of panels) {
    const on = name === room;
    p.panel.classList.toggle('active', on);
    p.tab.classList.toggle('active', on);
    if (on) {
      p.count = 0;
      p.unread.textContent = '';
    }
  }
  document.body.dataset.activeRoom = room;
  renderMembers();
  renderTyping();
}

function removeRoom(room) {
  const p = panels.get(room);
  if (!p) return;
  p.panel.remove();
  p.tab.remove();
  panels.delete(room);
  typers.delete(room);
  if (activeRoom === room) activate(panels.keys().next().value || '');
}

function append(room, li) {
  const p = panelFor(room);
  const atBottom = $('rooms').scrollTop + $('rooms').clientHeight >= $('rooms').scrollHeight - 4;
  p.list.append(li);
  if (atBottom) $('rooms').scrollTop = $('rooms').scrollHeight;
  if (room !== activeRoom) {
    p.count++;
    p.unread.textContent = String(p.count);
  }
}

function note(room, text, kind) {
  append(room, el('li', {class: 'note', 'data-testid': 'note', 'data-kind': kind}, text));
}

function renderMembers() {
  const ul = $('members');
  ul.replaceChildren();
  const r = client?.rooms.get(activeRoom);
  if (!r) return;
  for (const name of [...r.members].sort()) {
    const li = el('li', {'data-testid': 'member', 'data-name': name, title: 'click: private message'}, name);
    if (name === client.myName) li.textContent += ' (you)';
    li.addEventListener('click', () => {
      $('pm-to').value = name;
      $('pm-text').focus();
    });
    ul.append(li);
  }
}

// ---- typing (§4.6) ----
function setTyping(room, name, active) {
  if (!typers.has(room)) typers.set(room, new Map());
  const m = typers.get(room);
  clearTimeout(m.get(name));
  m.delete(name);
  if (active) m.set(name, setTimeout(() => setTyping(room, name, false), TYPING_SHOW_MS));
  if (room === activeRoom) renderTyping();
}

function renderTyping() {
  const names = [...(typers.get(activeRoom)?.keys() || [])].sort();
  const t = $('typing');
  t.dataset.names = names.join(',');
  t.textContent = names.length === 0 ? '' :
      names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
}

function onKeystroke() {
  if (!client || client.state !== 'open' || !activeRoom) return;
  const now = Date.now();
  if (typingRoom !== activeRoom || now - typingSentAt > TYPING_SEND_EVERY_MS) {
    if (typingRoom && typingRoom !== activeRoom) client.typing(typingRoom, false);
    typingRoom = activeRoom;
    typingSentAt = now;
    client.typing(activeRoom, true);
  }
  clearTimeout(typingStopTimer);
  typingStopTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingStopTimer);
  if (typingRoom && client?.state === 'open') client.typing(typingRoom, false);
  typingRoom = '';
  typingSentAt = 0;
}

// ---- events from the server ----
function onEvent(e) {
  switch (e.type) {
    case 'welcome':
      $('me').textContent = `you are ${e.name}`;
      $('me').dataset.name = e.name;
      break;
    case 'joined': {
      panelFor(e.room);
      if (e.reset) note(e.room, 'the room restarted: its numbering began again', 'reset');
      if (e.truncated) note(e.room, 'some messages were missed: they are no longer kept', 'truncated');
      if (!activeRoom || !panels.has(activeRoom)) activate(e.room);
      if (e.room === activeRoom) renderMembers();
      break;
    }
    case 'left':
      removeRoom(e.room);
      break;
    case 'message': {
      const li = el('li', {'data-testid': 'message', 'data-room': e.room, 'data-seq': e.seq, 'data-from': e.from},
          el('span', {class: 'seq'}, `#${e.seq}`), el('span', {class: 'time'}, clock(e.ts)),
          el('span', {class: 'from'}, e.from), el('span', {class: 'text', 'data-testid': 'message-text'}, e.text));
      if (e.history) {
        li.classList.add('history');
        li.dataset.history = 'true';
      }
      append(e.room, li);
      setTyping(e.room, e.from, false);
      break;
    }
    case 'presence': {
      const what = e.action === 'join' ? 'joined' : (e.reason === 'disconnected' ? 'disconnected' : 'left');
      note(e.room, `${e.name} ${what}`, `presence-${what}`);
      if (e.action === 'leave') setTyping(e.room, e.name, false);
      if (e.room === activeRoom) renderMembers();
      break;
    }
    case 'typing':
      setTyping(e.room, e.from, e.active);
      break;
    case 'private': {
      const li = el('li', {'data-testid': 'private', 'data-from': e.from, 'data-to': e.to},
          el('span', {class: 'time'}, clock(e.ts)), ' ',
          el('span', {class: 'from'}, e.from === client.myName ? `to ${e.to}` : `from ${e.from}`), ': ',
          el('span', {class: 'text', 'data-testid': 'private-text'}, e.text));
      $('private-messages').append(li);
      break;
    }
    case 'pong':
      if (client.latencyMs !== null) showLatency(client.latencyMs);
      break;
    case 'error':
      showError(e.code, e.message);
      break;
    default:
      break;
  }
}

function showError(code, message) {
  const li = el('li', {'data-testid': 'error', 'data-code': code}, `${code}: ${message}`);
  $('errors').prepend(li);
  while ($('errors').children.length > 20) $('errors').lastChild.remove();
}

function onFrame(direction, text) {
  frames?.postMessage({source: 'chat', name: client?.myName || '', direction, text, time: Date.now()});
}

// ---- forms ----
function connect(ev) {
  ev.preventDefault();
  const name = $('name').value.trim();
  if (name && !isValidName(name)) {
    showError('bad_name', 'a name is 1-32 characters of A-Z a-z 0-9 _ - .');
    return;
  }
  localStorage.setItem('wslab.name', name);
  if (client && client.state !== 'closed') return;
  const previous = client;
  client = new RoomsClient({
    url: $('url').value.trim(), name, token: $('token').value,
    onState: showState, onEvent, onFrame,
  });
  // Connecting again after a disconnect: keep the rooms and what we saw in them.
  if (previous) {
    for (const [room, r] of previous.rooms) {
      if (r.wanted || panels.has(room)) client.room(room).wanted = true;
      client.room(room).lastSeq = r.lastSeq;
    }
  }
  window.wslabChat.client = client;
  client.connect();
}

function join(ev) {
  ev.preventDefault();
  const room = $('room-input').value.trim();
  if (!isValidRoom(room)) {
    showError('bad_room', 'a room is 1-64 characters of A-Z a-z 0-9 _ - .');
    return;
  }
  if (!client) {
    showError('not_connected', 'connect first');
    return;
  }
  client.join(room);
  $('room-input').value = '';
  if (panels.has(room)) activate(room);
}

function say(ev) {
  ev.preventDefault();
  const text = $('text').value;
  if (!text || !activeRoom || !client) return;
  stopTyping();
  client.say(activeRoom, text);
  $('text').value = '';
}

function sendPrivate(ev) {
  ev.preventDefault();
  const to = $('pm-to').value.trim();
  const text = $('pm-text').value;
  if (!to || !text || !client) return;
  client.sendPrivate(to, text);
  $('pm-text').value = '';
}

function init() {
  const params = new URLSearchParams(window.location.search);
  $('url').value = params.get('url') || defaultUrl();
  $('name').value = params.get('name') || localStorage.getItem('wslab.name') || '';
  $('token').value = params.get('token') || '';
  $('connect-form').addEventListener('submit', connect);
  $('disconnect').addEventListener('click', () => client?.disconnect());
  $('join-form').addEventListener('submit', join);
  $('say-form').addEventListener('submit', say);
  $('pm-form').addEventListener('submit', sendPrivate);
  $('text').addEventListener('input', onKeystroke);
  showState('idle', '');
  document.body.dataset.ready = 'true';
}

// For tests and the console: the live client and the active room.
window.wslabChat = {client: null, activeRoom: () => activeRoom};
init();
