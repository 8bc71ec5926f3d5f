import warnings

from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Camera ingest"

    def ready(self) -> None:
        import weasyprint.images  # noqa: F401  (see below)
        from PIL import Image, ImageFile

        from ingest.conf import setting

        # WeasyPrint (the PDF reports) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported,
        # after which every decode silently accepts a truncated photo (ING-3). Import it now, once, and
        # turn the flag back off: nothing here needs truncated images loaded.
        ImageFile.LOAD_TRUNCATED_IMAGES = False

        # Decompression bombs (ING-3): Pillow refuses images above the limit, and its warning for
        # images near it becomes an error. ingest.validation also checks the size before decoding.
        Image.MAX_IMAGE_PIXELS = setting("INGEST_MAX_PIXELS")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
