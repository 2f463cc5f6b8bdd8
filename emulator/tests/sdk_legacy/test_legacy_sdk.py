"""The emulator, driven by Alibaba's older Python SDK (aliyun-python-sdk-live on
aliyun-python-sdk-core) as an application written against it would.

This SDK signs with V1 (HMAC-SHA1) only. Each operation has its request class,
`aliyunsdklive.request.v20161101.<Op>Request` (all 16 are in 3.9.75), which puts the
parameters in the query and picks a method (POST for the edge operations and
CreateLivePullToPush, GET for the other six); `request.set_method` changes it.
"""

import importlib
import json
import time
import urllib.error
import urllib.request

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.composer import rpc_signature_composer
from aliyunsdkcore.request import CommonRequest
from live_emulator import (KEY_A, KEY_B, TEMPLATE, TEMPLATE_1080P, TIMEOUT, at_a_fresh_real_second, utc,
                           xml_document)

URLS = ["https://cdn.example.com/a.mp4", "https://cdn.example.com/b.flv"]


def op(action, **params):
    """A request of the SDK's own class for `action`, each parameter set through its
    generated setter (`set_ClusterId`, …): a parameter the class does not know fails here."""
    module = importlib.import_module(f"aliyunsdklive.request.v20161101.{action}Request")
    request = getattr(module, f"{action}Request")()
    for name, value in params.items():
        getattr(request, f"set_{name}")(value)
    return request


def refused(call, code, status):
    """Runs `call`, which must fail with `code` and HTTP `status` through the SDK."""
    with pytest.raises(ServerException) as caught:
        call()
    assert caught.value.get_error_code() == code, caught.value
    assert caught.value.get_http_status() == status, caught.value
    return caught.value


def xml_body(reply, status, root):
    """The XML document of a `(status, headers, body)` reply, checked for its status (and as
    xml_document checks)."""
    got_status, headers, body = reply
    assert got_status == status, body
    return xml_document(headers["Content-Type"], body, root)


def create_job(client, cluster, name="news"):
    return client.call(op("CreateEdgeTranscodeJob", ClusterId=cluster, Name=name, TemplateId=TEMPLATE,
                          StreamInput="rtmp://ingest.example.com/live/news",
                          StreamOutput="rtmp://push.example.com/live/news_hd"))["JobId"]


def create_task(client, emulator, stream, start_in=3600, length=7200, callback_url=None):
    start, end = emulator.window(start_in, length)
    params = dict(Region="cn-shanghai", TaskName=stream, StartTime=start, EndTime=end, SourceType="url",
                  SourceUrls=URLS, DstUrl=f"rtmp://push.example.com/live/{stream}")
    if callback_url:
        params["CallbackUrl"] = callback_url
    created = client.call(op("CreateLivePullToPush", **params))
    assert (created["RetCode"], created["Description"]) == (0, "OK")
    return created["TaskId"]


def task(action, task_id, region="cn-shanghai"):
    return op(action, TaskId=task_id, Region=region)


# ---- all sixteen operations, by each method --------------------------------------------------


