'use strict';
// The scenarios every Node client runs against the emulator, written once against a driver
// that each suite builds around its client:
//
//   driver.call(action, query, { pace }) → the parsed JSON body of a success; the client's
//     own error otherwise. `pace: false` skips the pacing under the rate limit.
//   driver.errorOf(error) → { code, status } as the client reports them.
//   driver.sourceUrls(list) → the value of `SourceUrls` as that client's users send it.
//
// A suite calls `defineScenarios(suite, variants, makeDriver)`: the whole-life and error
// scenarios run once per variant (signature scheme × HTTP method), the rest once.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const {
  KEY_A, KEY_B, assertSameFields, sleep,
} = require('./emulator');

const TEMPLATE = '3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01';
const TEMPLATE_1080P = '3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02';
const REGION = 'cn-shanghai';

let counter = 0;
// A name no other test of this emulator uses (clusters and push URLs are per account).
function unique(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

// Awaits `promise`, which must fail with `code` and HTTP `status` as the client reports them.
async function refused(driver, promise, code, status) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${code} (${status}), the call succeeded`);
  const got = driver.errorOf(error);
  assert.deepEqual(got, { code, status }, `expected ${code} (${status}): ${error.stack || JSON.stringify(error)}`);
  return error;
}

function createJob(driver, cluster, name = 'news') {
  return driver.call('CreateEdgeTranscodeJob', {
    ClusterId: cluster,
    Name: name,
    TemplateId: TEMPLATE,
    StreamInput: 'rtmp://ingest.example.com/live/news',
    StreamOutput: 'rtmp://push.example.com/live/news_hd',
  });
}

function taskQuery(driver, emulator, dst, { startIn = 3600, length = 7200, sourceType = 'url' } = {}) {
  const query = {
    Region: REGION,
    TaskName: 'replay',
    StartTime: emulator.at(startIn),
    EndTime: emulator.at(startIn + length),
    SourceType: sourceType,
    DstUrl: dst,
  };
  if (sourceType === 'live') {
    query.SourceProtocol = 'rtmp';
    query.SourceUrls = driver.sourceUrls(['rtmp://pull.example.com/live/source']);
  } else {
    query.SourceUrls = driver.sourceUrls(['https://cdn.example.com/a.mp4', 'https://cdn.example.com/b.flv']);
  }
  return query;
}

async function createTask(driver, emulator, dst, options) {
  const reply = await driver.call('CreateLivePullToPush', taskQuery(driver, emulator, dst, options));
  assert.equal(reply.RetCode, 0);
  assert.equal(reply.Description, 'OK');
  assert.match(reply.TaskId, /^[0-9a-f-]{36}$/);
  return reply.TaskId;
}

// Waits for the start of the next whole second of the real clock, the gateway's window.
async function nextSecond() {
  await sleep(1000 - (Date.now() % 1000) + 20);
  return Math.floor(Date.now() / 1000);
}

// Runs `calls` from the start of a real second and returns what it returns, if all of it ran
// within that second; a machine too slow for that gets three tries.
async function inOneSecond(what, calls) {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const second = await nextSecond();
    const result = await calls();
    if (Math.floor(Date.now() / 1000) === second) return result;
  }
  return assert.fail(`${what} never fitted in one real second`);
}

async function edgeJobLife(driver) {
  const cluster = unique('cluster');
  const created = await createJob(driver, cluster);
  const jobId = created.JobId;
  assert.match(jobId, /^[0-9a-f]{32}$/);
  assert.ok(created.RequestId);

  const { Job: job } = await driver.call('GetEdgeTranscodeJob', { ClusterId: cluster, JobId: jobId });
  assert.deepEqual(
    [job.JobId, job.Name, job.Status, job.Type, job.TemplateId, job.TemplateName],
    [jobId, 'news', '0', 'common', TEMPLATE, 'common-h264-720p'],
  );

  const ref = { ClusterId: cluster, JobId: jobId };
  assert.equal((await driver.call('StartEdgeTranscodeJob', ref)).JobId, jobId);
  await refused(driver, driver.call('StartEdgeTranscodeJob', ref), 'OperationDenied', 403);
  await refused(driver, driver.call('UpdateEdgeTranscodeJob', { ...ref, TemplateId: TEMPLATE_1080P }),
    'OperationDenied', 403);
  // Deleting a running job is refused only by a `--strict` emulator (docs/fidelity.md).
  const running = await driver.call('ListEdgeTranscodeJob', { ClusterId: cluster, Status: 1 });
  assert.equal(running.TotalCount, 1);
  assert.equal(running.JobList.Job[0].Status, '1');

  assert.equal((await driver.call('StopEdgeTranscodeJob', ref)).JobId, jobId);
  await refused(driver, driver.call('StopEdgeTranscodeJob', ref), 'OperationDenied', 403);
  const updated = await driver.call('UpdateEdgeTranscodeJob', { ...ref, TemplateId: TEMPLATE_1080P, Name: 'news_hd' });
  assert.equal(updated.JobId, jobId);

  const listed = await driver.call('ListEdgeTranscodeJob', { ClusterId: cluster });
  assert.equal(listed.TotalCount, 1);
  assert.equal(listed.JobList.Job.length, 1);
  const [only] = listed.JobList.Job;
  assert.deepEqual([only.JobId, only.Name, only.TemplateId, only.Status], [jobId, 'news_hd', TEMPLATE_1080P, '0']);
  assert.ok(only.LastStartAt && only.LastStopAt, JSON.stringify(only));

  assert.ok((await driver.call('DeleteEdgeTranscodeJob', ref)).RequestId);
  await refused(driver, driver.call('GetEdgeTranscodeJob', ref), 'JobNotFound', 404);
  await refused(driver, driver.call('DeleteEdgeTranscodeJob', ref), 'JobNotFound', 404);
  assert.equal((await driver.call('ListEdgeTranscodeJob', { ClusterId: cluster })).TotalCount, 0);
}

async function edgeTemplates(driver) {
  const { Template: template } = await driver.call('GetEdgeTranscodeTemplate', { ClusterId: 'c1', TemplateId: TEMPLATE });
  assert.deepEqual([template.Name, template.Codec, template.Resolution], ['common-h264-720p', 'H.264', '1280*720']);
  const listed = await driver.call('ListEdgeTranscodeTemplate', { ClusterId: 'c1', VideoCodec: 'H.265', SortBy: 'asc' });
  assert.equal(listed.TotalCount, 3);
  assert.equal(listed.TemplateList.Template.length, 3);
  assert.ok(listed.TemplateList.Template.every((t) => t.Codec === 'H.265'));
  const paged = await driver.call('ListEdgeTranscodeTemplate', { ClusterId: 'c1', PageSize: 2, PageNo: 2 });
  assert.equal(paged.TemplateList.Template.length, 2);
  await refused(driver, driver.call('GetEdgeTranscodeTemplate', { ClusterId: 'c1', TemplateId: 'no-such-template' }),
    'TemplateNotFound', 404);
}

async function parameterErrors(driver, emulator) {
  await refused(driver, driver.call('GetEdgeTranscodeJob', { ClusterId: 'c1' }), 'MissingParameter', 400);
  await refused(driver, driver.call('ListEdgeTranscodeTemplate', {}), 'MissingParameter', 400);
  await refused(driver, driver.call('CreateEdgeTranscodeJob', {
    ClusterId: 'c1', Name: 'has space', TemplateId: TEMPLATE,
    StreamInput: 'rtmp://a.example.com/live/s', StreamOutput: 'rtmp://b.example.com/live/s',
  }), 'InvalidParameter', 400);
  await refused(driver, driver.call('ListEdgeTranscodeJob', { ClusterId: 'c1', PageSize: 101 }), 'InvalidParameter', 400);
  await refused(driver, driver.call('CreateEdgeTranscodeJob', {
    ClusterId: 'c1', Name: 'news', TemplateId: 'no-such-template',
    StreamInput: 'rtmp://a.example.com/live/s', StreamOutput: 'rtmp://b.example.com/live/s',
  }), 'TemplateNotFound', 404);
  const noDst = taskQuery(driver, emulator, 'rtmp://push.example.com/live/unused');
  delete noDst.DstUrl;
  await refused(driver, driver.call('CreateLivePullToPush', noDst), 'MissingParameter', 400);
  await refused(driver, driver.call('DescribeLivePullToPush', { Region: REGION }), 'MissingParameter', 400);
  await refused(driver, driver.call('DescribeLivePullToPushList', { Region: 'mars-1' }), 'InvalidParameter', 400);
}

async function taskLife(driver, emulator) {
  const taskId = await createTask(driver, emulator, `rtmp://push.example.com/live/${unique('life')}`);
  const ref = { TaskId: taskId, Region: REGION };
  const describe = () => driver.call('DescribeLivePullToPush', ref);

  const first = await describe();
  assert.equal(first.TaskStatus, 0);
  assert.equal(first.TaskInfo.TaskId, taskId);
  assert.deepEqual(first.TaskInfo.SourceUrls, ['https://cdn.example.com/a.mp4', 'https://cdn.example.com/b.flv']);
  assert.equal(first.TaskInfo.StartTime, emulator.at(3600));

  // Stop and Restart before the start: documented to have no effect.
  assert.equal((await driver.call('StopLivePullToPush', ref)).TaskId, taskId);
  assert.ok((await driver.call('RestartLivePullToPush', ref)).RequestId);
  assert.equal((await describe()).TaskStatus, 0);
  await driver.call('UpdateLivePullToPush', { ...ref, Offset: 30, FileIndex: 1 });

  await emulator.advance(3599);
  assert.equal((await describe()).TaskStatus, 0);
  await emulator.advance(1); // StartTime
  const started = await describe();
  assert.deepEqual([started.TaskStatus, started.CurrentFileIndex, started.CurrentOffset], [1, 1, 30]);
  await refused(driver, driver.call('UpdateLivePullToPush', { ...ref, Offset: 60 }), 'CodeTaskHasStarted', 400);
  const updated = await driver.call('UpdateLivePullToPush', { ...ref, RepeatNumber: 2 });
  assert.equal(updated.RetCode, 0);

  assert.equal((await emulator.fault(taskId, 'pull')).TaskId, taskId);
  assert.equal((await describe()).TaskStatus, 2);
  await emulator.fault(taskId, 'recover');
  assert.equal((await describe()).TaskStatus, 1);

  assert.equal((await driver.call('StopLivePullToPush', ref)).TaskId, taskId);
  assert.equal((await describe()).TaskStatus, 3);
  await refused(driver, driver.call('StopLivePullToPush', ref), 'CodeTaskHasStopped', 400);
  await driver.call('UpdateLivePullToPush', { ...ref, FileIndex: 0, Offset: 15 });
  await emulator.advance(1);
  assert.ok((await driver.call('RestartLivePullToPush', ref)).RequestId);
  const restarted = await describe();
  assert.deepEqual([restarted.TaskStatus, restarted.CurrentFileIndex, restarted.CurrentOffset], [1, 0, 15]);
  assert.equal(restarted.TaskInfo.RepeatNumber, 2);

  await emulator.advance(7199); // EndTime
  const exited = await describe();
  assert.deepEqual([exited.TaskStatus, exited.TaskExitReason], [-1, 'OverEndTime']);
  assert.equal(exited.TaskExitTime, Date.parse(emulator.now) / 1000);
  await refused(driver, driver.call('RestartLivePullToPush', ref), 'CodeTaskNotExist', 400);
  await refused(driver, driver.call('StopLivePullToPush', ref), 'CodeTaskNotExist', 400);
}

