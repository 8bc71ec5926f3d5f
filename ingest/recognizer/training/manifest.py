"""``model/manifest.json``: for each model file, its SHA-256, the command and data that made it, and
what it measured on data it never saw. Written by the training commands beside the models."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from ingest.recognizer.dataset import HELD_OUT_FOLD


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe_files(paths: list[Path]) -> dict[str, object]:
    """How many files, and one SHA-256 over their names and contents (which exact data was seen)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return {"files": len(paths), "sha256": digest.hexdigest()}


def record_model(model: Path, module: str, data: dict[str, object], figures: dict[str, object]) -> None:
    """Add or replace ``model``'s entry in the manifest beside it (``module`` is the command that made it)."""
    manifest_path = model.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[model.name] = {
        "sha256": sha256_of(model),
        "bytes": model.stat().st_size,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": " ".join(["python -m", module, *sys.argv[1:]]),
        "data": {**data, "held_out_fold": HELD_OUT_FOLD},
        "held_out": figures,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
