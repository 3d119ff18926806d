'use strict';
// `wslab serve` (echo) against npm's ws client: RFC 6455 framing in all three
// length forms (§5.2), fragmentation (§5.4), ping/pong (§5.5.2), close codes
// (§5.5.1, §7.4), 1009 (§7.4.1) and SIGTERM -> 1001.
// Usage: node serve_vs_ws.cjs PATH/TO/wslab
const crypto = require('node:crypto');
const { check, runCases, startServe, stopServe, connect, nextMessage, closed } = require('./common.cjs');

const bin = process.argv[2];

async function main() {
  const server = await startServe(bin, ['--max-message', String(32 << 20)]);
  const url = `ws://127.0.0.1:${server.port}/`;
  let ws;
  const cases = [];

  cases.push(['open', async () => { ws = await connect(url); }]);
  cases.push(['text echo', async () => {
    ws.send('hello, wörld');
    const m = await nextMessage(ws);
    check(!m.isBinary, 'echo of text came back binary');
    check(m.data.toString() === 'hello, wörld', `wrong echo: ${m.data}`);
  }]);
  for (const size of [0, 125, 126, 65535, 65536, 16 << 20]) {
    cases.push([`binary echo ${size} bytes`, async () => {
      const data = crypto.randomBytes(size);
      ws.send(data, { binary: true });
      const m = await nextMessage(ws);
      check(m.isBinary, 'echo of binary came back as text');
      check(Buffer.compare(m.data, data) === 0, `payload differs (got ${m.data.length} bytes)`);
    }]);
  }
  for (const size of [0, 125, 126, 65535, 65536]) {
    cases.push([`text echo ${size} bytes`, async () => {
      const text = 'é'.repeat(Math.floor(size / 2)) + 'a'.repeat(size % 2);
      ws.send(text);
      const m = await nextMessage(ws);
      check(!m.isBinary && m.data.toString() === text, 'text payload differs');
    }]);
  }
  cases.push(['fragmented text (fin: false)', async () => {
    ws.send('frag', { fin: false });
    ws.send('men', { fin: false });
    ws.send('ted', { fin: true });
    const m = await nextMessage(ws);
    check(!m.isBinary && m.data.toString() === 'fragmented', `got ${m.data}`);
  }]);
  cases.push(['fragmented binary (fin: false)', async () => {
    const a = crypto.randomBytes(70000);
    const b = crypto.randomBytes(3);
    ws.send(a, { binary: true, fin: false });
    ws.send(b, { binary: true, fin: true });
    const m = await nextMessage(ws);
    check(m.isBinary && Buffer.compare(m.data, Buffer.concat([a, b])) === 0, 'payload differs');
  }]);
  cases.push(['ping gets pong with the same payload', async () => {
    const pong = new Promise((resolve) => ws.once('pong', resolve));
    ws.ping(Buffer.from('are you there'));
    const data = await pong;
    check(data.toString() === 'are you there', `pong payload ${data}`);
  }]);
  cases.push(['close 1000 echoed', async () => {
    const c = closed(ws);
    ws.close(1000, 'bye');
    const { code } = await c;
    check(code === 1000, `close code ${code}`);
  }]);
  for (const code of [3000, 4999]) {
    cases.push([`close ${code} with reason echoed`, async () => {
      const sock = await connect(url);
      const c = closed(sock);
      sock.close(code, `reason for ${code}`);
      const got = await c;
      check(got.code === code, `close code ${got.code}`);
    }]);
  }

  cases.push(['1009 when a message is over --max-message', async () => {
    const small = await startServe(bin, ['--max-message', '1000']);
    try {
      const sock = await connect(`ws://127.0.0.1:${small.port}/`);
      const c = closed(sock);
      sock.send(Buffer.alloc(2000), { binary: true });
      const got = await c;
      check(got.code === 1009, `close code ${got.code}`);
    } finally {
      await stopServe(small);
    }
  }]);

  cases.push(['SIGTERM closes clients with 1001 and exits 0', async () => {
    const other = await startServe(bin);
    const sock = await connect(`ws://127.0.0.1:${other.port}/`);
    const c = closed(sock);
    const exit = stopServe(other);
    const got = await c;
    check(got.code === 1001, `close code ${got.code}`);
    const status = await exit;
    check(status === 0, `exit status ${status}`);
  }]);

  const ok = await runCases(cases);
  await stopServe(server);
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
