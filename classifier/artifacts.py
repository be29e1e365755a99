"""Versioned model folders: a joblib model plus a manifest that pins the libraries it was trained with."""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path

import jieba
import joblib
import numpy
import sklearn

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"


class ArtifactMismatch(RuntimeError):
    """The artifact was built with another version of a library whose pickles are not portable."""


def library_versions() -> dict[str, str]:
    return {"python": platform.python_version(), "sklearn": sklearn.__version__,
            "numpy": numpy.__version__, "jieba": jieba.__version__}


def _compatible(library: str, built: str, running: str) -> bool:
    # a Python patch release keeps pickles compatible; any other library must match exactly
    if library == "python":
        return built.split(".")[:2] == running.split(".")[:2]
    return built == running


def save_artifact(out_dir: Path, model, manifest: dict) -> Path:
    """Write model.joblib and manifest.json (with versions and created_at added) into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(timezone.utc)
    full = {
        "format_version": FORMAT_VERSION,
        "model_version": manifest.get("model_version") or f"clf-{created_at:%Y%m%dT%H%M%SZ}",
        "created_at": created_at.isoformat(timespec="seconds"),
        "libraries": library_versions(),
        **{k: v for k, v in manifest.items() if k != "model_version"},
    }
    joblib.dump(model, out_dir / MODEL_FILE, compress=3)
    (out_dir / MANIFEST_FILE).write_text(json.dumps(full, ensure_ascii=False, indent=2), encoding="utf-8")
    return out_dir


def read_manifest(model_dir: Path) -> dict:
    path = Path(model_dir) / MANIFEST_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir}: no {MANIFEST_FILE}; not a classifier artifact folder")
    return json.loads(path.read_text(encoding="utf-8"))


def check_compatible(manifest: dict) -> None:
    """Refuse an artifact built with other library versions, naming the library and both versions."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArtifactMismatch(f"artifact format {manifest.get('format_version')!r} != supported {FORMAT_VERSION}")
    running = library_versions()
    for library, built in manifest.get("libraries", {}).items():
        if library in running and not _compatible(library, built, running[library]):
            raise ArtifactMismatch(
                f"artifact {manifest.get('model_version')} was built with {library} {built}, "
                f"but {library} {running[library]} is installed: retrain it or install {library}=={built}")


def load_artifact(model_dir: Path):
    """Return (model, manifest) after the version check; never unpickles a mismatched artifact."""
    manifest = read_manifest(model_dir)
    check_compatible(manifest)
    return joblib.load(Path(model_dir) / MODEL_FILE), manifest
