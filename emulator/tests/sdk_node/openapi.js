'use strict';
// The suite of Alibaba Cloud's OpenAPI client, shared by its two generations:
//
// - @alicloud/openapi-client 0.4.x, the Tea generation (with @alicloud/tea-util,
//   @alicloud/openapi-util and @alicloud/tea-xml): what the generated TypeScript SDKs were
//   built on until 2025, e.g. @alicloud/live20161101 1.x (`import OpenApi, * as $OpenApi from
//   '@alicloud/openapi-client'`, `new $OpenApi.Params(…)`, `new $Util.RuntimeOptions({})`).
// - @alicloud/openapi-core 1.0.x, the Darabonba generation (with @darabonba/typescript): what
//   they are built on now, e.g. @alicloud/live20161101 2.x and 3.x (`import OpenApi, {
//   OpenApiUtil, $OpenApiUtil } from '@alicloud/openapi-core'`, `new $OpenApiUtil.Params(…)`,
//   `new $dara.RuntimeOptions({})`).
//
// Neither depends on the other; both come from aliyun/darabonba-openapi and share one design:
// `callApi(params, request, runtime)` signs V3 (ACS3-HMAC-SHA256, `doRequest`) unless the
// config says `signatureAlgorithm: 'v2'`, which routes RPC calls to `doRPCRequest` (V1,
// HMAC-SHA1, `Format=json` unless the query sets another). A test file hands its generation's
// pieces to `defineOpenApiSuite` as a `flavour`:
//
//   { Client, Config, Params, OpenApiRequest, RuntimeOptions, query, arrayToString,
//     rpcSignature, parseXml, errorOf }
//
// Each call is built the way the generated @alicloud/live20161101 builds it (read in its
// src/client.ts): the query through `OpenApiUtil.query`, `SourceUrls` through
// `arrayToStringWithSpecifiedStyle(list, 'SourceUrls', 'json')`, and these Params, with
// POST for the nine edge operations and CreateLivePullToPush and GET for the six others.
// The Params say HTTPS as the SDK's do; the config's `protocol: 'http'` overrides that, as it
// does for an application pointing the SDK at the emulator.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');

const {
  CALL_TIMEOUT, KEY_A, assertSameFields, useEmulator, utc,
} = require('./emulator');
const {
  assertXmlBody, defineScenarios, refused, withRequestId, xmlCases,
} = require('./scenarios');

const VERSION = '2016-11-01';
const SDK_METHODS = {
  CreateEdgeTranscodeJob: 'POST',
  GetEdgeTranscodeJob: 'POST',
  ListEdgeTranscodeJob: 'POST',
  UpdateEdgeTranscodeJob: 'POST',
  StartEdgeTranscodeJob: 'POST',
  StopEdgeTranscodeJob: 'POST',
  DeleteEdgeTranscodeJob: 'POST',
  GetEdgeTranscodeTemplate: 'POST',
  ListEdgeTranscodeTemplate: 'POST',
  CreateLivePullToPush: 'POST',
  UpdateLivePullToPush: 'GET',
  DeleteLivePullToPush: 'GET',
  DescribeLivePullToPush: 'GET',
  DescribeLivePullToPushList: 'GET',
  StopLivePullToPush: 'GET',
  RestartLivePullToPush: 'GET',
};

const VARIANTS = [];
for (const v1 of [false, true]) {
  for (const method of [undefined, 'GET', 'POST']) {
    VARIANTS.push({
      name: `${v1 ? 'V1 HMAC-SHA1' : 'V3 ACS3-HMAC-SHA256'}, ${method ? `all ${method}` : 'methods as the SDK'}`,
      v1,
      method,
    });
  }
}

