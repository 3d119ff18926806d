// wslab.rooms.v1 helpers shared by the chat client and the frames page
// (docs/rooms-protocol.md). No DOM here.

export const SUBPROTOCOL = 'wslab.rooms.v1';
// The chat page posts every frame it sends or receives here; frames.html listens.
export const FRAMES_CHANNEL = 'wslab-frames';

// ws://host/rooms for the page's own server (wss:// under https), or the
// reference server's default port when the page was opened from a file.
export function defaultUrl(loc = window.location) {
  if (loc.protocol !== 'http:' && loc.protocol !== 'https:') return 'ws://127.0.0.1:9001/rooms';
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/rooms`;
}

// §1: the token travels in the `token` query parameter of the handshake.
export function withToken(url, token) {
  if (!token) return url;
  const u = new URL(url);
  u.searchParams.set('token', token);
  return u.toString();
}

// Exponential backoff with full jitter (the same rule as core's Backoff):
// a random delay in [0, min(max, base * 2^attempt)).
export function backoffDelay(attempt, random = Math.random, base = 250, max = 30000) {
  return Math.floor(random() * Math.min(max, base * 2 ** attempt));
}

const encoder = new TextEncoder();
// Bytes of a text message's payload on the wire (UTF-8).
export function byteLength(text) {
  return encoder.encode(text).length;
}

// §3: names and rooms.
export function isValidName(name, max = 32) {
  return typeof name === 'string' && name.length >= 1 && name.length <= max &&
      /^[A-Za-z0-9_.-]+$/.test(name);
}
export function isValidRoom(room, max = 64) {
  return isValidName(room, max);
}
