from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildResult, Project, build

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = (
    "mkdocs.yml",
    "content",
    "theme_overrides",
    "data",
    "producers",
    "products",
    "permalinks.txt",
)
TODAY = dt.date(2026, 11, 28)
"""Fixed build date: which sample certificates have expired must not depend on the day tests run."""


def copy_project(dest: Path) -> Path:
    """A private copy of the project's inputs, so a test can change them freely."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, symlinks=True)
        else:
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="session")
def image_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One rendition cache for the whole test session: photos are encoded once."""
    return tmp_path_factory.mktemp("image-cache")


@pytest.fixture
def project(tmp_path: Path, image_cache: Path) -> Project:
    return Project.at(copy_project(tmp_path / "project"), cache_dir=image_cache)


@pytest.fixture(scope="session")
def sample_site(
    tmp_path_factory: pytest.TempPathFactory, image_cache: Path
) -> Iterator[tuple[Project, BuildResult]]:
    """The shipped sample catalogue, built once per test session."""
    root = copy_project(tmp_path_factory.mktemp("sample"))
    project = Project.at(root, cache_dir=image_cache)
    yield project, build(project, today=TODAY)
