"""The gateway's side of a call, by hand-signed V1 requests: where the action comes from, and
the format of the reply. Signed as the V1 (HMAC-SHA1) scheme documents it, so that a header
the signature does not cover can be added in flight."""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

from alibabacloud_live20161101 import models as live

from conftest import KEY_A
from test_sdk import create_job


def quote(text):
    return urllib.parse.quote(text, safe="~")


def v1_url(emulator, params, key=KEY_A):
    """The URL of a GET request carrying `params`, signed with V1 by `key`."""
    params = dict(params)
    params.update({
        "Version": "2016-11-01",
        "AccessKeyId": key[0],
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex,
        "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    canonical = "&".join(f"{quote(k)}={quote(v)}" for k, v in sorted(params.items()))
    to_sign = f"GET&{quote('/')}&{quote(canonical)}"
    digest = hmac.new(f"{key[1]}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    params["Signature"] = base64.b64encode(digest).decode()
    return f"http://{emulator.endpoint}/?{urllib.parse.urlencode(params)}"


def send(url, headers=None):
    """(status, content type, body) of a GET."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


def test_a_v1_request_takes_its_action_from_the_signed_parameter_only(emulator):
    client = emulator.client()
    job_id = create_job(client, "gateway-cluster")
    # A signed Get, with an unsigned header naming Delete added in flight: the Get runs.
    url = v1_url(emulator, {"Action": "GetEdgeTranscodeJob", "Format": "JSON",
                            "ClusterId": "gateway-cluster", "JobId": job_id})
    status, _, body = send(url, {"x-acs-action": "DeleteEdgeTranscodeJob"})
    assert status == 200, body
    assert json.loads(body)["Job"]["JobId"] == job_id
    kept = client.get_edge_transcode_job(
        live.GetEdgeTranscodeJobRequest(cluster_id="gateway-cluster", job_id=job_id))
    assert kept.body.job.job_id == job_id
    # A header spelled as @alicloud/pop-core spells it (first letter lower-cased).
    url = v1_url(emulator, {"Action": "ListEdgeTranscodeJob", "Format": "JSON",
                            "ClusterId": "gateway-cluster"})
    status, _, body = send(url, {"x-acs-action": "listEdgeTranscodeJob"})
    assert status == 200, body
    assert json.loads(body)["TotalCount"] == 1


def test_a_v1_request_is_answered_in_xml_unless_it_asks_for_json(emulator):
    params = {"Action": "ListEdgeTranscodeTemplate", "ClusterId": "c1", "Type": "nbhd-2"}
    status, content_type, body = send(v1_url(emulator, params))
    assert (status, content_type) == (200, "text/xml;charset=utf-8")
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><ListEdgeTranscodeTemplateResponse>')
    assert body.count("<Template>") == 2 and "<TotalCount>2</TotalCount>" in body
    status, content_type, body = send(v1_url(emulator, {**params, "Format": "json"}))
    assert (status, content_type) == (200, "application/json;charset=utf-8")
    assert json.loads(body)["TotalCount"] == 2
    # Refusals follow the same format, the gateway's (a wrong secret) and the operation's.
    status, content_type, body = send(v1_url(emulator, params, key=(KEY_A[0], "wrong")))
    assert (status, content_type) == (400, "text/xml;charset=utf-8")
    assert "<Code>SignatureDoesNotMatch</Code>" in body
    missing = {"Action": "GetEdgeTranscodeJob", "ClusterId": "c1", "Format": "XML"}
    status, content_type, body = send(v1_url(emulator, missing))
    assert (status, content_type) == (400, "text/xml;charset=utf-8")
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>')
    assert "<Code>MissingParameter</Code>" in body


def test_shutdown_does_not_wait_for_an_idle_keep_alive_connection():
    """SIGTERM closes idle connections at once: the 5 s grace is for requests in flight."""
    import http.client
    import time

    from live_emulator import running_emulator, stop

    with running_emulator(None) as emulator:
        connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
        connection.request("GET", "/?Action=NoSuchAction&Format=JSON")
        reply = connection.getresponse()
        reply.read()
        assert reply.status == 404 and not reply.will_close
        started = time.monotonic()
        assert stop(emulator.process) == 0
        assert time.monotonic() - started < 3
        connection.close()
