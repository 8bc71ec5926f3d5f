"""`manage.py read_plates`: what operators run to check a camera's angle."""
import io
import json

import pytest
from django.core.management import CommandError, call_command

from ingest.synthetic import plate_photo


@pytest.mark.rule("ING-1")
def test_read_plates_prints_one_json_line_per_photo_with_boxes_and_candidates(tmp_path):
    photos = []
    for number, text in enumerate(["7ABC123", "KRN5562"]):
        photo = tmp_path / f"camera-{number}.jpg"
        photo.write_bytes(plate_photo(text, seed=number))
        photos.append(photo)
    out = io.StringIO()
    call_command("read_plates", *map(str, photos), "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    assert [line["file"] for line in lines] == [str(photo) for photo in photos]
    for line in lines:
        assert line["seconds"] >= 0
        assert line["plates"], "the synthetic plate should be found"
        best = line["plates"][0]
        assert len(best["box"]) == 4 and best["text"] and 0 <= best["confidence"] <= 1
        assert {"text", "confidence"} <= set(best["candidates"][0])


def test_read_plates_refuses_a_file_that_is_not_a_photo(tmp_path):
    not_a_photo = tmp_path / "notes.txt"
    not_a_photo.write_text("not an image")
    with pytest.raises(CommandError, match=r"notes\.txt is not a JPEG or PNG photo"):
        call_command("read_plates", str(not_a_photo), "--json", stdout=io.StringIO())
