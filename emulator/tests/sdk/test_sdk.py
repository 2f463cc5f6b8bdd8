"""The emulator, driven by Alibaba's official Python SDK exactly as an application would.

Two ways in: the generated methods (`client.get_edge_transcode_job(...)`), which send each
operation the way the SDK chose (POST with the parameters in the query for the edge
operations and CreateLivePullToPush, GET for the other six), and `rpc`, the SDK's own generic
`call_api`, which the generated methods call too, with the HTTP method and the format chosen
by the test. Both under both signature schemes: V3 (ACS3-HMAC-SHA256, the SDK's default) and
V1 (HMAC-SHA1, `signature_algorithm = "v2"`).
"""

import json
import time
import urllib.error
import urllib.request

import pytest
from alibabacloud_live20161101 import models as live
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from darabonba.runtime import RuntimeOptions
from live_emulator import (KEY_A, KEY_B, TEMPLATE, TEMPLATE_1080P, at_a_fresh_real_second, running_emulator,
                           stop, utc, xml_document)

SIGNATURES = pytest.mark.parametrize("v1", [False, True], ids=["v3-signature", "v1-signature"])


def refused(call, code, status):
    """Runs `call`, which must fail with `code` and HTTP `status` through the SDK."""
    with pytest.raises(AlibabaCloudException) as caught:
        call()
    assert caught.value.code == code, caught.value
    assert caught.value.status_code == status, caught.value
    return caught.value


def rpc(client, action, params, method="POST", fmt=None, headers=None):
    """One call through the SDK's generic `call_api`, built as the generated methods build
    theirs, with the HTTP method chosen here: a GET carries the parameters in its query, a
    POST in a form body (which V1 signs field by field and V3 hashes whole). With `fmt` the
    call asks for that format (`Format` in the query, signed under both schemes) and gets the
    raw text back; without it the SDK parses the JSON. Returns `{"body","headers","statusCode"}`.
    """
    query = {"Format": fmt} if fmt else {}
    body = None
    if method == "GET":
        query.update(params)
    else:
        body = dict(params)
    request = open_api_models.OpenApiRequest(query=query, body=body, headers=headers)
    operation = open_api_models.Params(
        action=action,
        version="2016-11-01",
        protocol="HTTP",
        pathname="/",
        method=method,
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="string" if fmt else "json",
    )
    return client.call_api(operation, request, RuntimeOptions())


def xml_reply(reply, root):
    """The XML document of an `rpc` reply asked for in XML (see xml_document)."""
    return xml_document(reply["headers"]["content-type"], reply["body"], root)


def create_job(client, cluster, name="news"):
    return client.create_edge_transcode_job(
        live.CreateEdgeTranscodeJobRequest(
            cluster_id=cluster,
            name=name,
            template_id=TEMPLATE,
            stream_input="rtmp://ingest.example.com/live/news",
            stream_output="rtmp://push.example.com/live/news_hd",
        )
    ).body.job_id


def create_task(client, emulator, dst="rtmp://push.example.com/live/a", start_in=3600, length=7200,
                callback_url=None, source_type="url", retry_count=None):
    start, end = emulator.window(start_in, length)
    request = live.CreateLivePullToPushRequest(
        region="cn-shanghai",
        task_name="replay",
        start_time=start,
        end_time=end,
        source_type=source_type,
        dst_url=dst,
        callback_url=callback_url,
        retry_count=retry_count,
    )
    if source_type == "live":
        request.source_protocol = "rtmp"
        request.source_urls = ["rtmp://pull.example.com/live/source"]
    else:
        request.source_urls = ["https://cdn.example.com/a.mp4", "https://cdn.example.com/b.flv"]
    reply = client.create_live_pull_to_push(request).body
    assert reply.ret_code == 0 and reply.description == "OK"
    return reply.task_id


def task_ref(kind, task_id, region="cn-shanghai"):
    return kind(task_id=task_id, region=region)


# ---- edge transcoding: all nine operations ------------------------------------------------


