'use strict';
// Shared helpers for the interop scripts: a tiny runner (every case has a
// timeout), starting `wslab serve --port 0`, and awaiting ws events.
const { spawn } = require('node:child_process');

const WebSocket = require(process.env.WSLAB_WS_MODULE || 'ws');

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

// Runs cases in order; prints one line each and a closing "N passed, N failed".
async function runCases(cases, timeoutMs = 10000) {
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of cases) {
    try {
      await withTimeout(Promise.resolve().then(fn), timeoutMs, name);
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (err) {
      failed += 1;
      console.log(`not ok - ${name}: ${err && err.message ? err.message : err}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0;
}

// Starts `wslab serve --port 0 ARGS` and resolves { proc, port } from the first stdout line.
function startServe(bin, args = []) {
  return withTimeout(new Promise((resolve, reject) => {
    const proc = spawn(bin, ['serve', '--port', '0', '--quiet', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`wslab serve exited early with ${code}`)));
    proc.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = /^listening on ws:\/\/127\.0\.0\.1:(\d+)\/\n/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
  }), 5000, 'wslab serve to print its port');
}

function stopServe(server) {
  return new Promise((resolve) => {
    if (server.proc.exitCode !== null) return resolve(server.proc.exitCode);
    server.proc.removeAllListeners('exit');
    server.proc.on('exit', (code) => resolve(code));
    server.proc.kill('SIGTERM');
  });
}

function connect(url, protocols, options) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function nextMessage(ws) {
  return new Promise((resolve, reject) => {
    const onMessage = (data, isBinary) => {
      ws.off('close', onClose);
      resolve({ data, isBinary });
    };
    const onClose = (code) => {
      ws.off('message', onMessage);
      reject(new Error(`closed with ${code} before a message came`));
    };
    ws.once('message', onMessage);
    ws.once('close', onClose);
  });
}

function closed(ws) {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

module.exports = { WebSocket, withTimeout, check, runCases, startServe, stopServe, connect, nextMessage, closed };
