"""The emulator, driven by Alibaba's official Python SDK exactly as an application would."""

import pytest
from alibabacloud_live20161101 import models as live
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from conftest import KEY_A, KEY_B

TEMPLATE = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01"
TEMPLATE_1080P = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c02"


def refused(call, code, status):
    """Runs `call`, which must fail with `code` and HTTP `status` through the SDK."""
    with pytest.raises(AlibabaCloudException) as caught:
        call()
    assert caught.value.code == code, caught.value
    assert caught.value.status_code == status, caught.value
    return caught.value


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
    from datetime import datetime, timedelta, timezone

    now = datetime.strptime(emulator.now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    request = live.CreateLivePullToPushRequest(
        region="cn-shanghai",
        task_name="replay",
        start_time=fmt(now + timedelta(seconds=start_in)),
        end_time=fmt(now + timedelta(seconds=start_in + length)),
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


@pytest.mark.parametrize("v1", [False, True], ids=["v3-signature", "v1-signature"])
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


def test_task_list_delete_and_errors(emulator):
    client = emulator.client()
    live_task = create_task(client, emulator, dst="rtmp://push.example.com/live/listed", source_type="live")
    listed = client.describe_live_pull_to_push_list(live.DescribeLivePullToPushListRequest(
        region="cn-shanghai", dst_url="live/listed")).body
    assert listed.total == 1 and listed.task_list[0].task_id == live_task
    assert listed.task_list[0].task_info.source_protocol == "rtmp"

    refused(lambda: create_task(client, emulator, dst="rtmp://push.example.com/live/listed"),
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


def test_throttling_of_pull_to_push(emulator):
    """Ten calls of one operation a second per account, on the real clock: the 11th inside
    one real second is refused; the next second admits again."""
    import time

    client = emulator.client()
    request = live.DescribeLivePullToPushListRequest(region="cn-beijing")
    time.sleep(1 - time.time() % 1 + 0.01)  # just after a whole second begins
    for _ in range(10):
        client.describe_live_pull_to_push_list(request)
    refused(lambda: client.describe_live_pull_to_push_list(request), "Throttling.User", 400)
    time.sleep(1 - time.time() % 1 + 0.01)
    assert client.describe_live_pull_to_push_list(request).body.total == 0


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


@pytest.mark.parametrize("v1", [False, True], ids=["v3-signature", "v1-signature"])
def test_a_wrong_secret_is_refused(emulator, v1):
    client = emulator.client(KEY_A, secret="not-the-secret", v1=v1)
    refused(lambda: client.list_edge_transcode_job(live.ListEdgeTranscodeJobRequest(cluster_id="c1")),
            "SignatureDoesNotMatch", 400)


def test_an_unknown_key_is_refused(emulator):
    client = emulator.client(("LTAInobodyHasThisKey", "whatever"))
    refused(lambda: client.list_edge_transcode_job(live.ListEdgeTranscodeJobRequest(cluster_id="c1")),
            "InvalidAccessKeyId.NotFound", 404)


def test_unknown_action_is_answered_before_the_signature(emulator):
    import json
    import urllib.error
    import urllib.request

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
    import subprocess
    import time

    from conftest import Emulator, emulator_binary, free_port

    state = tmp_path / "state.json"

    def start():
        port = free_port()
        process = subprocess.Popen(
            [emulator_binary(), "--listen", f"127.0.0.1:{port}", "--manual-clock", "2030-01-01T09:00:00Z",
             "--access-key", f"{KEY_A[0]}:{KEY_A[1]}", "--state", str(state)],
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process, Emulator(port)
            except OSError:
                assert process.poll() is None and time.time() < deadline, "the emulator did not start"
                time.sleep(0.1)

    import socket

    process, first = start()
    try:
        job_id = create_job(first.client(), "persisted")
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0
    assert state.exists()
    process, second = start()
    try:
        job = second.client().get_edge_transcode_job(
            live.GetEdgeTranscodeJobRequest(cluster_id="persisted", job_id=job_id)).body.job
        assert job.name == "news"
    finally:
        process.terminate()
        process.wait(timeout=15)