@SIGNATURES
def test_edge_job_through_its_whole_life(emulator, v1):
    client = emulator.client(v1=v1)
    cluster = "cluster-v1" if v1 else "cluster-v3"
    job_id = create_job(client, cluster)
    assert len(job_id) == 32

    job = client.get_edge_transcode_job(
        live.GetEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id)
    ).body.job
    assert (job.job_id, job.name, job.status, job.type) == (job_id, "news", "0", "common")
    assert job.template_name == "common-h264-720p"

    client.start_edge_transcode_job(live.StartEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id))
    refused(
        lambda: client.update_edge_transcode_job(
            live.UpdateEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id, template_id=TEMPLATE_1080P)
        ),
        "OperationDenied", 403,
    )
    stopped = client.stop_edge_transcode_job(live.StopEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id))
    assert stopped.body.job_id == job_id
    client.update_edge_transcode_job(
        live.UpdateEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id, template_id=TEMPLATE_1080P)
    )

    listed = client.list_edge_transcode_job(live.ListEdgeTranscodeJobRequest(cluster_id=cluster)).body
    assert listed.total_count == 1
    (only,) = listed.job_list.job
    assert only.template_id == TEMPLATE_1080P and only.last_start_at and only.last_stop_at

    client.delete_edge_transcode_job(live.DeleteEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id))
    refused(
        lambda: client.get_edge_transcode_job(live.GetEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id)),
        "JobNotFound", 404,
    )


def test_edge_templates(emulator):
    client = emulator.client()
    template = client.get_edge_transcode_template(
        live.GetEdgeTranscodeTemplateRequest(cluster_id="c1", template_id=TEMPLATE)
    ).body.template
    assert (template.name, template.codec, template.resolution) == ("common-h264-720p", "H.264", "1280*720")
    listed = client.list_edge_transcode_template(
        live.ListEdgeTranscodeTemplateRequest(cluster_id="c1", video_codec="H.265", sort_by="asc")
    ).body
    assert listed.total_count == 3
    assert all(t.codec == "H.265" for t in listed.template_list.template)
    refused(
        lambda: client.get_edge_transcode_template(
            live.GetEdgeTranscodeTemplateRequest(cluster_id="c1", template_id="no-such-template")
        ),
        "TemplateNotFound", 404,
    )


def test_edge_validation_errors(emulator):
    client = emulator.client()
    refused(lambda: client.get_edge_transcode_job(live.GetEdgeTranscodeJobRequest(cluster_id="c1")),
            "MissingParameter", 400)
    refused(
        lambda: client.create_edge_transcode_job(live.CreateEdgeTranscodeJobRequest(
            cluster_id="c1", name="has space", template_id=TEMPLATE,
            stream_input="rtmp://a.example.com/live/s", stream_output="rtmp://b.example.com/live/s")),
        "InvalidParameter", 400,
    )
    refused(
        lambda: client.list_edge_transcode_job(live.ListEdgeTranscodeJobRequest(cluster_id="c1", page_size=101)),
        "InvalidParameter", 400,
    )


# ---- pull-to-push: all seven operations, and a whole life under the manual clock ----------


def test_task_lifecycle_with_callbacks(emulator, receiver):
    client = emulator.client()
    task_id = create_task(client, emulator, dst="rtmp://push.example.com/live/life",
                          callback_url=receiver.url + "/hook")
    describe = lambda: client.describe_live_pull_to_push(
        task_ref(live.DescribeLivePullToPushRequest, task_id)).body
    first = describe()
    assert first.task_status == 0 and first.task_info.callback_url == receiver.url + "/hook"
    assert first.task_info.source_urls == ["https://cdn.example.com/a.mp4", "https://cdn.example.com/b.flv"]

    # Stop before the start: documented no-op.
    client.stop_live_pull_to_push(task_ref(live.StopLivePullToPushRequest, task_id))
    assert describe().task_status == 0

    emulator.advance(3600)  # StartTime
    assert describe().task_status == 1
    refused(
        lambda: client.update_live_pull_to_push(live.UpdateLivePullToPushRequest(
            task_id=task_id, region="cn-shanghai", offset=30)),
        "CodeTaskHasStarted", 400,
    )
    client.update_live_pull_to_push(live.UpdateLivePullToPushRequest(
        task_id=task_id, region="cn-shanghai", repeat_number=2))

    assert emulator.fault(task_id, "pull")["TaskId"] == task_id
    assert describe().task_status == 2
    emulator.fault(task_id, "recover")
    assert describe().task_status == 1

    stopped = client.stop_live_pull_to_push(task_ref(live.StopLivePullToPushRequest, task_id)).body
    assert stopped.task_id == task_id
    refused(lambda: client.stop_live_pull_to_push(task_ref(live.StopLivePullToPushRequest, task_id)),
            "CodeTaskHasStopped", 400)
    client.update_live_pull_to_push(live.UpdateLivePullToPushRequest(
        task_id=task_id, region="cn-shanghai", file_index=1, offset=30))
    emulator.advance(1)
    client.restart_live_pull_to_push(task_ref(live.RestartLivePullToPushRequest, task_id))
    running = describe()
    assert (running.task_status, running.current_file_index, running.current_offset) == (1, 1, 30)

    emulator.advance(7200)  # past EndTime
    exited = describe()
    assert (exited.task_status, exited.task_exit_reason) == (-1, "OverEndTime")
    assert exited.task_exit_time > 0

    states = [c["body"]["Status"] for c in receiver.wait_for(6)]
    assert states == ["Running", "Recovering", "Running", "Offline", "Running", "Exit"], states
    assert all(c["path"] == "/hook" and c["body"]["TaskId"] == task_id for c in receiver.received)