async function taskListAndDelete(driver, emulator) {
  const dst = `rtmp://push.example.com/live/${unique('listed')}`;
  const taskId = await createTask(driver, emulator, dst, { sourceType: 'live' });
  const ref = { TaskId: taskId, Region: REGION };
  const listed = await driver.call('DescribeLivePullToPushList', { Region: REGION, DstUrl: dst.split('/').pop() });
  assert.deepEqual([listed.Total, listed.TaskList.length, listed.TaskList[0].TaskId], [1, 1, taskId]);
  assert.equal(listed.TaskList[0].TaskInfo.SourceProtocol, 'rtmp');
  assert.deepEqual(listed.TaskList[0].TaskInfo.SourceUrls, ['rtmp://pull.example.com/live/source']);

  // A second task on the same destination is taken (only `--strict` refuses it with
  // CodeDstUrlOccupied: the docs say its ingest fails, not the call).
  const second = await createTask(driver, emulator, dst);
  assert.equal((await driver.call('DeleteLivePullToPush', { TaskId: second, Region: REGION })).RetCode, 0);
  await refused(driver, createTask(driver, emulator, `${dst}-x`, { length: 0 }), 'InvalidParam.CodeIllegalDuration', 400);
  await refused(driver, driver.call('DescribeLivePullToPush', { ...ref, Region: 'cn-beijing' }), 'CodeTaskNotExist', 400);

  const deleted = await driver.call('DeleteLivePullToPush', ref);
  assert.deepEqual([deleted.RetCode, deleted.Description], [0, 'OK']);
  await refused(driver, driver.call('DeleteLivePullToPush', ref), 'CodeTaskNotExist', 400);
  await refused(driver, driver.call('RestartLivePullToPush', ref), 'CodeTaskNotExist', 400);
  await refused(driver, driver.call('UpdateLivePullToPush', { ...ref, RepeatNumber: 1 }), 'CodeTaskNotExist', 400);
  const gone = await driver.call('DescribeLivePullToPush', ref);
  assert.deepEqual([gone.TaskStatus, gone.TaskExitReason], [-1, 'TriggerByUser']);
  // The push URL is free again once its task has exited.
  await createTask(driver, emulator, dst);
}

