// RoomsClient: one wslab.rooms.v1 connection that comes back after it drops
// (docs/rooms-protocol.md §1, §4, §6, §7). No DOM: the page listens to its
// callbacks. What it does for the page:
//  - connection status: idle -> connecting -> open -> reconnecting -> ... or closed;
//  - reconnection with exponential backoff and full jitter;
//  - after a reconnect: hello again, then join every room again with
//    `since` = the last seq seen there, so only missed messages come (§7);
//  - drops duplicates (a seq already seen in that room);
//  - an app-level ping every few seconds for the latency display (browsers
//    cannot see WebSocket pings).
import {SUBPROTOCOL, backoffDelay, withToken} from './protocol.js';

export class RoomsClient {
  // options: url, name, token, pingIntervalMs (0: no pings), maxAttempts,
  //          reconnect (default true), autoHello (default true),
  //          onState(state, detail), onEvent(event), onFrame(direction, text)
  constructor(options) {
    this.url = options.url;
    this.name = options.name || '';
    this.token = options.token || '';
    this.pingIntervalMs = options.pingIntervalMs ?? 5000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.reconnect = options.reconnect ?? true;
    this.autoHello = options.autoHello ?? true;
    this.onState = options.onState || (() => {});
    this.onEvent = options.onEvent || (() => {});
    this.onFrame = options.onFrame || (() => {});
    this.state = 'idle';
    this.myName = '';
    this.latencyMs = null;
    this.attempt = 0;        // failed attempts since the last open
    this.rooms = new Map();  // room -> {lastSeq, members:Set, joined}
    this.ws = null;
    this.refCounter = 0;
    this.pings = new Map();  // ref -> performance.now() when sent
    this.pingTimer = null;
    this.retryTimer = null;
    this.wanted = false;     // the user wants to be connected
  }

  connect() {
    this.wanted = true;
    this.attempt = 0;
    this.open('connecting');
  }

  disconnect() {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.stopPings();
    if (this.ws) this.ws.close(1000, 'bye');
    this.setState('closed', 'disconnected by the user');
  }

  // ---- requests (§4) ----
  join(room) {
    const r = this.room(room);
    r.wanted = true;
    // since: the last seq seen, or 0 for the recent history of a new room.
    this.send({type: 'join', room, since: r.lastSeq});
  }
  leave(room) {
    const r = this.rooms.get(room);
    if (r) r.wanted = false;
    this.send({type: 'leave', room});
  }
  say(room, text) { this.send({type: 'say', room, text}); }
  sendPrivate(to, text) { this.send({type: 'private', to, text}); }
  typing(room, active) { this.send({type: 'typing', room, active}); }
  ping() {
    const ref = `p${++this.refCounter}`;
    this.pings.set(ref, performance.now());
    return this.send({type: 'ping', ref});
  }
  // Any text, as is (the frames page sends hand-written JSON).
  sendRaw(text) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(text);
    this.onFrame('out', text);
    return true;
  }
  send(message) { return this.sendRaw(JSON.stringify(message)); }

  // ---- internals ----
  room(name) {
    if (!this.rooms.has(name)) {
      this.rooms.set(name, {lastSeq: 0, members: new Set(), joined: false, wanted: false});
    }
    return this.rooms.get(name);
  }

  setState(state, detail = '') {
    this.state = state;
    this.onState(state, detail);
  }

  open(state) {
    this.setState(state);
    let ws;
    try {
      ws = new WebSocket(withToken(this.url, this.token), SUBPROTOCOL);
    } catch (e) {
      this.wanted = false;
      this.setState('closed', `bad URL: ${e.message}`);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (ws.protocol !== SUBPROTOCOL) {
        ws.close(1002, 'subprotocol not selected');
        return;
      }
      this.attempt = 0;
      this.setState('open');
      if (this.autoHello) {
        const hello = {type: 'hello'};
        // Ask for the name we had (the server may still hold the old one and give name-2).
        const name = this.myName || this.name;
        if (name) hello.name = name;
        this.send(hello);
      }
      if (this.pingIntervalMs > 0) this.startPings();
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      this.onFrame('in', ev.data);
      let event;
      try {
        event = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.handle(event);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPings();
      for (const r of this.rooms.values()) {
        r.joined = false;
        r.members.clear();
      }
      this.onFrame('close', `${ev.code} ${ev.reason}`);
      if (!this.wanted || !this.reconnect) {
        this.wanted = false;
        this.setState('closed', `closed ${ev.code}${ev.reason ? ' ' + ev.reason : ''}`);
        return;
      }
      // `attempt` counts tries since the last open (onopen resets it).
      if (this.attempt >= this.maxAttempts) {
        this.wanted = false;
        this.setState('closed', 'could not connect (server down, or the token was refused)');
        return;
      }
      const delay = backoffDelay(this.attempt);
      this.attempt++;
      this.setState('reconnecting', `retry in ${delay} ms (close ${ev.code})`);
      this.retryTimer = setTimeout(() => {
        if (this.wanted) this.open('reconnecting');
      }, delay);
    };
  }

  handle(e) {
    switch (e.type) {
      case 'welcome':
        this.myName = e.name;
        // §7: back in every room, asking only for what we missed.
        for (const [room, r] of this.rooms) {
          if (r.wanted) this.send({type: 'join', room, since: r.lastSeq});
        }
        break;
      case 'joined': {
        const r = this.room(e.room);
        r.joined = true;
        r.wanted = true;
        r.members = new Set(e.members);
        if (e.reset) r.lastSeq = 0;  // the room restarted: start counting again
        break;
      }
      case 'left': {
        const r = this.room(e.room);
        r.joined = false;
        r.wanted = false;
        r.members.clear();
        break;
      }
      case 'message': {
        const r = this.room(e.room);
        if (e.seq <= r.lastSeq) return;  // seen already: no event for the page
        r.lastSeq = e.seq;
        break;
      }
      case 'presence': {
        const r = this.room(e.room);
        if (e.action === 'join') r.members.add(e.name);
        else r.members.delete(e.name);
        break;
      }
      case 'pong': {
        const sent = this.pings.get(e.ref);
        if (sent !== undefined) {
          this.pings.delete(e.ref);
          this.latencyMs = Math.round(performance.now() - sent);
        }
        break;
      }
      default:
        break;
    }
    this.onEvent(e);
  }

  startPings() {
    this.stopPings();
    this.ping();
    this.pingTimer = setInterval(() => this.ping(), this.pingIntervalMs);
  }
  stopPings() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.pings.clear();
  }
}
