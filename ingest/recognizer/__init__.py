"""Licence-plate recognition: OpenCV morphology finds plate candidates, a small CTC network reads them.

    from ingest.recognizer import recognize
    plates = recognize(jpeg_bytes)  # list[PlateResult], best first

Plain Python (no Django); the model loads once per process on first use.
"""

from ingest.recognizer.pipeline import PlateResult, Recognizer, TextCandidate, recognize

__all__ = ["PlateResult", "Recognizer", "TextCandidate", "recognize"]