// Each of the seven pull-to-push operations twice in one real second: the gateway's limit of
// 10 calls a second holds per operation, so these 14 calls all pass.
async function twiceEachInOneSecond(driver, emulator) {
  await inOneSecond('14 pull-to-push calls', async () => {
    const [a, b] = [unique('burst'), unique('burst')].map((n) => `rtmp://push.example.com/live/${n}`);
    const first = await driver.call('CreateLivePullToPush', taskQuery(driver, emulator, a), { pace: false });
    const other = await driver.call('CreateLivePullToPush', taskQuery(driver, emulator, b), { pace: false });
    const refs = [first.TaskId, other.TaskId].map((TaskId) => ({ TaskId, Region: REGION }));
    const calls = [
      ['DescribeLivePullToPush', refs[0]], ['DescribeLivePullToPush', refs[1]],
      ['DescribeLivePullToPushList', { Region: REGION }], ['DescribeLivePullToPushList', { Region: REGION, PageSize: 5 }],
      ['UpdateLivePullToPush', { ...refs[0], RepeatNumber: 1 }], ['UpdateLivePullToPush', { ...refs[0], RepeatNumber: 2 }],
      ['StopLivePullToPush', refs[0]], ['StopLivePullToPush', refs[1]],
      ['RestartLivePullToPush', refs[0]], ['RestartLivePullToPush', refs[1]],
      ['DeleteLivePullToPush', refs[0]], ['DeleteLivePullToPush', refs[1]],
    ];
    for (const [action, query] of calls) {
      assert.ok((await driver.call(action, query, { pace: false })).RequestId, action);
    }
  });
}

