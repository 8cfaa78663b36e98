"""Material's search of the content pages ignores diacritics, in both language builds.

The folding lives in theme_overrides/assets/javascripts/lunr/min/lunr.vi.min.js, which Material's
search worker loads by name, and only for the languages listed in the search config. So these
tests check the published files and config, then run the published worker itself (Material's
lunr, its query handling, our file) under node with three small documents.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildResult, Project

from .conftest import ROOT

Site = tuple[Project, BuildResult]

LUNR = Path("assets/javascripts/lunr/min")
OVERRIDE = ROOT / "theme_overrides" / LUNR / "lunr.vi.min.js"
LANGS = {"vi": "", "en": "en/"}
SEARCH_LANG = {"vi": ["vi"], "en": ["en", "vi"]}
"""What each build's search must list: vi makes the worker load our lunr.vi.min.js (an
English-only search loads no language file), en keeps English stop words."""


def site_root(site: Site, lang: str) -> Path:
    project, _ = site
    return project.public / LANGS[lang]


def search_config(site: Site, lang: str) -> dict[str, Any]:
    index = json.loads((site_root(site, lang) / "search" / "search_index.json").read_text())
    config: dict[str, Any] = index["config"]
    return config


@pytest.mark.parametrize("lang", list(LANGS))
def test_override_is_published_in_both_languages(sample_site: Site, lang: str) -> None:
    root = site_root(sample_site, lang)
    assert (root / LUNR / "lunr.vi.min.js").read_bytes() == OVERRIDE.read_bytes()
    # What the worker loads before and after it (Material's own copies).
    assert (root / LUNR / "lunr.stemmer.support.min.js").is_file()
    assert (root / LUNR / "lunr.multi.min.js").is_file()
    assert len(list((root / "assets/javascripts/workers").glob("search.*.min.js"))) == 1


@pytest.mark.parametrize("lang", list(LANGS))
def test_search_config_makes_the_worker_load_the_override(sample_site: Site, lang: str) -> None:
    config = search_config(sample_site, lang)
    assert config["lang"] == SEARCH_LANG[lang], (
        f"{lang}: plugins.search.lang must be {SEARCH_LANG[lang]} (generator/build.py "
        "mkdocs_config), or Material's worker does not load lunr.vi.min.js"
    )
    # Material's default pipeline: trimmer and stemmer are taken out by name, folding stays.
    assert config["pipeline"] == ["stopWordFilter"]
    assert config["separator"] == r"[\s\-]+"


# Loads the published worker in a vm context, as a browser would: `importScripts` runs the
# published files the worker asks for (relative to the worker's folder). Then the worker gets
# Material's two messages: SETUP (0) with the search config and documents, QUERY (2) per query.
WORKER_DRIVER = r"""
const vm = require("node:vm"), fs = require("node:fs"), path = require("node:path")
const { root, config, docs, queries, fold } = JSON.parse(fs.readFileSync(0, "utf8"))
const workers = path.join(root, "assets/javascripts/workers")
const [file] = fs.readdirSync(workers).filter((f) => /^search\.[0-9a-f]+\.min\.js$/.test(f))
const loaded = [], warnings = [], posted = []
let handler
const context = vm.createContext({
  console: {
    log() {}, info() {}, debug() {},
    warn: (...a) => warnings.push(a.join(" ")), error: (...a) => warnings.push(a.join(" ")),
  },
  postMessage: (message) => posted.push(message),
  addEventListener: (type, fn) => { if (type === "message") handler = fn },
})
context.self = context
context.importScripts = (...urls) => {
  for (const url of urls) {
    const script = path.resolve(workers, url)
    loaded.push(path.relative(root, script))
    vm.runInContext(fs.readFileSync(script, "utf8"), context, { filename: script })
  }
}
vm.runInContext(fs.readFileSync(path.join(workers, file), "utf8"), context, { filename: file })
async function send(data) {
  posted.length = 0
  await handler({ data })
  return posted.pop()
}
;(async () => {
  const ready = await send({ type: 0, data: { config, docs, options: { suggest: true } } })
  const results = {}
  for (const query of queries) {
    const { data } = await send({ type: 2, data: query })
    results[query] = data.items.map(([item]) => ({
      id: item.location, score: item.score, title: item.title,
    }))
  }
  const folding = context.lunr.foldDiacritics // undefined when our file was not loaded
  const folded = folding ? fold.map((s) => folding.fold(s)) : null
  process.stdout.write(JSON.stringify({ ready, loaded, results, folded, warnings }))
})().catch((e) => { console.error(e); process.exit(1) })
"""

DOCS = {
    "d1": "Cà phê hạt rang",
    "d2": "Đậu đen xanh lòng",
    "d3": "Ca phe sua",
}
QUERIES = ["ca phe", "cà phê", "CA PHÊ", "dau den", "đậu", "dau*", "da", "+cà", "-cà phê"]


def run_worker(site: Site, lang: str, fold: list[str]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    payload = {
        "root": str(site_root(site, lang).resolve()),
        "config": search_config(site, lang),
        "docs": [{"location": ref, "title": title, "text": ""} for ref, title in DOCS.items()],
        "queries": QUERIES,
        "fold": fold,
    }
    proc = subprocess.run(
        [node, "-e", WORKER_DRIVER],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.mark.parametrize("lang", list(LANGS))
def test_search_ignores_diacritics_and_ranks_exact_spelling_first(
    sample_site: Site, lang: str
) -> None:
    out = run_worker(sample_site, lang, ["Cà phê", "ĐẬU ĐEN", "ca\u0300 phe\u0302", "Ơ ư ă"])
    assert out["ready"] == {"type": 1}
    loaded = [Path(p) for p in out["loaded"]]
    expected = [LUNR / "lunr.stemmer.support.min.js", LUNR / "lunr.vi.min.js"]
    if lang == "en":
        expected.append(LUNR / "lunr.multi.min.js")
    assert loaded == expected
    assert out["warnings"] == []
    assert out["folded"] == ["ca phe", "dau den", "ca phe", "o u a"]

    results: dict[str, list[dict[str, Any]]] = out["results"]

    def ids(query: str) -> list[str]:
        return [r["id"] for r in results[query]]

    # No accent typed: d1 (accents folded) and d3 (written so) match each word once, so they tie.
    # d2 has neither word.
    assert sorted(ids("ca phe")) == ["d1", "d3"]
    assert results["ca phe"][0]["score"] == results["ca phe"][1]["score"]
    # Accents typed: d1 matches both spellings of both words, d3 the folded ones only.
    assert ids("cà phê") == ["d1", "d3"]
    assert results["cà phê"][0]["score"] > results["cà phê"][1]["score"]
    assert ids("CA PHÊ") == ["d1", "d3"]  # "phê" exact in d1, "ca" in both
    # đ folds to d.
    assert ids("dau den") == ["d2"]
    assert ids("đậu") == ["d2"]
    # Prefixes: an explicit wildcard, and an unfinished word (Material adds the wildcard).
    assert ids("dau*") == ["d2"]
    assert ids("da") == ["d2"]
    # Required and prohibited words hold for every spelling.
    assert ids("+cà") == ["d1", "d3"]
    assert ids("-cà phê") == []
    # Each matched word is highlighted once, though two spellings of it matched.
    assert results["cà phê"][0]["title"] == "<mark>Cà</mark> <mark>phê</mark> hạt rang"
    assert results["đậu"][0]["title"] == "<mark>Đậu</mark> đen xanh lòng"
    titles = {r["id"]: r["title"] for r in results["ca phe"]}
    assert titles == {
        "d1": "<mark>Cà</mark> <mark>phê</mark> hạt rang",
        "d3": "<mark>Ca</mark> <mark>phe</mark> sua",
    }
