"""CITATION.cff is valid YAML in Citation File Format 1.2.0 and names the original study."""

import pytest

from helpers import settings

CITATION = settings.REPO_ROOT / "CITATION.cff"
STUDY = (
    "Global Expansion Through Networking Ecosystems Using Digital Platforms, Evidences from SMEs in Kerala"
)


def test_citation_file_declares_cff_1_2_0():
    assert "cff-version: 1.2.0" in CITATION.read_text(encoding="utf-8").splitlines()


def test_citation_names_the_kit_and_cites_the_original_study():
    yaml = pytest.importorskip("yaml", reason="needs PyYAML (installed with Jupyter) to parse CITATION.cff")
    citation = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    assert {"cff-version", "message", "title", "authors", "type"} <= set(citation)
    assert citation["type"] == "software" and "replication kit" in citation["title"]
    [study] = [ref for ref in citation["references"] if ref["title"].strip() == STUDY]
    assert study["type"] == "article"
    assert [author["family-names"] for author in study["authors"]] == ["M S", "Radhakrishnan"]
    assert "doi" not in study  # no DOI is known for the study
