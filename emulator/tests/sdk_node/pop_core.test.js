'use strict';
// @alicloud/pop-core 1.8.0, Alibaba Cloud's classic Node client (`RPCClient`), against the
// emulator: `client.request(action, params, { method, timeout })` as its users write it.
//
// What this client is, read in its source (lib/rpc.js):
// - It signs only the V1 way (HMAC-SHA1 over the sorted parameters), with `Format=JSON`.
// - It sends `x-acs-action` with the action exactly as the caller wrote it, while the signed
//   `Action` parameter has its first letter upper-cased (`formatAction`, on by default); so
//   `request('listEdgeTranscodeJob', …)` sends the header `listEdgeTranscodeJob` and
//   `Action=ListEdgeTranscodeJob`. Parameter names get the same treatment (`formatParams`).
// - GET puts every parameter in the query; POST puts them all in a form body.
// - It flattens an array parameter into `Name.1`, `Name.2`, …; Live's `SourceUrls` is a JSON
//   list in one parameter, so its users send `JSON.stringify(list)`.
// - It `JSON.parse`s every reply whatever its Content-Type, so it cannot read an XML reply: a
//   call with `Format=XML` fails with json-bigint's SyntaxError, which carries the text. The
//   XML tests below read that text with xml2js, the parser pop-core's own ROA client uses.
// - It throws when the body has a `Code` that is not a success, and never looks at the HTTP
//   status; the status of a refused call is in the error's `entry.response.statusCode`.

const assert = require('node:assert/strict');
const path = require('node:path');
const { test } = require('node:test');

const RPCClient = require('@alicloud/pop-core');

const { CALL_TIMEOUT, KEY_A, useEmulator } = require('./emulator');
const {
  assertXmlBody, createJob, defineScenarios, refused, taskQuery, unique, xmlCases,
} = require('./scenarios');

// pop-core's own copy of xml2js, the one its ROA client parses XML replies with.
const xml2js = require(require.resolve('xml2js', { paths: [path.dirname(require.resolve('@alicloud/pop-core'))] }));

const suite = useEmulator();

function newClient(key, emulator, verbose = false) {
  return new RPCClient({
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    endpoint: `http://${emulator.host}`,
    apiVersion: '2016-11-01',
  }, verbose);
}

function makeDriver(key, variant, emulator) {
  const client = newClient(key, emulator);
  return {
    async call(action, params, { pace = true } = {}) {
      if (pace) await emulator.pace(key.id, action);
      return client.request(action, params, { method: variant.method, timeout: CALL_TIMEOUT });
    },
    errorOf: (error) => ({ code: error.code, status: error.entry && error.entry.response.statusCode }),
    sourceUrls: (list) => JSON.stringify(list),
  };
}

// xml2js as the OpenAPI clients set it up, so one comparison serves every suite.
function parseXml(text) {
  let parsed;
  new xml2js.Parser({ explicitArray: false }).parseString(text, (error, result) => {
    if (error) throw error;
    parsed = result;
  });
  return parsed;
}

// The text of the reply pop-core failed to read as JSON.
async function unreadable(promise) {
  const error = await promise.then(
    (body) => assert.fail(`pop-core read a JSON body: ${JSON.stringify(body)}`),
    (e) => e,
  );
  assert.equal(error.name, 'SyntaxError', String(error.stack || JSON.stringify(error)));
  return error.text;
}

const VARIANTS = [
  { name: 'V1 GET', method: 'GET' },
  { name: 'V1 POST', method: 'POST' },
];

defineScenarios(suite, VARIANTS, makeDriver);

for (const method of ['GET', 'POST']) {
  test(`${method}: the action comes from the signed Action, not from pop-core's x-acs-action`, async () => {
    const { emulator } = suite;
    const cluster = unique('format-action');
    await createJob(makeDriver(KEY_A, { method }, emulator), cluster);
    const client = newClient(KEY_A, emulator, true);
    // As pop-core's users often write it: the action and the parameters in camelCase.
    const [body, entry] = await client.request('listEdgeTranscodeJob', { clusterId: cluster },
      { method, timeout: CALL_TIMEOUT });
    assert.equal(entry.request.headers['x-acs-action'], 'listEdgeTranscodeJob');
    assert.equal(body.TotalCount, 1);
    assert.equal(body.JobList.Job.length, 1);

    // Without formatAction the signed Action itself is in camelCase: no such API.
    const plain = makeDriver(KEY_A, { method }, emulator);
    await refused(plain, client.request('listEdgeTranscodeJob', { ClusterId: cluster },
      { method, timeout: CALL_TIMEOUT, formatAction: false }), 'InvalidAction.NotFound', 404);
  });
}

test('an array SourceUrls, flattened by pop-core to SourceUrls.1 and .2, is not read', async () => {
  const { emulator } = suite;
  const driver = makeDriver(KEY_A, { method: 'POST' }, emulator);
  const params = taskQuery(driver, emulator, `rtmp://push.example.com/live/${unique('flattened')}`);
  params.SourceUrls = ['https://cdn.example.com/a.mp4'];
  const error = await refused(driver, driver.call('CreateLivePullToPush', params), 'MissingParameter', 400);
  assert.match(error.data.Message, /"SourceUrls"/);
});

test('pop-core asks for JSON and gets it', async () => {
  const { emulator } = suite;
  const [body, entry] = await newClient(KEY_A, emulator, true).request(
    'ListEdgeTranscodeTemplate', { ClusterId: 'c1' }, { timeout: CALL_TIMEOUT },
  );
  assert.equal(body.TotalCount, 8);
  assert.match(entry.response.headers['content-type'], /^application\/json/);
});

for (const method of ['GET', 'POST']) {
  test(`${method}: Format=XML answers XML, which pop-core cannot read`, async () => {
    const { emulator } = suite;
    const driver = makeDriver(KEY_A, { method }, emulator);
    const cases = await xmlCases(driver, emulator);
    for (const [action, params] of cases.filter(([a]) => a !== 'DeleteLivePullToPush')) {
      const json = await driver.call(action, params);
      const text = await unreadable(driver.call(action, { ...params, Format: 'XML' }));
      assertXmlBody(text, `${action}Response`, json, parseXml);
    }
    const [action, params] = cases.find(([a]) => a === 'DeleteLivePullToPush');
    // Any case of XML; the JSON of a Delete cannot be had after it, so it is written out.
    const deleted = await unreadable(driver.call(action, { ...params, Format: 'xml' }));
    assertXmlBody(deleted, `${action}Response`, { RetCode: 0, Description: 'OK' }, parseXml);

    const missing = { ClusterId: 'c1', JobId: 'no-such-job' };
    const { data: json } = await refused(driver, driver.call('GetEdgeTranscodeJob', missing), 'JobNotFound', 404);
    const refusal = await unreadable(driver.call('GetEdgeTranscodeJob', { ...missing, Format: 'XML' }));
    assertXmlBody(refusal, 'Error', json, parseXml);
  });
}
