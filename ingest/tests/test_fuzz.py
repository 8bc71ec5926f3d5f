"""Throw malformed uploads at every camera endpoint: no 5xx, no partial rows, no orphan files (ING-3)."""
import base64
import io
import json
import shutil

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alpr.models import PlateRead
from ingest.synthetic import plate_photo
from ingest.tests.conftest import UPLOAD_URL, stored_images

pytestmark = pytest.mark.django_db
GOOD_JPEG = plate_photo(size=(160, 100))
GOOD_PNG = plate_photo(size=(160, 100), image_format="PNG")
TRIED = {"count": 0}


def _mangled_images():
    truncated = st.sampled_from([GOOD_JPEG, GOOD_PNG]).flatmap(
        lambda data: st.integers(0, len(data) - 1).map(lambda n: data[:n]))
    # Bytes overwritten somewhere in the header or data, and the tail cut off.
    flipped = st.tuples(st.sampled_from([GOOD_JPEG, GOOD_PNG]), st.integers(20, 400),
                        st.binary(min_size=1, max_size=8))
    flipped = flipped.map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + len(t[2]):][: len(t[0]) // 2])
    magic_then_noise = st.tuples(st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"BM"]),
                                 st.binary(max_size=600)).map(lambda t: t[0] + t[1])
    return st.one_of(st.binary(max_size=800), truncated, flipped, magic_then_noise)


_times = st.one_of(
    st.text(max_size=40),
    st.datetimes().map(lambda moment: moment.isoformat()),  # naive, or absurd years
    st.sampled_from(["", "2026-13-01T00:00:00Z", "2026-02-30T10:00:00+00:00", "9999-12-31T23:59:59+14:00",
                     "0001-01-01T00:00:00+00:00", "1e9", "2026-01-01T00:00:00+99:00"]),
)

_json_bodies = st.one_of(
    st.binary(max_size=300),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                 lambda children: (st.lists(children, max_size=4)
                                   | st.dictionaries(st.text(max_size=10), children, max_size=4)),
                 max_leaves=12).map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries({
        "data_type": st.just("alpr_group"),
        "best_plate_number": st.one_of(st.text(max_size=10), st.integers()),
        "best_uuid": st.one_of(st.text(min_size=1, max_size=20), st.none()),
        "best_confidence": st.one_of(st.floats(allow_nan=True), st.text(max_size=3)),
        "epoch_start": st.one_of(st.integers(), st.floats(), st.text(max_size=5)),
        "best_plate": st.one_of(st.just({}), st.fixed_dictionaries(
            {"plate_crop_jpeg": st.one_of(st.text(max_size=40),
                                          _mangled_images().map(lambda b: base64.b64encode(b).decode()))})),
        "candidates": st.one_of(st.lists(st.dictionaries(st.sampled_from(["plate", "confidence"]),
                                                         st.integers() | st.text(max_size=5)), max_size=3),
                                st.text(max_size=5)),
    }).map(lambda value: json.dumps(value).encode()),
)


@pytest.fixture
def fuzz_media(media_root):
    yield media_root
    print(f"\nfuzz: tried {TRIED['count']} malformed uploads")


@pytest.mark.rule("ING-3")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(endpoint=st.sampled_from(["upload", "openalpr", "plate-reader"]), photo=_mangled_images(),
       captured_at=_times, body=_json_bodies, latitude=st.one_of(st.none(), st.text(max_size=8)))
def test_malformed_uploads_never_5xx_and_never_store_anything(client, cam, fuzz_media, endpoint, photo,
                                                            captured_at, body, latitude):
    TRIED["count"] += 1
    if endpoint == "upload":
        data = {"captured_at": captured_at, "photo": io.BytesIO(photo)}
        if latitude is not None:
            data["latitude"] = latitude
        response = client.post(UPLOAD_URL, data, **cam.auth)
    elif endpoint == "openalpr":
        response = client.post("/api/v1/cameras/openalpr/", body, content_type="application/json", **cam.auth)
    else:
        response = client.post("/v1/plate-reader/", {"upload": io.BytesIO(photo), "timestamp": captured_at},
                               HTTP_AUTHORIZATION=f"Token {cam.key}")
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert response.json()["detail"]
        assert PlateRead.system_objects.count() == 0, "a refused upload left a row"
        assert stored_images() == [], "a refused upload left a file"
    else:  # hypothesis found a valid upload by chance: fine, but clean up for the next example
        PlateRead.system_objects.all().delete()
        shutil.rmtree(fuzz_media, ignore_errors=True)


def test_fuzz_reference_uploads_are_valid(client, cam):
    """The fuzzer's seeds are good photos, so its mutations test the decoder rather than the magic bytes."""
    data = {"captured_at": timezone.now().isoformat(), "photo": io.BytesIO(GOOD_JPEG)}
    assert client.post(UPLOAD_URL, data, **cam.auth).status_code == 202
