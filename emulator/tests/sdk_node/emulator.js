'use strict';
// Starts the emulator for one Node suite and stops it afterwards, also when a test fails.
//
// The binary comes from EMULATOR_BIN (tests/sdk_node.rs sets it) or is built with
// `cargo build -p live-emulator`; its stderr goes to EMULATOR_LOG, or to
// `sdk-node-emulator.log` in the system's temporary directory. It listens on a free loopback
// port, runs on a manual clock and accepts two keys, each its own account. Every wait and
// every HTTP call here has a deadline.

const assert = require('node:assert/strict');
const { after, before } = require('node:test');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const CRATE = path.resolve(__dirname, '..', '..');
const START = '2030-01-01T09:00:00Z';
const KEY_A = { id: 'LTAInodeSuiteKeyA', secret: 'secret-of-node-account-a' };
const KEY_B = { id: 'LTAInodeSuiteKeyB', secret: 'secret-of-node-account-b' };
// Milliseconds: the emulator's start-up, one HTTP call, and the emulator's shutdown.
const START_TIMEOUT = 60_000;
const CALL_TIMEOUT = 10_000;
const STOP_TIMEOUT = 15_000;

const PULL_TO_PUSH = new Set([
  'CreateLivePullToPush', 'UpdateLivePullToPush', 'DeleteLivePullToPush',
  'DescribeLivePullToPush', 'DescribeLivePullToPushList', 'StopLivePullToPush',
  'RestartLivePullToPush',
]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A time (milliseconds since the epoch) as the API writes times: UTC, whole seconds.
function utc(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function emulatorBinary() {
  if (process.env.EMULATOR_BIN) {
    return process.env.EMULATOR_BIN;
  }
  // Cargo's JSON messages say where the binary went, whatever the target directory is.
  const out = execFileSync(
    'cargo', ['build', '-p', 'live-emulator', '--bin', 'live-emulator', '--message-format=json-render-diagnostics'],
    { cwd: CRATE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 },
  );
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line);
    if (message.reason === 'compiler-artifact' && message.target.name === 'live-emulator'
      && message.target.kind.includes('bin')) {
      return message.executable;
    }
  }
  throw new Error('cargo build -p live-emulator reported no executable');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// One plain HTTP exchange with the emulator, bounded by CALL_TIMEOUT: `{status, headers, body}`.
function exchange(port, method, requestPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path: requestPath, headers, timeout: CALL_TIMEOUT },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({
          status: response.statusCode,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${requestPath}: no reply in ${CALL_TIMEOUT} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

class Emulator {
  constructor(process, port, logPath) {
    this.process = process;
    this.port = port;
    this.host = `127.0.0.1:${port}`;
    this.logPath = logPath;
    this.now = START;
    this.windows = new Map();
  }

  // A plain request to the emulator (for what no client can send).
  request(method, requestPath, options) {
    return exchange(this.port, method, requestPath, options);
  }

  async control(requestPath) {
    const reply = await this.request('POST', requestPath);
    return JSON.parse(reply.body);
  }

  // Moves the manual clock by `seconds`; returns the new time.
  async advance(seconds) {
    const reply = await this.control(`/_emulator/advance?Seconds=${seconds}`);
    assertTime(reply.Now);
    this.now = reply.Now;
    return this.now;
  }

  // A stream report for a task: pull, push, failed, recover or file-ended.
  fault(taskId, kind) {
    return this.control(`/_emulator/fault?TaskId=${encodeURIComponent(taskId)}&Kind=${kind}`);
  }

  // The emulator's manual time plus `seconds`, formatted as the API wants it.
  at(seconds) {
    return utc(Date.parse(this.now) + seconds * 1000);
  }

  // Keeps each pull-to-push operation of an account under the gateway's 10 calls a second,
  // counted on the real clock as the emulator counts them: at most 9 calls are sent in one
  // whole second, so a call sent at a second's end and counted in the next still fits.
  async pace(keyId, action) {
    if (!PULL_TO_PUSH.has(action)) return;
    const key = `${keyId} ${action}`;
    let second = Math.floor(Date.now() / 1000);
    let window = this.windows.get(key);
    if (window && window.second === second && window.calls >= 9) {
      await sleep((second + 1) * 1000 - Date.now() + 5);
      second = Math.floor(Date.now() / 1000);
    }
    if (!window || window.second !== second) {
      window = { second, calls: 0 };
      this.windows.set(key, window);
    }
    window.calls += 1;
  }

  async stop() {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), STOP_TIMEOUT);
    await exited;
    clearTimeout(timer);
  }
}

function assertTime(value) {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value)) {
    throw new Error(`the emulator answered a time that is not one: ${value}`);
  }
}

async function startEmulator() {
  const logPath = process.env.EMULATOR_LOG || path.join(os.tmpdir(), 'sdk-node-emulator.log');
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  const log = fs.openSync(logPath, 'w');
  const port = await freePort();
  const child = spawn(emulatorBinary(), [
    '--listen', `127.0.0.1:${port}`,
    '--manual-clock', START,
    '--access-key', `${KEY_A.id}:${KEY_A.secret}`,
    '--access-key', `${KEY_B.id}:${KEY_B.secret}`,
  ], { stdio: ['ignore', 'ignore', log] });
  fs.closeSync(log);
  const emulator = new Emulator(child, port, logPath);
  const deadline = Date.now() + START_TIMEOUT;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await emulator.stop();
      throw new Error(`the emulator did not start; see ${logPath}`);
    }
    await sleep(100);
  }
  return emulator;
}

// Starts an emulator before the file's tests and stops it after them: `suite.emulator` is
// set by the `before` hook, so read it inside tests only.
function useEmulator() {
  const suite = { emulator: null };
  before(async () => {
    suite.emulator = await startEmulator();
  });
  after(async () => {
    if (suite.emulator) await suite.emulator.stop();
  });
  return suite;
}

// Fails unless `xml` (an XML reply parsed as xml2js does with `explicitArray: false`, the way
// both OpenAPI generations parse XML) holds the same fields as `json`, the JSON reply of the
// same call: `{"JobList":{"Job":[…]}}` as `<JobList><Job>…</Job>…</JobList>`, a flat array
// as its element repeated (one element parses as a single value, none as no element), and
// every value as its text.
function assertSameFields(xml, json, where = 'body') {
  if (Array.isArray(json)) {
    const items = xml === undefined ? [] : [].concat(xml);
    assert.equal(items.length, json.length, `${where}: ${items.length} elements, JSON has ${json.length}`);
    json.forEach((item, i) => assertSameFields(items[i], item, `${where}[${i}]`));
  } else if (json !== null && typeof json === 'object') {
    const fields = xml === '' ? {} : xml;
    assert.equal(typeof fields, 'object', `${where}: ${JSON.stringify(xml)} is not an element with fields`);
    const present = Object.keys(json).filter((k) => !(Array.isArray(json[k]) && json[k].length === 0));
    assert.deepEqual(Object.keys(fields).sort(), present.sort(), `${where}: the XML and JSON fields differ`);
    for (const key of Object.keys(json)) {
      assertSameFields(fields[key], json[key], `${where}.${key}`);
    }
  } else {
    assert.equal(xml, String(json), `${where}: XML text ${JSON.stringify(xml)}, JSON ${JSON.stringify(json)}`);
  }
}

module.exports = {
  CALL_TIMEOUT, KEY_A, KEY_B, assertSameFields, sleep, useEmulator, utc,
};
