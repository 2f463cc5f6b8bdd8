"""Fixtures of the new-SDK suite (alibabacloud_live20161101 on tea-openapi).

The emulator process, its control endpoints and the fixtures `emulator`, `throttled_emulator`
and `receiver` come from tests/sdk_support/live_emulator.py, shared with the older SDK's suite
in tests/sdk_legacy; this file adds the SDK's client.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk_support"))

from alibabacloud_live20161101.client import Client  # noqa: E402
from alibabacloud_tea_openapi import models as open_api_models  # noqa: E402
from live_emulator import KEY_A, TIMEOUT, Emulator, emulator_fixtures, receiver  # noqa: E402, F401


class SdkEmulator(Emulator):
    def client(self, key=KEY_A, secret=None, v1=False):
        config = open_api_models.Config(
            access_key_id=key[0],
            access_key_secret=secret if secret is not None else key[1],
            endpoint=self.endpoint,
            protocol="http",
            region_id="cn-shanghai",
            read_timeout=TIMEOUT * 1000,
            connect_timeout=5000,
        )
        if v1:
            # The older RPC scheme: HMAC-SHA1 over the canonicalised query.
            config.signature_algorithm = "v2"
        return Client(config)


emulator, throttled_emulator = emulator_fixtures("sdk", SdkEmulator)
