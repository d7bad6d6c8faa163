"""The catalog as published in content/: complete, valid, and refused when broken."""

import shutil
from pathlib import Path

import pytest
import yaml

from channel_core.catalog.loader import ContentError, load_content
from channel_core.catalog.schema import FAMILIES, THEMES
from channel_core.config import ROOT

CONTENT = ROOT / "content"


def test_real_content_loads_with_every_family_and_theme():
    tree = load_content(CONTENT)
    assert len(tree.services) >= 40
    families = {s.family for s in tree.services.values()}
    themes = {s.theme for s in tree.services.values() if s.theme}
    assert families == set(FAMILIES)
    assert themes == set(THEMES)
    types = {f.type for s in tree.services.values() for f in s.fields}
    assert types == {"text", "longtext", "number", "money", "date", "time", "datetime", "choice",
                     "multichoice", "yesno", "phone", "idcard", "address", "photo"}
    assert set(tree.workflows) == {"application", "report", "order", "booking", "payment",
                                   "sos", "info"}
    assert any(n.kind == "air_quality" for n in tree.notices)
    assert len(tree.faq) >= 20


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    return dst


def test_bad_file_reported_with_file_key_and_reason(tmp_path):
    root = _copy(tmp_path)
    path = root / "services" / "property.repair.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sla"]["accept"] = "two hours"
    del data["title"]["en"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(root)
    found = {(p.file, p.key) for p in err.value.problems}
    assert ("services/property.repair.yaml", "sla.accept") in found
    assert ("services/property.repair.yaml", "title.en") in found


def test_broken_yaml_and_unknown_workflow_and_handler(tmp_path):
    root = _copy(tmp_path)
    (root / "services" / "gov.broken.yaml").write_text("id: gov.broken\n  title: [", encoding="utf-8")
    path = root / "services" / "property.repair.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["workflow"] = "nope"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(root)
    text = str(err.value)
    assert "services/gov.broken.yaml: (file): not valid YAML" in text
    assert "services/property.repair.yaml: workflow" in text


def test_server_refuses_to_start_on_bad_content(tmp_path, sqlite_url):
    from channel_core.api import create_app
    from tests.conftest import make_config

    root = _copy(tmp_path)
    (root / "services" / "gov.extra.yaml").write_text(
        "id: gov.extra\nfamily: gov\nunknown_key: 1\n", encoding="utf-8")
    with pytest.raises(ContentError):
        create_app(make_config(sqlite_url, content_dir=root))


def test_workflow_soundness_checked(tmp_path):
    root = _copy(tmp_path)
    path = root / "workflows" / "info.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["states"]["limbo"] = {"label": {"zh_CN": "悬空", "zh_TW": "懸空", "en": "Limbo"}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(root)
    assert "unreachable" in str(err.value) and "no way out" in str(err.value)