// The 11th call of one operation in one real second is refused; another operation, or the same
// one in the next second, still passes.
async function eleventhCallThrottled(driver) {
  const list = { Region: 'cn-beijing' };
  const outcomes = await inOneSecond('12 pull-to-push calls', async () => {
    const listed = [];
    for (let i = 0; i < 11; i += 1) {
      listed.push(await driver.call('DescribeLivePullToPushList', list, { pace: false }).then(
        (body) => body.Total,
        (error) => driver.errorOf(error),
      ));
    }
    await refused(driver,
      driver.call('DescribeLivePullToPush', { TaskId: 'no-such-task', Region: 'cn-beijing' }, { pace: false }),
      'CodeTaskNotExist', 400);
    return listed;
  });
  assert.deepEqual(outcomes, [...Array(10).fill(0), { code: 'Throttling.User', status: 400 }]);
  await nextSecond();
  assert.equal((await driver.call('DescribeLivePullToPushList', list, { pace: false })).Total, 0);
}

// The edge operations are limited per minute (6,000 calls), not per second.
async function edgeBurst(driver) {
  await inOneSecond('30 edge calls', async () => {
    for (let i = 0; i < 30; i += 1) {
      const { Template } = await driver.call('GetEdgeTranscodeTemplate', { ClusterId: 'c1', TemplateId: TEMPLATE });
      assert.equal(Template.TemplateId, TEMPLATE);
    }
  });
}

async function accountsApart(driverA, driverB, emulator) {
  const cluster = unique('shared-cluster');
  const { JobId: jobId } = await createJob(driverA, cluster);
  await refused(driverB, driverB.call('GetEdgeTranscodeJob', { ClusterId: cluster, JobId: jobId }), 'JobNotFound', 404);
  assert.equal((await driverB.call('ListEdgeTranscodeJob', { ClusterId: cluster })).TotalCount, 0);
  const dst = `rtmp://push.example.com/live/${unique('tenancy')}`;
  const taskId = await createTask(driverA, emulator, dst);
  await refused(driverB, driverB.call('DescribeLivePullToPush', { TaskId: taskId, Region: REGION }), 'CodeTaskNotExist', 400);
  // Push URLs are per account too.
  await createTask(driverB, emulator, dst);
}