@SIGNATURES
def test_task_runs_from_start_time_to_end_time(emulator, v1):
    """Scheduled until StartTime, running from it, exited at EndTime: each change at its
    second of the manual clock, seen by Describe and DescribeList alike."""
    client = emulator.client(v1=v1)
    stream = "timed-v1" if v1 else "timed-v3"
    task_id = create_task(client, emulator, dst=f"rtmp://push.example.com/live/{stream}",
                          start_in=600, length=1200)
    info = client.describe_live_pull_to_push(task_ref(live.DescribeLivePullToPushRequest, task_id)).body
    start, end = info.task_info.start_time, info.task_info.end_time

    def status():
        one = client.describe_live_pull_to_push(task_ref(live.DescribeLivePullToPushRequest, task_id)).body
        (listed,) = client.describe_live_pull_to_push_list(live.DescribeLivePullToPushListRequest(
            region="cn-shanghai", task_id=task_id)).body.task_list
        assert listed.task_status == one.task_status
        return one

    assert status().task_status == 0
    emulator.advance(599)
    assert status().task_status == 0  # one second before StartTime
    assert emulator.advance(1) == start
    assert status().task_status == 1
    emulator.advance(1199)
    running = status()
    assert running.task_status == 1 and running.task_exit_reason is None  # one second before EndTime
    assert emulator.advance(1) == end
    exited = status()
    assert (exited.task_status, exited.task_exit_reason) == (-1, "OverEndTime")
    assert exited.task_exit_time == int(utc(end).timestamp())
    refused(lambda: client.restart_live_pull_to_push(task_ref(live.RestartLivePullToPushRequest, task_id)),
            "CodeTaskNotExist", 400)


def test_task_list_delete_and_errors(emulator):
    client = emulator.client()
    live_task = create_task(client, emulator, dst="rtmp://push.example.com/live/listed", source_type="live")
    listed = client.describe_live_pull_to_push_list(live.DescribeLivePullToPushListRequest(
        region="cn-shanghai", dst_url="live/listed")).body
    assert listed.total == 1 and listed.task_list[0].task_id == live_task
    assert listed.task_list[0].task_info.source_protocol == "rtmp"

    # The docs say a second task on one destination fails to ingest, not that the call is
    # refused: a default emulator takes it; `--strict` refuses it (docs/fidelity.md).
    second = create_task(client, emulator, dst="rtmp://push.example.com/live/listed")
    client.delete_live_pull_to_push(task_ref(live.DeleteLivePullToPushRequest, second))
    with running_emulator(None, "--strict", keys=(KEY_A,), kind=type(emulator)) as strict:
        strict_client = strict.client()
        create_task(strict_client, strict, dst="rtmp://push.example.com/live/listed")
        refused(lambda: create_task(strict_client, strict, dst="rtmp://push.example.com/live/listed"),
                "CodeDstUrlOccupied", 400)
    refused(lambda: create_task(client, emulator, dst="rtmp://push.example.com/live/x", length=0),
            "InvalidParam.CodeIllegalDuration", 400)
    refused(lambda: client.describe_live_pull_to_push(
        task_ref(live.DescribeLivePullToPushRequest, live_task, region="cn-beijing")),
        "CodeTaskNotExist", 400)

    deleted = client.delete_live_pull_to_push(task_ref(live.DeleteLivePullToPushRequest, live_task)).body
    assert deleted.ret_code == 0
    emulator.advance(1)
    refused(lambda: client.restart_live_pull_to_push(task_ref(live.RestartLivePullToPushRequest, live_task)),
            "CodeTaskNotExist", 400)
    gone = client.describe_live_pull_to_push(task_ref(live.DescribeLivePullToPushRequest, live_task)).body
    assert (gone.task_status, gone.task_exit_reason) == (-1, "TriggerByUser")


