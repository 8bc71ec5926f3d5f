import warnings

from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Camera ingest"

    def ready(self) -> None:
        from PIL import Image

        from ingest.conf import setting

        # Decompression bombs (ING-3): Pillow refuses images above the limit, and its warning for
        # images near it becomes an error. ingest.validation also checks the size before decoding.
        Image.MAX_IMAGE_PIXELS = setting("INGEST_MAX_PIXELS")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