@pytest.mark.parametrize("method", [None, "GET", "POST"], ids=["sdk-default", "GET", "POST"])
def test_all_sixteen_operations(emulator, method):
    client = emulator.client()
    name = f"walk-{(method or 'default').lower()}"
    call = lambda action, **params: client.call(op(action, **params), method)

    templates = call("ListEdgeTranscodeTemplate", ClusterId=name, PageSize=100)
    assert templates["TotalCount"] == len(templates["TemplateList"]["Template"]) > 1
    template = call("GetEdgeTranscodeTemplate", ClusterId=name, TemplateId=TEMPLATE)["Template"]
    assert (template["TemplateId"], template["Name"], template["Codec"]) == (TEMPLATE, "common-h264-720p", "H.264")

    job_id = call("CreateEdgeTranscodeJob", ClusterId=name, Name=name, TemplateId=TEMPLATE,
                  StreamInput="rtmp://ingest.example.com/live/walk",
                  StreamOutput="rtmp://push.example.com/live/walk_hd")["JobId"]
    job_ref = {"ClusterId": name, "JobId": job_id}
    assert call("UpdateEdgeTranscodeJob", **job_ref, TemplateId=TEMPLATE_1080P)["JobId"] == job_id
    assert call("StartEdgeTranscodeJob", **job_ref)["JobId"] == job_id
    job = call("GetEdgeTranscodeJob", **job_ref)["Job"]
    assert (job["Status"], job["TemplateId"], job["Name"]) == ("1", TEMPLATE_1080P, name)
    listed = call("ListEdgeTranscodeJob", ClusterId=name, Status=1)
    assert listed["TotalCount"] == 1 and listed["JobList"]["Job"][0]["JobId"] == job_id
    assert call("StopEdgeTranscodeJob", **job_ref)["JobId"] == job_id
    assert call("GetEdgeTranscodeJob", **job_ref)["Job"]["Status"] == "0"
    assert set(call("DeleteEdgeTranscodeJob", **job_ref)) == {"RequestId"}
    refused(lambda: call("GetEdgeTranscodeJob", **job_ref), "JobNotFound", 404)

    start, end = emulator.window(60, 3600)
    created = call("CreateLivePullToPush", Region="cn-beijing", TaskName=name, StartTime=start, EndTime=end,
                   SourceType="url", SourceUrls=URLS[:1], DstUrl=f"rtmp://push.example.com/live/{name}")
    assert (created["RetCode"], created["Description"]) == (0, "OK")
    task_ref = {"Region": "cn-beijing", "TaskId": created["TaskId"]}
    assert call("UpdateLivePullToPush", **task_ref, RepeatNumber=2, SourceUrls=URLS)["RetCode"] == 0
    described = call("DescribeLivePullToPush", **task_ref)
    assert described["TaskStatus"] == 0 and described["TaskInfo"]["RepeatNumber"] == 2
    assert described["TaskInfo"]["SourceUrls"] == URLS
    listed = call("DescribeLivePullToPushList", Region="cn-beijing", TaskName=name)
    assert listed["Total"] == 1 and listed["TaskList"][0]["TaskId"] == task_ref["TaskId"]
    emulator.advance(60)
    assert call("DescribeLivePullToPush", **task_ref)["TaskStatus"] == 1
    assert call("StopLivePullToPush", **task_ref)["TaskId"] == task_ref["TaskId"]
    assert call("DescribeLivePullToPush", **task_ref)["TaskStatus"] == 3
    assert call("RestartLivePullToPush", **task_ref)["TaskId"] == task_ref["TaskId"]
    assert call("DescribeLivePullToPush", **task_ref)["TaskStatus"] == 1
    assert call("DeleteLivePullToPush", **task_ref)["RetCode"] == 0
    gone = call("DescribeLivePullToPush", **task_ref)
    assert (gone["TaskStatus"], gone["TaskExitReason"]) == (-1, "TriggerByUser")


def test_a_post_with_a_form_body(emulator):
    """The request classes put everything in the query; a CommonRequest can send a POST whose
    parameters are a form body, which V1 signs field by field."""
    client = emulator.client()
    job_id = create_job(client, "form-body")
    request = CommonRequest(domain="127.0.0.1", version="2016-11-01", action_name="GetEdgeTranscodeJob",
                            product="live")
    request.set_method("POST")
    request.add_body_params("ClusterId", "form-body")
    request.add_body_params("JobId", job_id)
    assert client.call(request)["Job"]["JobId"] == job_id


# ---- a task's timed life under the manual clock ---------------------------------------------


