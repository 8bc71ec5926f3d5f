"""ING-3 in a process that also renders PDF reports: WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on
when imported, which would let truncated photos through; the ingest app turns it off again."""
import importlib

import pytest
from PIL import ImageFile

from ingest.errors import BadUpload
from ingest.validation import check_image


@pytest.mark.rule("ING-3")
def test_a_truncated_photo_is_refused_after_the_pdf_renderer_is_loaded(photo):
    importlib.import_module("weasyprint")
    importlib.import_module("reports.reporting.render")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    check_image(photo)
    with pytest.raises(BadUpload, match="truncated or corrupt"):
        check_image(photo[: len(photo) * 2 // 3])
