"""Fixtures of the older SDK's suite (aliyun-python-sdk-live on aliyun-python-sdk-core).

The emulator process, its control endpoints and the fixtures `emulator`, `throttled_emulator`
and `receiver` come from tests/sdk_support/live_emulator.py, shared with the new SDK's suite
in tests/sdk; this file adds the SDK's client.
"""

import json
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk_support"))

from aliyunsdkcore.client import AcsClient  # noqa: E402
from live_emulator import KEY_A, TIMEOUT, Emulator, emulator_fixtures, receiver  # noqa: E402, F401


class Legacy:
    """An AcsClient aimed at the emulator. The SDK signs every request with V1 (HMAC-SHA1)
    and sends each operation's parameters in the query, whatever the method."""

    def __init__(self, emulator, key, secret):
        # No automatic retries: a refusal is what the test looks at.
        self.acs = AcsClient(key[0], secret, region_id="cn-shanghai", auto_retry=False,
                             port=emulator.port, connect_timeout=5, timeout=TIMEOUT)

    @staticmethod
    def _aim(request, method):
        # The request classes name the public endpoint and, for pull-to-push, HTTPS.
        request.set_endpoint("127.0.0.1")
        request.set_protocol_type("http")
        if method:
            request.set_method(method)
        return request

    def call(self, request, method=None):
        """The JSON reply as a dict, the way an application calls: `do_action_with_exception`
        (which always asks for JSON), raising ServerException on a refusal."""
        return json.loads(self.acs.do_action_with_exception(self._aim(request, method)))

    def raw(self, request, method=None, accept_format=None):
        """`(status, headers, body)` of the request with `Format` as given (None: no `Format`
        at all), through `get_response`, which leaves the format alone and returns the body
        as sent; it is deprecated, hence the warning filter."""
        request.set_accept_format(accept_format)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return self.acs.get_response(self._aim(request, method))


class LegacyEmulator(Emulator):
    def client(self, key=KEY_A, secret=None):
        return Legacy(self, key, secret if secret is not None else key[1])


emulator, throttled_emulator = emulator_fixtures("sdk_legacy", LegacyEmulator)