def test_task_runs_from_start_time_to_end_time(emulator, receiver):
    """Scheduled until StartTime, running from it, exited at EndTime: each change at its
    second of the manual clock, seen by Describe and DescribeList, and called back."""
    client = emulator.client()
    task_id = create_task(client, emulator, "timed", start_in=600, length=1200, callback_url=receiver.url + "/cb")
    info = client.call(task("DescribeLivePullToPush", task_id))["TaskInfo"]
    start, end = info["StartTime"], info["EndTime"]

    def status():
        one = client.call(task("DescribeLivePullToPush", task_id))
        (listed,) = client.call(op("DescribeLivePullToPushList", Region="cn-shanghai", TaskId=task_id))["TaskList"]
        assert listed["TaskStatus"] == one["TaskStatus"]
        return one

    assert status()["TaskStatus"] == 0
    emulator.advance(599)
    assert status()["TaskStatus"] == 0  # one second before StartTime
    assert emulator.advance(1) == start
    assert status()["TaskStatus"] == 1
    emulator.advance(1199)
    running = status()
    assert running["TaskStatus"] == 1 and "TaskExitReason" not in running  # one second before EndTime
    assert emulator.advance(1) == end
    exited = status()
    assert (exited["TaskStatus"], exited["TaskExitReason"]) == (-1, "OverEndTime")
    assert exited["TaskExitTime"] == int(utc(end).timestamp())
    refused(lambda: client.call(task("RestartLivePullToPush", task_id)), "CodeTaskNotExist", 400)

    called = [(c["path"], c["body"]["Status"], c["body"]["Time"]) for c in receiver.wait_for(2)]
    assert called == [("/cb", "Running", start), ("/cb", "Exit", end)], called


# ---- refusals --------------------------------------------------------------------------------


def test_refusals(emulator):
    """Not found, wrong state and a missing parameter, of each family."""
    client = emulator.client()
    refused(lambda: client.call(op("GetEdgeTranscodeJob", ClusterId="refusals", JobId="no-such-job")),
            "JobNotFound", 404)
    refused(lambda: client.call(op("GetEdgeTranscodeTemplate", ClusterId="refusals", TemplateId="no-such")),
            "TemplateNotFound", 404)
    job_id = create_job(client, "refusals")
    refused(lambda: client.call(op("StopEdgeTranscodeJob", ClusterId="refusals", JobId=job_id)),
            "OperationDenied", 403)
    client.call(op("StartEdgeTranscodeJob", ClusterId="refusals", JobId=job_id))
    refused(lambda: client.call(op("StartEdgeTranscodeJob", ClusterId="refusals", JobId=job_id)),
            "OperationDenied", 403)
    refused(lambda: client.call(op("UpdateEdgeTranscodeJob", JobId=job_id, Name="renamed")),
            "MissingParameter", 400)

    refused(lambda: client.call(task("DescribeLivePullToPush", "no-such-task")), "CodeTaskNotExist", 400)
    task_id = create_task(client, emulator, "refusals", start_in=60)
    emulator.advance(60)
    refused(lambda: client.call(op("UpdateLivePullToPush", TaskId=task_id, Region="cn-shanghai", Offset=30)),
            "CodeTaskHasStarted", 400)
    client.call(task("StopLivePullToPush", task_id))
    refused(lambda: client.call(task("StopLivePullToPush", task_id)), "CodeTaskHasStopped", 400)
    refused(lambda: client.call(op("DeleteLivePullToPush", TaskId=task_id)), "MissingParameter", 400)


def test_a_wrong_secret_is_refused(emulator):
    """The emulator answers SignatureDoesNotMatch with the string it signed; this SDK compares
    it with its own and, as they agree, names the secret: InvalidAccessKeySecret."""
    client = emulator.client(secret="not-the-secret")
    refused(lambda: client.call(op("ListEdgeTranscodeJob", ClusterId="c1")), "InvalidAccessKeySecret", 400)


def test_an_unknown_key_is_refused(emulator):
    client = emulator.client(("LTAInobodyHasThisKey", "whatever"))
    refused(lambda: client.call(op("ListEdgeTranscodeJob", ClusterId="c1")), "InvalidAccessKeyId.NotFound", 404)


def test_accounts_do_not_see_each_other(emulator):
    a, b = emulator.client(KEY_A), emulator.client(KEY_B)
    job_id = create_job(a, "tenancy")
    refused(lambda: b.call(op("GetEdgeTranscodeJob", ClusterId="tenancy", JobId=job_id)), "JobNotFound", 404)
    task_id = create_task(a, emulator, "tenancy")
    refused(lambda: b.call(task("DescribeLivePullToPush", task_id)), "CodeTaskNotExist", 400)


