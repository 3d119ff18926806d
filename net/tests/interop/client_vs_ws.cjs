'use strict';
// `wslab client` against npm's ws server: echo of stdin lines, close codes
// shown (§7.4), a refused handshake (§4.1: "fail the WebSocket connection"),
// subprotocol selection (§4.2.2), binary messages, pings both ways (§5.5.2).
// Usage: node client_vs_ws.cjs PATH/TO/wslab
const { spawn } = require('node:child_process');
const { WebSocket, check, runCases, withTimeout } = require('./common.cjs');

const bin = process.argv[2];

// Runs `wslab client ARGS` with `input` on stdin (kept open when input is null
// until the client exits). Resolves { status, out, err }.
function runClient(args, input) {
  return withTimeout(new Promise((resolve) => {
    const proc = spawn(bin, ['client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (status) => {
      proc.stdin.destroy();
      resolve({ status, out, err });
    });
    if (input !== null) proc.stdin.end(input);
  }), 10000, `wslab client ${args.join(' ')}`);
}

async function main() {
  const wss = new WebSocket.WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
    verifyClient: (info, cb) => (info.req.url === '/deny' ? cb(false, 403, 'Forbidden') : cb(true)),
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  const base = `ws://127.0.0.1:${wss.address().port}`;
  wss.on('connection', (ws, req) => {
    if (req.url === '/close4001') {
      ws.close(4001, 'custom reason');
      return;
    }
    if (req.url === '/ping') ws.ping('hey');
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });

  const ok = await runCases([
    ['echo of stdin lines, clean close 1000', async () => {
      const r = await runClient([`${base}/`], 'one\ntwo\n');
      check(r.status === 0, `exit ${r.status}: ${r.err}`);
      check(r.out.includes('< one\n< two\n'), `output:\n${r.out}`);
      check(r.out.includes('closed: 1000 Normal Closure'), `output:\n${r.out}`);
    }],
    ['server close code and reason shown', async () => {
      const r = await runClient([`${base}/close4001`], null);
      check(r.status === 0, `exit ${r.status}: ${r.err}`);
      check(/closed: 4001 .*custom reason/.test(r.out), `output:\n${r.out}`);
    }],
    ['refused handshake: exit 4 and the status', async () => {
      const r = await runClient([`${base}/deny`], '');
      check(r.status === 4, `exit ${r.status}`);
      check(r.err.includes('403'), `stderr: ${r.err}`);
    }],
    ['subprotocol negotiated', async () => {
      const r = await runClient(['--subprotocol', 'chat', `${base}/`], '');
      check(r.status === 0, `exit ${r.status}: ${r.err}`);
      check(r.out.includes('(subprotocol chat)'), `output:\n${r.out}`);
    }],
    ['binary messages', async () => {
      const r = await runClient(['--binary', `${base}/`], 'abc\n');
      check(r.status === 0, `exit ${r.status}: ${r.err}`);
      check(r.out.includes('< [binary 3 bytes] 61 62 63'), `output:\n${r.out}`);
    }],
    ['ping from the server is shown (and answered)', async () => {
      const r = await runClient([`${base}/ping`], '');
      check(r.status === 0, `exit ${r.status}: ${r.err}`);
      check(r.out.includes('< ping hey'), `output:\n${r.out}`);
    }],
    ['--ping gets pongs from ws', async () => {
      const r = await runClient(['--ping', '50', '--wait', '300', `${base}/`], '');
      check(r.status === 0, `exit ${r.status}: ${r.err}`);
      check(r.out.includes('< pong 1'), `output:\n${r.out}`);
    }],
    ['connection refused: exit 3', async () => {
      const r = await runClient(['ws://127.0.0.1:1/'], '');
      check(r.status === 3, `exit ${r.status}`);
      check(r.err.includes('Connection refused'), `stderr: ${r.err}`);
    }],
  ]);
  wss.close();
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
