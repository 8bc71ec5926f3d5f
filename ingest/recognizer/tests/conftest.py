import pytest

from ingest.recognizer import Recognizer


@pytest.fixture(scope="module")
def with_opinion() -> Recognizer:
    """The recognizer as deployed: with the general reader's second opinion."""
    return Recognizer()


@pytest.fixture(scope="module")
def without_opinion() -> Recognizer:
    return Recognizer(general_model_path=None)
