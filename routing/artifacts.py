"""Versioned department-model folders: model.joblib plus a manifest of labels, data hash, metrics and libraries."""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path

import jieba
import joblib
import numpy
import opencc
import sklearn

FORMAT_VERSION = 2  # 2: DepartmentModel gained `embedder`; a format-1 pickle lacks it and must be retrained
MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"


def library_versions() -> dict[str, str]:
    return {"python": platform.python_version(), "sklearn": sklearn.__version__, "numpy": numpy.__version__,
            "jieba": jieba.__version__, "opencc": getattr(opencc, "__version__", "unknown")}


def save_model(out_dir: Path, model, manifest: dict) -> Path:
    """Write the model and its manifest (format, version, creation time and libraries added)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(timezone.utc)
    full = {"format_version": FORMAT_VERSION, "model_version": f"route-{created_at:%Y%m%dT%H%M%SZ}",
            "created_at": created_at.isoformat(timespec="seconds"), "libraries": library_versions(), **manifest}
    joblib.dump(model, out_dir / MODEL_FILE, compress=3)
    (out_dir / MANIFEST_FILE).write_text(json.dumps(full, ensure_ascii=False, indent=2), encoding="utf-8")
    return out_dir


def load_model(model_dir: Path):
    """Return (model, manifest); refuses a folder from another format or other sklearn/numpy versions."""
    path = Path(model_dir) / MANIFEST_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir}: no {MANIFEST_FILE}; not a routing model folder")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{model_dir}: format {manifest.get('format_version')!r}, expected {FORMAT_VERSION}; retrain it")
    running = library_versions()
    for library in ("sklearn", "numpy"):  # their pickles are not portable across versions
        built = manifest["libraries"].get(library)
        if built != running[library]:
            raise ValueError(f"{model_dir}: built with {library} {built}, running {running[library]}; retrain it")
    return joblib.load(Path(model_dir) / MODEL_FILE), manifest
