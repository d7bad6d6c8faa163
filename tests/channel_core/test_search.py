"""Search across languages by title, keywords and pinyin."""

import pytest

from channel_core.catalog.catalog import Catalog
from channel_core.config import ROOT


@pytest.fixture(scope="module")
def catalog():
    return Catalog.from_dir(ROOT / "content")


@pytest.mark.parametrize("query", ["物业报修", "物業報修", "Report a repair", "repair", "wuyebaoxiu",
                                   "wybx", "漏水", "leak"])
def test_repair_found_in_every_form(catalog, query):
    ids = [i for i, _ in catalog.service_index.search(query, limit=5)]
    assert "property.repair" in ids, (query, ids)


def test_water_bill_by_pinyin_and_english(catalog):
    for q in ("shuifei", "water", "水费"):
        ids = [i for i, _ in catalog.service_index.search(q, limit=5)]
        assert "payment.water" in ids, (q, ids)


def test_nonsense_finds_nothing(catalog):
    assert catalog.service_index.search("zzqqxx") == []
    assert catalog.service_index.search("   ") == []


def test_faq_search(catalog):
    hits = catalog.faq_index.search("一卡通", limit=5)
    assert hits