# ---- every operation by GET and by POST, under both signatures ----------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@SIGNATURES
def test_all_sixteen_operations(emulator, method, v1):
    client = emulator.client(v1=v1)
    name = f"walk-{method.lower()}-{'v1' if v1 else 'v3'}"
    call = lambda action, **params: rpc(client, action, params, method)["body"]

    templates = call("ListEdgeTranscodeTemplate", ClusterId=name, PageSize="100")
    assert templates["TotalCount"] == len(templates["TemplateList"]["Template"]) > 1
    template = call("GetEdgeTranscodeTemplate", ClusterId=name, TemplateId=TEMPLATE)["Template"]
    assert (template["TemplateId"], template["Name"]) == (TEMPLATE, "common-h264-720p")

    job_id = call("CreateEdgeTranscodeJob", ClusterId=name, Name=name, TemplateId=TEMPLATE,
                  StreamInput="rtmp://ingest.example.com/live/walk",
                  StreamOutput="rtmp://push.example.com/live/walk_hd")["JobId"]
    job_ref = {"ClusterId": name, "JobId": job_id}
    assert call("UpdateEdgeTranscodeJob", **job_ref, TemplateId=TEMPLATE_1080P)["JobId"] == job_id
    assert call("StartEdgeTranscodeJob", **job_ref)["JobId"] == job_id
    job = call("GetEdgeTranscodeJob", **job_ref)["Job"]
    assert (job["Status"], job["TemplateId"], job["Name"]) == ("1", TEMPLATE_1080P, name)
    listed = call("ListEdgeTranscodeJob", ClusterId=name, Status="1")
    assert listed["TotalCount"] == 1 and listed["JobList"]["Job"][0]["JobId"] == job_id
    assert call("StopEdgeTranscodeJob", **job_ref)["JobId"] == job_id
    assert set(call("DeleteEdgeTranscodeJob", **job_ref)) == {"RequestId"}
    refused(lambda: call("GetEdgeTranscodeJob", **job_ref), "JobNotFound", 404)

    start, end = emulator.window(60, 3600)
    created = call("CreateLivePullToPush", Region="cn-beijing", TaskName=name, StartTime=start,
                   EndTime=end, SourceType="url", DstUrl=f"rtmp://push.example.com/live/{name}",
                   SourceUrls='["https://cdn.example.com/a.mp4"]')
    assert (created["RetCode"], created["Description"]) == (0, "OK")
    task_ref = {"Region": "cn-beijing", "TaskId": created["TaskId"]}
    updated = call("UpdateLivePullToPush", **task_ref, RepeatNumber="2",
                   SourceUrls='["https://cdn.example.com/a.mp4","https://cdn.example.com/b.flv"]')
    assert updated["RetCode"] == 0
    task = call("DescribeLivePullToPush", **task_ref)
    assert task["TaskStatus"] == 0 and task["TaskInfo"]["RepeatNumber"] == 2
    assert task["TaskInfo"]["SourceUrls"] == ["https://cdn.example.com/a.mp4", "https://cdn.example.com/b.flv"]
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


# ---- refusals ------------------------------------------------------------------------------