async function wrongKeys(makeDriver, variant, emulator) {
  const wrongSecret = makeDriver({ ...KEY_A, secret: 'not-the-secret' }, variant, emulator);
  await refused(wrongSecret, wrongSecret.call('ListEdgeTranscodeJob', { ClusterId: 'c1' }), 'SignatureDoesNotMatch', 400);
  await refused(wrongSecret, wrongSecret.call('DescribeLivePullToPushList', { Region: REGION }), 'SignatureDoesNotMatch', 400);
  const unknown = makeDriver({ id: 'LTAInobodyHasThisKey', secret: 'whatever' }, variant, emulator);
  await refused(unknown, unknown.call('ListEdgeTranscodeJob', { ClusterId: 'c1' }), 'InvalidAccessKeyId.NotFound', 404);
}

// Two jobs and two tasks in a cluster and region of their own, then the calls whose XML
// replies the suites compare with their JSON ones: a list wrapped as `JobList.Job`, flat
// lists (`TaskList`, `SourceUrls`), both also empty, nested objects, numbers. Returns
// `[action, query]` pairs.
async function xmlCases(driver, emulator) {
  const cluster = unique('xml-cluster');
  const { JobId: jobId } = await createJob(driver, cluster, 'first');
  await createJob(driver, cluster, 'second');
  const region = 'cn-beijing';
  const stem = unique('xml');
  const taskIds = [];
  for (const n of [1, 2]) {
    const query = { ...taskQuery(driver, emulator, `rtmp://push.example.com/live/${stem}-${n}`), Region: region };
    taskIds.push((await driver.call('CreateLivePullToPush', query)).TaskId);
  }
  return [
    ['ListEdgeTranscodeJob', { ClusterId: cluster }],
    ['ListEdgeTranscodeJob', { ClusterId: unique('xml-empty') }],
    ['DescribeLivePullToPushList', { Region: region, DstUrl: 'no-such-stream' }],
    ['GetEdgeTranscodeJob', { ClusterId: cluster, JobId: jobId }],
    ['ListEdgeTranscodeTemplate', { ClusterId: cluster, PageSize: 3 }],
    ['DescribeLivePullToPush', { TaskId: taskIds[0], Region: region }],
    ['DescribeLivePullToPushList', { Region: region, DstUrl: stem }],
    ['DeleteLivePullToPush', { TaskId: taskIds[1], Region: region }],
  ];
}

// `json` with every mention of its request id (in RequestId, and in an error's Recommend)
// replaced by `requestId`: two replies to the same call differ only in those.
function withRequestId(json, requestId) {
  const renamed = json.RequestId ? JSON.parse(JSON.stringify(json).split(json.RequestId).join(requestId)) : json;
  return { ...renamed, RequestId: requestId };
}

// Fails unless `text` is an XML reply whose one element `root` (`{Action}Response`, or
// `Error`) holds the same fields as `json`, the JSON reply to the same call.
function assertXmlBody(text, root, json, parseXml) {
  assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), text.slice(0, 80));
  const parsed = parseXml(text);
  assert.deepEqual(Object.keys(parsed), [root], text);
  const fields = parsed[root];
  assert.match(fields.RequestId, /^[0-9A-F-]{36}$/);
  assertSameFields(fields, withRequestId(json, fields.RequestId), root);
}

function defineScenarios(suite, variants, makeDriver) {
  for (const variant of variants) {
    const driver = () => makeDriver(KEY_A, variant, suite.emulator);
    test(`${variant.name}: an edge job through its whole life`, () => edgeJobLife(driver()));
    test(`${variant.name}: edge templates`, () => edgeTemplates(driver()));
    test(`${variant.name}: missing and invalid parameters`, () => parameterErrors(driver(), suite.emulator));
    test(`${variant.name}: a task through its whole timed life`, () => taskLife(driver(), suite.emulator));
    test(`${variant.name}: task list, delete and errors`, () => taskListAndDelete(driver(), suite.emulator));
    test(`${variant.name}: a wrong secret or an unknown key is refused`, () => wrongKeys(makeDriver, variant, suite.emulator));
  }
  const [first] = variants;
  test('each pull-to-push operation twice in one real second passes',
    () => twiceEachInOneSecond(makeDriver(KEY_B, first, suite.emulator), suite.emulator));
  test('the 11th call of one pull-to-push operation in one real second is Throttling.User',
    () => eleventhCallThrottled(makeDriver(KEY_B, first, suite.emulator)));
  test('an edge operation 30 times in one real second passes',
    () => edgeBurst(makeDriver(KEY_B, first, suite.emulator)));
  test('accounts do not see each other',
    () => accountsApart(makeDriver(KEY_A, first, suite.emulator), makeDriver(KEY_B, first, suite.emulator), suite.emulator));
}

module.exports = {
  REGION, assertXmlBody, createJob, defineScenarios, refused, taskQuery, unique, withRequestId, xmlCases,
};
