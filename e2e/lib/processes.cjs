// Servers for the e2e tests: `wslab serve`, `wslab-refpeer serve`, a static
// file server (the refpeer serves no files), and a TCP proxy that can cut one
// page's network. Everything listens on 127.0.0.1, port 0 unless a restart
// must keep the port; every wait has a timeout.
'use strict';
const {spawn} = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const START_TIMEOUT_MS = 5000;
const EXIT_TIMEOUT_MS = 5000;

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A server process whose first stdout line is "listening on ws://HOST:PORT/".
// Its stderr is kept (log()) and written to `logFile` when given.
class ServerProcess {
  constructor(name, command, args, logFile) {
    this.name = name;
    this.command = command;
    this.args = args;
    this.logFile = logFile;
    this.proc = null;
    this.port = 0;
    this.stderr = '';
    if (logFile) fs.writeFileSync(logFile, '');  // this run's log only (restarts append)
  }

  async start() {
    const proc = spawn(this.command, this.args, {stdio: ['ignore', 'pipe', 'pipe']});
    this.proc = proc;
    proc.stderr.on('data', (d) => {
      this.stderr += d.toString();
      if (this.logFile) fs.appendFileSync(this.logFile, d);
    });
    const port = await withTimeout(new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d.toString();
        const m = /listening on ws:\/\/[^:]+:(\d+)\//.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.on('exit', (code, signal) => reject(new Error(
          `${this.name} exited (${code ?? signal}) before listening: ${this.stderr.trim()}`)));
      proc.on('error', reject);
    }), START_TIMEOUT_MS, `${this.name} to listen`);
    this.port = port;
    return port;
  }

  // SIGKILL by default: the harshest end, no Close frame (the pages see 1006).
  // Resolves to the exit code (null when a signal ended it).
  async stop(signal = 'SIGKILL') {
    const proc = this.proc;
    if (!proc) return null;
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
    const exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    return withTimeout(exited, EXIT_TIMEOUT_MS, `${this.name} to exit`);
  }

  // The graceful end (SIGTERM: Close 1001 to everyone); fails unless the
  // server exits 0 (under ASan/LSan a leak or error makes it non-zero).
  async shutdown() {
    let code;
    try {
      code = await this.stop('SIGTERM');
    } catch (e) {
      await this.stop('SIGKILL').catch(() => {});
      throw e;
    }
    if (code !== 0) {
      throw new Error(`${this.name} exited with ${code} after SIGTERM: ${this.stderr.slice(-2000)}`);
    }
  }

  // Killed, then started again on the same port (SO_REUSEADDR lets it bind).
  async restart() {
    await this.stop('SIGKILL');
    const portArg = this.args.indexOf('--port');
    this.args[portArg + 1] = String(this.port);
    const before = this.port;
    await this.start();
    if (this.port !== before) throw new Error(`${this.name} came back on ${this.port}, not ${before}`);
  }
}

function wslabServe(extraArgs, logFile) {
  const bin = process.env.WSLAB_BIN;
  if (!bin) throw new Error('WSLAB_BIN is not set (run through ctest)');
  return new ServerProcess('wslab serve', bin, ['serve', '--port', '0', ...extraArgs], logFile);
}

function refpeerServe(extraArgs, logFile) {
  const bin = process.env.WSLAB_REFPEER_BIN;
  if (!bin) throw new Error('WSLAB_REFPEER_BIN is not set (run through ctest)');
  return new ServerProcess('wslab-refpeer serve', bin, ['serve', '--port', '0', ...extraArgs], logFile);
}

const TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.png': 'image/png'};

// Plain files from `root` for GET (the pages, when the WebSocket server is the refpeer).
async function staticServer(root) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(root, rel);
    if (req.method !== 'GET' || !file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, {'content-type': TYPES[path.extname(file)] || 'application/octet-stream'});
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {port: server.address().port, close: () => new Promise((r) => server.close(r))};
}

// A TCP proxy to 127.0.0.1:targetPort. cut() ends every proxied connection
// (the browser sees the socket drop, close 1006) and, while down, refuses
// new ones at once; up() lets them through again.
async function tcpProxy(targetPort) {
  const pairs = new Set();
  let down = false;
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = {client, upstream};
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    connections: () => pairs.size,
    cut() {
      down = true;
      for (const {client, upstream} of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    up() { down = false; },
    close() {
      this.cut();
      return new Promise((r) => server.close(r));
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

// A throw-away redis-server on 127.0.0.1 (no persistence: it only has to
// outlive a wslab restart).
async function redisServer(bin, logFile) {
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no'], {stdio: ['ignore', 'ignore', 'pipe']});
  if (logFile) proc.stderr.on('data', (d) => fs.appendFileSync(logFile, d));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await withTimeout(exited, EXIT_TIMEOUT_MS, 'redis-server to exit');
    },
  };
}

module.exports = {ServerProcess, wslabServe, refpeerServe, staticServer, tcpProxy, redisServer,
  withTimeout};
