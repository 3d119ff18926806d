// The frames page: shows each text message of a wslab.rooms.v1 conversation
// live, for lessons: direction, time, payload bytes, type, decoded JSON.
// Sources: this page's own connection (a RoomsClient that never reconnects
// by itself and sends hand-written text), and every chat tab of this origin
// (chat.js posts its frames on a BroadcastChannel).
import {RoomsClient} from './client.js';
import {FRAMES_CHANNEL, byteLength, defaultUrl} from './protocol.js';

const $ = (id) => document.getElementById(id);
let client = null;
let count = 0;
let firstTime = null;
let lastTime = null;

function cell(cls, ...children) {
  const td = document.createElement('td');
  td.className = cls;
  td.append(...children);
  return td;
}

function addFrame({source, name, direction, text, time}) {
  let decoded = null;
  try {
    decoded = JSON.parse(text);
  } catch {
    decoded = undefined;
  }
  const isPing = decoded && (decoded.type === 'ping' || decoded.type === 'pong');
  if (isPing && !$('show-pings').checked) return;
  if (source === 'chat' && !$('show-chat').checked) return;
  if (source === 'page' && !$('show-own').checked) return;
  const lifecycle = direction === 'open' || direction === 'close';
  count++;
  if (firstTime === null) firstTime = time;
  const delta = lastTime === null ? 0 : time - lastTime;
  lastTime = time;

  const tr = document.createElement('tr');
  tr.dataset.testid = 'frame';
  tr.dataset.direction = direction;
  tr.dataset.source = source;
  const type = lifecycle ? direction : (decoded && typeof decoded.type === 'string' ? decoded.type : '(not JSON)');
  tr.dataset.type = type;
  if (type === 'error') tr.classList.add('error');
  if (decoded === undefined && !lifecycle) tr.classList.add('bad');
  const bytes = lifecycle ? '' : String(byteLength(text));
  tr.dataset.bytes = bytes;
  const pre = document.createElement('pre');
  pre.textContent = lifecycle ? text : (decoded === undefined ? text : JSON.stringify(decoded, null, 1));
  const arrow = {in: '←', out: '→', open: 'open', close: 'close'}[direction] || direction;
  const when = new Date(time);
  const stamp = when.toLocaleTimeString([], {hour12: false}) + '.' + String(when.getMilliseconds()).padStart(3, '0');
  tr.append(cell('seq', String(count)), cell('time', stamp), cell('delta', `+${delta}`),
      cell('source', source === 'chat' ? `chat ${name}` : 'this page'), cell('dir', arrow),
      cell('bytes', bytes), cell('type', type), cell('json', pre));
  $('frame-rows').append(tr);
  $('count').textContent = `${count} frames`;
  $('count').dataset.count = String(count);
  window.scrollTo(0, document.body.scrollHeight);
}

function showState(state, detail) {
  $('status').dataset.state = state;
  $('status').textContent = detail ? `${state}: ${detail}` : state;
  const live = state === 'connecting' || state === 'open' || state === 'reconnecting';
  $('connect').disabled = live;
  $('disconnect').disabled = !live;
  $('send').disabled = state !== 'open';
  if (state === 'open') addFrame({source: 'page', name: '', direction: 'open', text: 'connection open (wslab.rooms.v1)', time: Date.now()});
}

function connect(ev) {
  ev.preventDefault();
  if (client && client.state !== 'closed') return;
  // A lesson tool: no automatic hello, pings or reconnects; the user sends
  // every message by hand.
  client = new RoomsClient({
    url: $('url').value.trim(), token: $('token').value,
    autoHello: false, pingIntervalMs: 0, reconnect: false,
    onState: showState,
    onFrame: (direction, text) => addFrame({source: 'page', name: '', direction, text, time: Date.now()}),
  });
  client.connect();
  window.wslabFrames.client = client;
}

function init() {
  const params = new URLSearchParams(window.location.search);
  $('url').value = params.get('url') || defaultUrl();
  $('token').value = params.get('token') || '';
  $('raw').value = $('template').value;
  $('template').addEventListener('change', () => {
    $('raw').value = $('template').value;
  });
  $('connect-form').addEventListener('submit', connect);
  $('disconnect').addEventListener('click', () => client?.disconnect());
  $('send-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    client?.sendRaw($('raw').value);
  });
  $('clear').addEventListener('click', () => {
    $('frame-rows').replaceChildren();
    count = 0;
    firstTime = lastTime = null;
    $('count').textContent = '0 frames';
    $('count').dataset.count = '0';
  });
  if ('BroadcastChannel' in window) {
    new BroadcastChannel(FRAMES_CHANNEL).onmessage = (ev) => addFrame(ev.data);
  }
  showState('idle', '');
  document.body.dataset.ready = 'true';
}

window.wslabFrames = {client: null, count: () => count};
init();