# ---- XML -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_xml_replies(emulator, method):
    """`set_accept_format('XML')` sends `Format=XML`; the SDK hands back the body as sent."""
    client = emulator.client()
    cluster = f"xml-{method.lower()}"
    first, second = create_job(client, cluster, "first"), create_job(client, cluster, "second")

    job = xml_body(client.raw(op("GetEdgeTranscodeJob", ClusterId=cluster, JobId=first), method, "XML"),
                   200, "GetEdgeTranscodeJobResponse")
    assert (job.findtext("Job/JobId"), job.findtext("Job/Name"), job.findtext("Job/Status")) == (first, "first", "0")
    assert job.findtext("Job/TemplateId") == TEMPLATE

    jobs = xml_body(client.raw(op("ListEdgeTranscodeJob", ClusterId=cluster, SortBy="asc"), method, "XML"),
                    200, "ListEdgeTranscodeJobResponse")
    assert jobs.findtext("TotalCount") == "2"
    assert [j.findtext("Name") for j in jobs.findall("JobList/Job")] == ["first", "second"]
    assert [j.findtext("JobId") for j in jobs.findall("JobList/Job")] == [first, second]

    template = xml_body(client.raw(op("GetEdgeTranscodeTemplate", ClusterId=cluster, TemplateId=TEMPLATE_1080P),
                                   method, "XML"), 200, "GetEdgeTranscodeTemplateResponse")
    assert template.findtext("Template/TemplateId") == TEMPLATE_1080P

    task_id = create_task(client, emulator, cluster)
    described = xml_body(client.raw(task("DescribeLivePullToPush", task_id), method, "XML"),
                         200, "DescribeLivePullToPushResponse")
    assert (described.findtext("TaskId"), described.findtext("TaskStatus")) == (task_id, "0")
    assert described.findtext("TaskInfo/DstUrl") == f"rtmp://push.example.com/live/{cluster}"
    assert [u.text for u in described.findall("TaskInfo/SourceUrls")] == URLS
    listed = xml_body(client.raw(op("DescribeLivePullToPushList", Region="cn-shanghai", TaskName=cluster),
                                 method, "XML"), 200, "DescribeLivePullToPushListResponse")
    (entry,) = listed.findall("TaskList")
    assert (listed.findtext("Total"), entry.findtext("TaskId")) == ("1", task_id)
    assert [u.text for u in entry.findall("TaskInfo/SourceUrls")] == URLS
    stopped = xml_body(client.raw(task("StopLivePullToPush", task_id), method, "XML"),
                       200, "StopLivePullToPushResponse")
    assert stopped.findtext("TaskId") == task_id


def test_xml_errors(emulator):
    """An error asked for in XML: `<Error>` with the same HTTP status."""
    client = emulator.client()
    cases = [
        (op("GetEdgeTranscodeJob", ClusterId="xml-errors", JobId="no-such-job"), 404, "JobNotFound"),
        (task("RestartLivePullToPush", "no-such-task"), 400, "CodeTaskNotExist"),
        (op("GetEdgeTranscodeJob", ClusterId="xml-errors"), 400, "MissingParameter"),
    ]
    for request, status, code in cases:
        error = xml_body(client.raw(request, None, "XML"), status, "Error")
        assert error.findtext("Code") == code
        assert error.findtext("HostId") and error.findtext("Message")
    wrong = emulator.client(secret="not-the-secret")
    error = xml_body(wrong.raw(op("ListEdgeTranscodeJob", ClusterId="c1"), None, "XML"), 400, "Error")
    assert error.findtext("Code") == "SignatureDoesNotMatch"