@SIGNATURES
def test_refusals_under_both_signatures(emulator, v1):
    """Not found, wrong state and a missing parameter, of each family."""
    client = emulator.client(v1=v1)
    cluster = "refusals-v1" if v1 else "refusals-v3"
    refused(lambda: client.get_edge_transcode_job(
        live.GetEdgeTranscodeJobRequest(cluster_id=cluster, job_id="no-such-job")), "JobNotFound", 404)
    job_id = create_job(client, cluster)
    refused(lambda: client.stop_edge_transcode_job(
        live.StopEdgeTranscodeJobRequest(cluster_id=cluster, job_id=job_id)), "OperationDenied", 403)
    refused(lambda: client.start_edge_transcode_job(live.StartEdgeTranscodeJobRequest(job_id=job_id)),
            "MissingParameter", 400)

    refused(lambda: client.describe_live_pull_to_push(
        task_ref(live.DescribeLivePullToPushRequest, "no-such-task")), "CodeTaskNotExist", 400)
    task_id = create_task(client, emulator, dst=f"rtmp://push.example.com/live/{cluster}", start_in=60)
    emulator.advance(60)
    refused(lambda: client.update_live_pull_to_push(live.UpdateLivePullToPushRequest(
        task_id=task_id, region="cn-shanghai", source_urls=["https://cdn.example.com/c.mp4"])),
        "CodeTaskHasStarted", 400)
    client.stop_live_pull_to_push(task_ref(live.StopLivePullToPushRequest, task_id))
    refused(lambda: client.stop_live_pull_to_push(task_ref(live.StopLivePullToPushRequest, task_id)),
            "CodeTaskHasStopped", 400)
    refused(lambda: client.create_live_pull_to_push(live.CreateLivePullToPushRequest(
        region="cn-shanghai", source_type="url", source_urls=["https://cdn.example.com/a.mp4"],
        start_time=emulator.now, end_time=emulator.window(60, 60)[1])),
        "MissingParameter", 400)


# ---- XML -----------------------------------------------------------------------------------


@SIGNATURES
def test_xml_replies(emulator, v1):
    """`Format=XML` through `call_api`: the SDK returns the text, parsed here. The generated
    methods cannot ask for XML (V1 sends `Format=json`, V3 sends no Format)."""
    client = emulator.client(v1=v1)
    cluster = "xml-v1" if v1 else "xml-v3"
    first, second = create_job(client, cluster, "first"), create_job(client, cluster, "second")

    job = xml_reply(rpc(client, "GetEdgeTranscodeJob", {"ClusterId": cluster, "JobId": first}, fmt="XML"),
                    "GetEdgeTranscodeJobResponse")
    assert (job.findtext("Job/JobId"), job.findtext("Job/Name"), job.findtext("Job/Status")) == (first, "first", "0")
    assert job.findtext("Job/TemplateName") == "common-h264-720p"

    # Any case of the value; an object-wrapped list is the wrapper holding one element each.
    jobs = xml_reply(rpc(client, "ListEdgeTranscodeJob", {"ClusterId": cluster, "SortBy": "asc"},
                         method="GET", fmt="xml"), "ListEdgeTranscodeJobResponse")
    assert jobs.findtext("TotalCount") == "2"
    assert [j.findtext("JobId") for j in jobs.findall("JobList/Job")] == [first, second]
    assert len(jobs.findall("JobList")) == 1

    templates = xml_reply(rpc(client, "ListEdgeTranscodeTemplate", {"ClusterId": cluster, "VideoCodec": "H.265"},
                              fmt="XML"), "ListEdgeTranscodeTemplateResponse")
    codecs = [t.findtext("Codec") for t in templates.findall("TemplateList/Template")]
    assert codecs == ["H.265"] * int(templates.findtext("TotalCount")) and codecs

    # A flat array is its element repeated: TaskList, and SourceUrls inside TaskInfo.
    urls = ["https://cdn.example.com/a.mp4", "https://cdn.example.com/b.flv"]
    task_id = create_task(client, emulator, dst=f"rtmp://push.example.com/live/{cluster}")
    task = xml_reply(rpc(client, "DescribeLivePullToPush", {"Region": "cn-shanghai", "TaskId": task_id},
                         method="GET", fmt="XML"), "DescribeLivePullToPushResponse")
    assert (task.findtext("TaskId"), task.findtext("TaskStatus"), task.findtext("RetCode")) == (task_id, "0", "0")
    assert [u.text for u in task.findall("TaskInfo/SourceUrls")] == urls
    listed = xml_reply(rpc(client, "DescribeLivePullToPushList", {"Region": "cn-shanghai", "TaskId": task_id},
                           method="GET", fmt="XML"), "DescribeLivePullToPushListResponse")
    (entry,) = listed.findall("TaskList")
    assert (listed.findtext("Total"), entry.findtext("TaskId")) == ("1", task_id)
    assert [u.text for u in entry.findall("TaskInfo/SourceUrls")] == urls

    # Format=JSON asked for explicitly is JSON.
    as_json = rpc(client, "GetEdgeTranscodeJob", {"ClusterId": cluster, "JobId": first}, fmt="JSON")
    assert as_json["headers"]["content-type"].startswith("application/json"), as_json["headers"]
    assert json.loads(as_json["body"])["Job"]["JobId"] == first