function defineOpenApiSuite(flavour) {
  const suite = useEmulator();

  function newClient(key, variant, emulator) {
    return new flavour.Client(new flavour.Config({
      accessKeyId: key.id,
      accessKeySecret: key.secret,
      endpoint: emulator.host,
      protocol: 'http',
      regionId: 'cn-shanghai',
      readTimeout: CALL_TIMEOUT,
      connectTimeout: 5000,
      // The switch to V1 in both generations' callApi.
      ...(variant.v1 ? { signatureAlgorithm: 'v2' } : {}),
    }));
  }

  function makeDriver(key, variant, emulator) {
    const client = newClient(key, variant, emulator);
    // The whole result, `{ body, headers, statusCode }`, of one call as the SDK makes it.
    async function send(action, query, { pace = true, bodyType = 'json' } = {}) {
      if (pace) await emulator.pace(key.id, action);
      const params = new flavour.Params({
        action,
        version: VERSION,
        protocol: 'HTTPS',
        pathname: '/',
        method: variant.method || SDK_METHODS[action],
        authType: 'AK',
        style: 'RPC',
        reqBodyType: 'formData',
        bodyType,
      });
      const request = new flavour.OpenApiRequest({ query: flavour.query(query) });
      return client.callApi(params, request, new flavour.RuntimeOptions({}));
    }
    return {
      send,
      call: async (action, query, options) => (await send(action, query, options)).body,
      errorOf: flavour.errorOf,
      sourceUrls: (list) => flavour.arrayToString(list, 'SourceUrls', 'json'),
    };
  }

  // A V1 GET signed by the flavour's own V1 signer, sent as plain HTTP: for what the clients
  // always add (Format) or never vary (x-acs-action).
  function signedV1(emulator, query, { headers = {}, secret = KEY_A.secret } = {}) {
    const params = {
      Version: VERSION,
      Timestamp: utc(Date.now()),
      SignatureNonce: crypto.randomUUID(),
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      AccessKeyId: KEY_A.id,
      ...query,
    };
    params.Signature = flavour.rpcSignature(params, 'GET', secret);
    return emulator.request('GET', `/?${new URLSearchParams(params)}`, { headers });
  }

  defineScenarios(suite, VARIANTS, makeDriver);

  for (const variant of VARIANTS.filter((v) => !v.method)) {
    const label = variant.v1 ? 'V1' : 'V3';
    test(`${label}: JSON unless asked otherwise`, async () => {
      const reply = await makeDriver(KEY_A, variant, suite.emulator).send('ListEdgeTranscodeTemplate', { ClusterId: 'c1' });
      assert.equal(reply.statusCode, 200);
      assert.match(reply.headers['content-type'], /^application\/json/);
      assert.equal(reply.body.TotalCount, 8);
    });

    test(`${label}: Format=XML answers the same fields in XML (bodyType 'string')`, async () => {
      const { emulator } = suite;
      const driver = makeDriver(KEY_A, variant, emulator);
      const cases = await xmlCases(driver, emulator);
      for (const [action, query] of cases.filter(([a]) => a !== 'DeleteLivePullToPush')) {
        const json = await driver.call(action, query);
        const reply = await driver.send(action, { ...query, Format: 'XML' }, { bodyType: 'string' });
        assert.equal(reply.statusCode, 200);
        assert.equal(reply.headers['content-type'], 'text/xml;charset=utf-8');
        assertXmlBody(reply.body, `${action}Response`, json, flavour.parseXml);
      }
      // Any case of XML; the JSON of a Delete cannot be had after it, so it is written out.
      const [action, query] = cases.find(([a]) => a === 'DeleteLivePullToPush');
      const reply = await driver.send(action, { ...query, Format: 'xml' }, { bodyType: 'string' });
      assertXmlBody(reply.body, `${action}Response`, { RetCode: 0, Description: 'OK' }, flavour.parseXml);
    });
  }

  test('V3: an XML error is read by the client as its error', async () => {
    const driver = makeDriver(KEY_A, VARIANTS[0], suite.emulator);
    const missing = { ClusterId: 'c1', JobId: 'no-such-job' };
    const fields = async (query) => {
      const error = await refused(driver, driver.call('GetEdgeTranscodeJob', query), 'JobNotFound', 404);
      const body = { ...error.data };
      delete body.statusCode; // the Tea generation adds it to the body it read
      return body;
    };
    const json = await fields(missing);
    // Read out of `<Error>`, which the V3 path parses when the Content-Type is text/xml.
    const xml = await fields({ ...missing, Format: 'XML' });
    assertSameFields(xml, withRequestId(json, xml.RequestId), 'Error');
  });

  // The V1 path of both generations reads error bodies as JSON only, so an XML error cannot be
  // had through it; these requests are signed by the client's V1 signer and sent as they are.
  test('V1 without Format answers XML, success and error alike', async () => {
    const { emulator } = suite;
    const listed = await signedV1(emulator, { Action: 'ListEdgeTranscodeTemplate', ClusterId: 'c1', PageSize: '2' });
    assert.equal(listed.status, 200, listed.body);
    assert.equal(listed.headers['content-type'], 'text/xml;charset=utf-8');
    const json = await makeDriver(KEY_A, VARIANTS.find((v) => v.v1 && !v.method), emulator)
      .call('ListEdgeTranscodeTemplate', { ClusterId: 'c1', PageSize: 2 });
    assertXmlBody(listed.body, 'ListEdgeTranscodeTemplateResponse', json, flavour.parseXml);

    const unknown = { Action: 'GetEdgeTranscodeTemplate', ClusterId: 'c1', TemplateId: 'nope' };
    const missing = await signedV1(emulator, unknown);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'text/xml;charset=utf-8');
    const missingJson = await signedV1(emulator, { ...unknown, Format: 'JSON' });
    assert.equal(missingJson.status, 404);
    assert.equal(JSON.parse(missingJson.body).Code, 'TemplateNotFound');
    assertXmlBody(missing.body, 'Error', JSON.parse(missingJson.body), flavour.parseXml);

    // A refused signature too.
    const forged = await signedV1(emulator, { Action: 'ListEdgeTranscodeTemplate', ClusterId: 'c1' },
      { secret: 'not-the-secret' });
    assert.equal(forged.status, 400);
    assert.equal(forged.headers['content-type'], 'text/xml;charset=utf-8');
    assert.equal(flavour.parseXml(forged.body).Error.Code, 'SignatureDoesNotMatch');

    const asJson = await signedV1(emulator, { Action: 'ListEdgeTranscodeTemplate', ClusterId: 'c1', Format: 'JSON' });
    assert.match(asJson.headers['content-type'], /^application\/json/);
    assert.equal(JSON.parse(asJson.body).TotalCount, 8);
  });

  test('V1 takes its action from the signed Action, whatever x-acs-action says', async () => {
    const reply = await signedV1(suite.emulator,
      { Action: 'ListEdgeTranscodeTemplate', ClusterId: 'c1', Format: 'JSON' },
      { headers: { 'x-acs-action': 'DeleteEdgeTranscodeJob' } });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(JSON.parse(reply.body).TotalCount, 8);
  });
}

module.exports = { defineOpenApiSuite };
