"""Training data and texts: catalog-driven examples, responses from chatbot.po, key coverage."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from chatbot.training import catalog_examples, generate, responses
from chatbot.training.train import model_hash
from portal_client import i18n

CHATBOT = Path(generate.CHATBOT_DIR)
NEW_SERVICE = """
id: property.bike-shed
family: property
title: {zh_CN: 自行车棚登记, zh_TW: 自行車棚登記, en: Bike shed registration}
summary: {zh_CN: 登记, zh_TW: 登記, en: Register}
keywords: {zh_CN: [车棚], en: [bike shed]}
workflow: application
handler: property-office
sla: {accept: 1d, complete: 3d}
fields: []
"""


def test_a_new_service_yaml_becomes_training_examples(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "faq").mkdir()
    (tmp_path / "services" / "property.bike-shed.yaml").write_text(NEW_SERVICE, encoding="utf-8")
    hidden = NEW_SERVICE.replace("property.bike-shed", "property.kiosk-only") + "channels: [kiosk]\n"
    (tmp_path / "services" / "property.kiosk-only.yaml").write_text(hidden, encoding="utf-8")
    (tmp_path / "faq" / "bikes.yaml").write_text(
        "- id: bikes\n  question: {zh_CN: 车棚在哪里？, zh_TW: 車棚在哪裡？, en: 'Where is the bike shed?'}\n"
        "  answer: {zh_CN: 北门, zh_TW: 北門, en: North gate}\n", encoding="utf-8")
    out = tmp_path / "generated"
    responses_file = tmp_path / "responses.yml"
    generate.write_all(tmp_path, out, responses_file)
    zh = yaml.safe_load((out / "zh" / "catalog.yml").read_text(encoding="utf-8"))
    en = yaml.safe_load((out / "en" / "catalog.yml").read_text(encoding="utf-8"))
    examples = {i["intent"]: i["examples"] for i in zh["nlu"]}
    tag = '{"entity": "service", "value": "property.bike-shed"}'
    assert f"[自行车棚登记]{tag}" in examples["start_request"]
    assert f"[自行車棚登記]{tag}" in examples["find_service"]
    assert "车棚在哪里？" in examples["ask_question"]
    assert "kiosk-only" not in str(zh) + str(en)  # not offered on chat, not trained
    assert any("[bike shed registration]" in i["examples"] for i in en["nlu"])
    assert "自行车棚登记 " in (out / "jieba" / "catalog.txt").read_text(encoding="utf-8")


def test_the_model_hash_follows_the_training_data(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "chatbot"
    copy.mkdir()
    for part in ("config.yml", "requirements.txt", "language_detection.py"):
        shutil.copy(CHATBOT / part, copy / part)
    shutil.copytree(CHATBOT / "data" / "nlu", copy / "data" / "nlu")
    before = model_hash(copy)
    assert model_hash(copy) == before
    extra = copy / "data" / "nlu" / "en" / "more.yml"
    extra.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    assert model_hash(copy) != before


def test_every_response_has_all_three_languages() -> None:
    domain = yaml.safe_load(responses.domain_yaml())
    assert "utter_greet" in domain["responses"]
    for name, variations in domain["responses"].items():
        langs = {c["value"] for v in variations for c in v.get("condition", [])}
        assert langs == {"zh_TW", "en"} and len(variations) == 3, name
        assert all(v["text"] for v in variations), name


def test_generated_responses_are_current() -> None:
    assert (CHATBOT / "domain" / "generated_responses.yml").read_text(encoding="utf-8") == \
        responses.domain_yaml(), "run `make chatbot-data` after editing chatbot.po"


def test_every_text_key_used_by_the_chatbot_is_translated() -> None:
    used: set[str] = set()
    for path in CHATBOT.rglob("*.py"):
        used |= set(re.findall(r'"((?:msg|utter|word|wechat|webchat|transcript)\.[a-z_]+)(?<!\.js)"',
                               path.read_text(encoding="utf-8")))
    domain = (CHATBOT / "domain" / "core.yml").read_text(encoding="utf-8")
    rules = (CHATBOT / "data" / "rules.yml").read_text(encoding="utf-8")
    used |= {"utter." + u for u in re.findall(r"utter_([a-z_]+)", domain + rules)}
    assert len(used) > 30
    for lang in i18n.LANGS:
        missing = sorted(k for k in used if not i18n.has_key("chatbot", k, lang))
        assert not missing, (lang, missing)


def test_hand_written_examples_per_intent_and_language() -> None:
    for lang in ("zh", "en"):
        counts: dict[str, int] = {}
        for path in (CHATBOT / "data" / "nlu" / lang).glob("*.yml"):
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
                counts[item["intent"]] = counts.get(item["intent"], 0) + \
                    item["examples"].count("\n- ") + 1
        assert len(counts) >= 13 and min(counts.values()) >= 20, (lang, counts)


def test_catalog_examples_keep_entity_syntax_safe() -> None:
    assert catalog_examples._clean('维修[紧急](加急){x}"') == "维修 紧急  加急  x"