def test_xml_errors_reach_the_sdk(emulator):
    """An XML error: the V3 path of the SDK reads `<Error>` when the Content-Type is exactly
    `text/xml;charset=utf-8`, and raises it with its code and status. (Its V1 path reads every
    error body as JSON, so a V1 client cannot take XML errors; the older SDK's suite reads them
    as text.)"""
    client = emulator.client()
    refused(lambda: rpc(client, "GetEdgeTranscodeJob", {"ClusterId": "xml-errors", "JobId": "no-such-job"},
                        fmt="XML"), "JobNotFound", 404)
    refused(lambda: rpc(client, "DescribeLivePullToPush", {"Region": "cn-shanghai", "TaskId": "no-such-task"},
                        method="GET", fmt="XML"), "CodeTaskNotExist", 400)
    refused(lambda: rpc(client, "GetEdgeTranscodeJob", {"ClusterId": "xml-errors"}, fmt="XML"),
            "MissingParameter", 400)
    wrong = emulator.client(secret="not-the-secret")
    refused(lambda: rpc(wrong, "ListEdgeTranscodeJob", {"ClusterId": "xml-errors"}, fmt="XML"),
            "SignatureDoesNotMatch", 400)


# ---- where the action comes from ---------------------------------------------------------


def test_v1_takes_its_action_from_the_signed_parameter(emulator):
    """A V1 signature covers the `Action` parameter and no header: an `x-acs-action` header
    naming another operation is ignored."""
    client = emulator.client(v1=True)
    job_id = create_job(client, "action-v1")
    job_ref = {"ClusterId": "action-v1", "JobId": job_id}
    reply = rpc(client, "GetEdgeTranscodeJob", job_ref, method="GET",
                headers={"x-acs-action": "DeleteEdgeTranscodeJob"})["body"]
    assert reply["Job"]["JobId"] == job_id
    assert client.get_edge_transcode_job(
        live.GetEdgeTranscodeJobRequest(cluster_id="action-v1", job_id=job_id)).body.job.status == "0"


# ---- throttling: per account and operation, on the real clock ----------------------------


def test_each_pull_to_push_operation_has_its_own_limit(throttled_emulator):
    """Seven operations, two calls each, in one real second: 14 calls, all answered."""
    client = throttled_emulator.client()
    start, end = throttled_emulator.window(3600, 3600)

    def create(stream):
        return client.create_live_pull_to_push(live.CreateLivePullToPushRequest(
            region="cn-shanghai", start_time=start, end_time=end, source_type="url",
            source_urls=["https://cdn.example.com/a.mp4"], dst_url=f"rtmp://push.example.com/live/{stream}",
        )).body.task_id

    second = at_a_fresh_real_second()
    tasks = [create("own-limit-1"), create("own-limit-2")]
    for task_id in tasks:
        client.update_live_pull_to_push(live.UpdateLivePullToPushRequest(
            task_id=task_id, region="cn-shanghai", repeat_number=1))
    for task_id in tasks:
        assert client.describe_live_pull_to_push(
            task_ref(live.DescribeLivePullToPushRequest, task_id)).body.task_info.repeat_number == 1
    for _ in tasks:
        client.describe_live_pull_to_push_list(live.DescribeLivePullToPushListRequest(region="cn-shanghai"))
    for kind, method in [(live.StopLivePullToPushRequest, client.stop_live_pull_to_push),
                         (live.RestartLivePullToPushRequest, client.restart_live_pull_to_push),
                         (live.DeleteLivePullToPushRequest, client.delete_live_pull_to_push)]:
        for task_id in tasks:
            method(task_ref(kind, task_id))
    assert int(time.time()) == second, "the 14 calls took more than one real second; nothing was shown"