def test_v1_without_format_answers_xml(emulator):
    """A V1 request without `Format` gets XML (Live's common parameters: "Default value: xml").
    The SDK's client always sends a Format (`Format=None` when none is set), so the request is
    signed with the SDK's own V1 composer, which leaves it out, and sent by hand."""
    client = emulator.client()
    job_id = create_job(client, "no-format")
    params = {"Action": "GetEdgeTranscodeJob", "Version": "2016-11-01", "ClusterId": "no-format", "JobId": job_id}
    path, _ = rpc_signature_composer.get_signed_url(params, KEY_A[0], KEY_A[1], None, "GET", {})
    assert "Format" not in path
    with urllib.request.urlopen(f"http://{emulator.endpoint}{path}", timeout=TIMEOUT) as reply:
        job = xml_body((reply.status, reply.headers, reply.read()), 200, "GetEdgeTranscodeJobResponse")
    assert job.findtext("Job/JobId") == job_id

    params = {"Action": "GetEdgeTranscodeJob", "Version": "2016-11-01", "ClusterId": "no-format", "JobId": "gone"}
    path, _ = rpc_signature_composer.get_signed_url(params, KEY_A[0], KEY_A[1], None, "GET", {})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"http://{emulator.endpoint}{path}", timeout=TIMEOUT)
    error = xml_body((caught.value.code, caught.value.headers, caught.value.read()), 404, "Error")
    assert error.findtext("Code") == "JobNotFound"


def test_json_when_asked(emulator):
    client = emulator.client()
    status, headers, body = client.raw(op("ListEdgeTranscodeTemplate", ClusterId="c1", PageSize=1), None, "JSON")
    assert status == 200 and headers["Content-Type"].startswith("application/json"), headers
    assert json.loads(body)["TotalCount"] > 1


# ---- where the action comes from -----------------------------------------------------------


def test_v1_takes_its_action_from_the_signed_parameter(emulator):
    """This SDK sends `x-acs-action` beside the signed `Action`; V1 signs no header, so a header
    naming another operation is ignored."""
    client = emulator.client()
    job_id = create_job(client, "action-v1")
    request = op("GetEdgeTranscodeJob", ClusterId="action-v1", JobId=job_id)
    request.add_header("x-acs-action", "DeleteEdgeTranscodeJob")
    assert client.call(request)["Job"]["JobId"] == job_id
    assert client.call(op("GetEdgeTranscodeJob", ClusterId="action-v1", JobId=job_id))["Job"]["Status"] == "0"


# ---- throttling: per account and operation, on the real clock ------------------------------


def test_each_pull_to_push_operation_has_its_own_limit(throttled_emulator):
    """Seven operations, two calls each, in one real second: 14 calls, all answered."""
    client = throttled_emulator.client()
    start, end = throttled_emulator.window(3600, 3600)
    second = at_a_fresh_real_second()
    tasks = [
        client.call(op("CreateLivePullToPush", Region="cn-shanghai", StartTime=start, EndTime=end, SourceType="url",
                       SourceUrls=URLS[:1], DstUrl=f"rtmp://push.example.com/live/own-limit-{n}"))["TaskId"]
        for n in (1, 2)
    ]
    for task_id in tasks:
        assert client.call(op("UpdateLivePullToPush", TaskId=task_id, Region="cn-shanghai", RepeatNumber=1))["RetCode"] == 0
    for task_id in tasks:
        assert client.call(task("DescribeLivePullToPush", task_id))["TaskInfo"]["RepeatNumber"] == 1
    for _ in tasks:
        client.call(op("DescribeLivePullToPushList", Region="cn-shanghai"))
    for action in ["StopLivePullToPush", "RestartLivePullToPush", "DeleteLivePullToPush"]:
        for task_id in tasks:
            client.call(task(action, task_id))
    assert int(time.time()) == second, "the 14 calls took more than one real second; nothing was shown"


def test_throttling_of_one_operation(throttled_emulator):
    """Ten calls of one operation in a real second are answered, the eleventh is refused; the
    next operation, the next account and the next second are counted apart."""
    a, b = throttled_emulator.client(KEY_A), throttled_emulator.client(KEY_B)
    listing = lambda: op("DescribeLivePullToPushList", Region="cn-beijing")
    second = at_a_fresh_real_second()
    for _ in range(10):
        a.call(listing())
    refused(lambda: a.call(listing()), "Throttling.User", 400)
    refused(lambda: a.call(task("DescribeLivePullToPush", "no-such-task")), "CodeTaskNotExist", 400)
    assert b.call(listing())["Total"] == 0
    assert int(time.time()) == second, "the calls took more than one real second; nothing was shown"
    at_a_fresh_real_second()
    assert a.call(listing())["Total"] == 0
