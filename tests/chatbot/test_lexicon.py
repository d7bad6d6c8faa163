"""The catalog vocabulary: what the generator writes and how the featurizer marks messages."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from chatbot import lexicon
from chatbot.training import catalog_examples
from chatbot.training.train import rasa_env
from tests.chatbot.servers import CHATBOT_DIR, RASA_PY

CONTENT = Path(CHATBOT_DIR).parent / "content"


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, frozenset[str]]:
    return {lang: frozenset(words)
            for lang, words in catalog_examples.lexicon_terms(CONTENT).items()}


@pytest.mark.parametrize(("token", "kind"), [
    ("bills", "domain"), ("Repair", "domain"), ("parking", "domain"),
    ("cactus", "foreign"), ("penguins", "foreign"),
    ("how", None), ("the", None), ("42", None), ("🙂", None), ("?", None),
    ("物业费", "domain"), ("缴費", "domain"), ("仙人掌", "foreign"), ("怎么", None), ("的", None),
])
def test_token_classes_on_the_real_catalog(vocabulary: dict[str, frozenset[str]], token: str,
                                           kind: str | None) -> None:
    assert lexicon.token_class(token, vocabulary) == kind


def test_english_words_fold_plurals_and_drop_function_words() -> None:
    assert lexicon.normalize_en("Bills") == "bill"
    assert lexicon.normalize_en("facilities") == "facility"
    assert lexicon.normalize_en("address") == "address"
    assert lexicon.normalize_en("boxes") == lexicon.normalize_en("box") == "box"
    assert lexicon.normalize_en("houses") == lexicon.normalize_en("house") == "house"
    assert lexicon.normalize_en("Where") is None
    # a contraction is judged by its stem: "you're", "haven't" carry no topic
    assert [lexicon.normalize_en(w) for w in ("you're", "haven't", "let's")] == [None] * 3
    assert lexicon.terms("en", ["Pay the water bills, please"]) == {"pay", "water", "bill"}


def test_chinese_bigrams_fold_traditional_and_skip_particles() -> None:
    assert lexicon.terms("zh", ["繳費"]) == {"缴费"}
    assert "什么" not in set(lexicon.zh_bigrams("这是什么费用"))
    assert "费用" in set(lexicon.zh_bigrams("这是什么费用"))


def test_a_new_service_yaml_extends_the_vocabulary(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "faq").mkdir()
    (tmp_path / "services" / "x.yaml").write_text(
        "id: x.zzqid\ntitle: {zh_CN: 天文望远镜借用, zh_TW: 天文望遠鏡借用, en: Telescope loan}\n"
        "fields:\n- key: zzqkey\n  label: {zh_CN: 观测夜, en: Observing night}\n", encoding="utf-8")
    terms = catalog_examples.lexicon_terms(tmp_path)
    assert {"telescope", "loan", "observing", "night"} <= set(terms["en"])
    assert {"望远", "借用", "观测"} <= set(terms["zh"])
    assert not {"zzqid", "zzqkey"} & set(terms["en"])  # ids and keys are not vocabulary


@pytest.mark.rasa
def test_the_featurizer_marks_tokens_and_messages(tmp_path: Path) -> None:
    """The Rasa component, run in the Rasa virtualenv: train (reads the folder, stores the
    vocabulary in the model), load from model storage, featurize."""
    folder = tmp_path / "lexicon"
    folder.mkdir()
    (folder / "en.txt").write_text("water\nbill\npay\n", encoding="utf-8")
    (folder / "zh.txt").write_text("水费\n缴费\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from rasa.engine.graph import ExecutionContext
        from rasa.engine.storage.local_model_storage import LocalModelStorage
        from rasa.engine.storage.resource import Resource
        from rasa.shared.nlu.training_data.message import Message
        from rasa.shared.nlu.training_data.training_data import TrainingData
        from chatbot.components.lexicon import DomainLexiconFeaturizer
        from chatbot.components.tokenizer import BilingualJiebaTokenizer

        storage = LocalModelStorage(Path({str(tmp_path)!r}))
        resource = Resource("lexicon")
        context = ExecutionContext(graph_schema=None, node_name="lexicon")
        config = {{**DomainLexiconFeaturizer.get_default_config(),
                   "lexicon_path": {str(folder)!r}}}
        DomainLexiconFeaturizer.create(config, storage, resource, context).train(TrainingData())
        featurizer = DomainLexiconFeaturizer.load(config, storage, resource, context)
        tokenizer = BilingualJiebaTokenizer.create(
            BilingualJiebaTokenizer.get_default_config(), storage, Resource("jieba"), context)
        out = {{}}
        for text in ("pay my water bill", "care for a cactus", "pay for a cactus", "hello",
                     "水费在哪里交"):
            message = Message.build(text)
            tokenizer.process([message])
            featurizer.process([message])
            seq, sent = message.get_sparse_features("text")
            out[text] = [seq.features.toarray().tolist(), sent.features.toarray().tolist()]
        print(json.dumps(out))
    """)
    done = subprocess.run([str(RASA_PY), "-c", script], cwd=CHATBOT_DIR, env=rasa_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    # token columns: domain, foreign; sentence: no content, no domain, mixed, all domain, 2+ foreign
    assert out["pay my water bill"] == [[[1, 0], [0, 0], [1, 0], [1, 0]], [[0, 0, 0, 1, 0]]]
    assert out["care for a cactus"] == [[[0, 1], [0, 0], [0, 0], [0, 1]], [[0, 1, 0, 0, 1]]]
    assert out["pay for a cactus"][1] == [[0, 0, 1, 0, 0]]
    assert out["hello"] == [[[0, 0]], [[1, 0, 0, 0, 0]]]
    # Jieba: 水费 / 在 / 哪里 / 交: a catalog word, a particle, a word this small vocabulary
    # lacks, a single character (no bigram: neither)
    assert out["水费在哪里交"] == [[[1, 0], [0, 0], [0, 1], [0, 0]], [[0, 0, 1, 0, 0]]]


@pytest.mark.rasa
def test_the_featurizer_refuses_a_missing_vocabulary(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        from pathlib import Path
        from rasa.engine.graph import ExecutionContext
        from rasa.engine.storage.local_model_storage import LocalModelStorage
        from rasa.engine.storage.resource import Resource
        from rasa.shared.exceptions import InvalidConfigException
        from rasa.shared.nlu.training_data.training_data import TrainingData
        from chatbot.components.lexicon import DomainLexiconFeaturizer

        storage = LocalModelStorage(Path({str(tmp_path)!r}))
        context = ExecutionContext(graph_schema=None, node_name="lexicon")
        config = {{**DomainLexiconFeaturizer.get_default_config(),
                   "lexicon_path": {str(tmp_path / "absent")!r}}}
        component = DomainLexiconFeaturizer.create(config, storage, Resource("x"), context)
        try:
            component.train(TrainingData())
        except InvalidConfigException as error:
            print("refused:", error)
    """)
    done = subprocess.run([str(RASA_PY), "-c", script], cwd=CHATBOT_DIR, env=rasa_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "refused:" in done.stdout and "make chatbot-data" in done.stdout


@pytest.mark.rasa
def test_rasa_fingerprints_follow_the_files_the_components_read(tmp_path: Path) -> None:
    """Rasa's training cache keys a step by class source, config and inputs; the vocabulary
    and the Jieba dictionary are read from folders, so their content must be in the key."""
    folder = tmp_path / "lexicon"
    folder.mkdir()
    (folder / "en.txt").write_text("water\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        from chatbot.components.lexicon import DomainLexiconFeaturizer
        from chatbot.components.tokenizer import BilingualJiebaTokenizer
        print(DomainLexiconFeaturizer.fingerprint_addon({{"lexicon_path": {str(folder)!r}}}))
        print(BilingualJiebaTokenizer.fingerprint_addon({{"dictionary_path": {str(folder)!r}}}))
    """)

    def addons() -> list[str]:
        done = subprocess.run([str(RASA_PY), "-c", script], cwd=CHATBOT_DIR, env=rasa_env(),
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.split()[-2:]

    before = addons()
    assert addons() == before
    (folder / "en.txt").write_text("water\nbill\n", encoding="utf-8")
    after = addons()
    assert after[0] != before[0] and after[1] != before[1]