@SIGNATURES
def test_throttling_of_one_operation(throttled_emulator, v1):
    """Ten calls of one operation in a real second are answered, the eleventh is refused; the
    next operation, the next account and the next second are counted apart."""
    a, b = throttled_emulator.client(KEY_A, v1=v1), throttled_emulator.client(KEY_B, v1=v1)
    request = live.DescribeLivePullToPushListRequest(region="cn-beijing")
    second = at_a_fresh_real_second()
    for _ in range(10):
        a.describe_live_pull_to_push_list(request)
    refused(lambda: a.describe_live_pull_to_push_list(request), "Throttling.User", 400)
    refused(lambda: a.describe_live_pull_to_push(task_ref(live.DescribeLivePullToPushRequest, "no-such-task")),
            "CodeTaskNotExist", 400)
    assert b.describe_live_pull_to_push_list(request).body.total == 0
    assert int(time.time()) == second, "the calls took more than one real second; nothing was shown"
    at_a_fresh_real_second()
    assert a.describe_live_pull_to_push_list(request).body.total == 0


# ---- tenancy and authentication ---------------------------------------------------------


def test_accounts_do_not_see_each_other(emulator):
    a, b = emulator.client(KEY_A), emulator.client(KEY_B)
    job_id = create_job(a, "shared-cluster")
    refused(lambda: b.get_edge_transcode_job(
        live.GetEdgeTranscodeJobRequest(cluster_id="shared-cluster", job_id=job_id)), "JobNotFound", 404)
    assert b.list_edge_transcode_job(live.ListEdgeTranscodeJobRequest(cluster_id="shared-cluster")).body.total_count == 0
    task_id = create_task(a, emulator, dst="rtmp://push.example.com/live/tenancy")
    refused(lambda: b.describe_live_pull_to_push(task_ref(live.DescribeLivePullToPushRequest, task_id)),
            "CodeTaskNotExist", 400)


@SIGNATURES
def test_a_wrong_secret_is_refused(emulator, v1):
    client = emulator.client(KEY_A, secret="not-the-secret", v1=v1)
    refused(lambda: client.list_edge_transcode_job(live.ListEdgeTranscodeJobRequest(cluster_id="c1")),
            "SignatureDoesNotMatch", 400)


def test_an_unknown_key_is_refused(emulator):
    client = emulator.client(("LTAInobodyHasThisKey", "whatever"))
    refused(lambda: client.list_edge_transcode_job(live.ListEdgeTranscodeJobRequest(cluster_id="c1")),
            "InvalidAccessKeyId.NotFound", 404)


def test_unknown_action_is_answered_before_the_signature(emulator):
    url = f"http://{emulator.endpoint}/?Action=NoSuchAction&Version=2016-11-01&Signature=bogus"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url + "&Format=JSON", timeout=10)
    assert caught.value.code == 404
    assert json.loads(caught.value.read())["Code"] == "InvalidAction.NotFound"
    # A V1 request without `Format` is answered in XML, as Live's common parameters say.
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=10)
    assert caught.value.code == 404
    assert caught.value.headers["Content-Type"] == "text/xml;charset=utf-8"
    assert "<Code>InvalidAction.NotFound</Code>" in caught.value.read().decode()


def test_state_survives_a_restart(tmp_path):
    """--state FILE: written at shutdown (SIGTERM), read at the next start."""
    from conftest import SdkEmulator

    state = tmp_path / "state.json"
    options = ("--state", str(state))
    with running_emulator(None, *options, keys=(KEY_A,), kind=SdkEmulator) as first:
        job_id = create_job(first.client(), "persisted")
        assert stop(first.process) == 0
    assert state.exists()
    with running_emulator(None, *options, keys=(KEY_A,), kind=SdkEmulator) as second:
        job = second.client().get_edge_transcode_job(
            live.GetEdgeTranscodeJobRequest(cluster_id="persisted", job_id=job_id)).body.job
        assert job.name == "news"
