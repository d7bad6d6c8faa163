"""One webhook of one call: the caller's state, what they said, and how to answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from hotline.menus import HotlineCatalog
from hotline.reply import Ask, Line, Reply
from hotline.spoken import Said, chosen
from hotline.state import CallState
from portal_client import PortalClient, Session
from portal_client.i18n import Translator, pick

if TYPE_CHECKING:
    from hotline.service import Hotline

MAX_STACK = 12


class Node(Protocol):
    """A place in the call flow: what it asks, and what each answer leads to."""

    raw: bool  # gets Twilio's parameters as they come (queue, recording): no global keys
    agent_key: bool  # "0" reaches an agent here

    def prompt(self, call: Call) -> Reply: ...

    def answer(self, call: Call, said: Said) -> Reply: ...

    def back(self, call: Call) -> Reply: ...

    def empty_ok(self, call: Call) -> bool: ...


class Call:
    """The state of one call during one webhook, with the helpers nodes answer through."""

    def __init__(self, state: CallState, hotline: Hotline, params: Mapping[str, str]) -> None:
        self.state = state
        self.hotline = hotline
        self.params = params
        self.t = Translator("hotline", state.lang)
        self._client: PortalClient | None = None

    # --- what nodes use ---------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def client(self) -> PortalClient:
        """The portal client for this call (with the resident's session once verified)."""
        if self._client is None:
            self._client = self.hotline.client(self.state.lang, self.state.token)
        return self._client

    @property
    def catalog(self) -> HotlineCatalog:
        return self.hotline.catalog.get()

    def pick(self, texts: dict | None) -> str:
        return pick(texts, self.lang)

    def words(self, key: str) -> tuple[str, ...]:
        """A comma-separated word list from the catalog (yes words, agent words)."""
        return tuple(w.strip() for w in self.t(key).split(",") if w.strip())

    def option(self, said: Said, *word_keys: str) -> int | None:
        """Which of fixed options (1-based) the caller keyed or named; each option is a word
        list of hotline.po ('words.voicemail', 'words.callback'…)."""
        return chosen(said, [self.words(k) for k in word_keys])

    def hints(self, *word_keys: str) -> tuple[str, ...]:
        """Speech hints: the words of some word lists, in the caller's language."""
        return tuple(w for k in word_keys for w in self.words(k))

    def keys_only(self, *lines: Line) -> Reply:
        """A question answered on the keypad only (a PIN: never said aloud), which says so."""
        return self.reply(*lines, self.t("input.keys_only"),
                          ask=Ask(speech=False, num_digits=None, timeout_s=12))

    def signed_in(self, session: Session) -> None:
        """Remember a resident's session (PIN or code checked) for the rest of the call."""
        self.state.token = session.token
        self.state.resident = {**(self.state.resident or {}), **session.resident}
        self._client = None

    def set_lang(self, lang: str) -> None:
        self.state.lang = lang
        self.t = Translator("hotline", lang)
        self._client = None

    def reply(self, *lines: Line, ask: Ask | None = None, **kw: object) -> Reply:
        return Reply(lines=tuple(x for x in lines if x), ask=ask, lang=self.lang, **kw)  # type: ignore[arg-type]

    @property
    def node(self) -> Node:
        return self.hotline.nodes[self.state.node]

    def go(self, node: str, *lead: Line, push: bool = True, **args: object) -> Reply:
        """Move to a node and ask its question (after any lead lines)."""
        st = self.state
        if push and (st.node, st.args) != (node, args):
            st.stack.append((st.node, dict(st.args)))
            del st.stack[:-MAX_STACK]
        st.node, st.args, st.misses = node, dict(args), 0
        return self.hotline.nodes[node].prompt(self).before(*lead)

    def then(self, node: str, *lines: Line, **args: object) -> Reply:
        """Say the lines, then come back (Redirect) for the node's question."""
        st = self.state
        st.node, st.args, st.misses = node, dict(args), 0
        return self.reply(*lines, redirect=True)

    def again(self, *lead: Line) -> Reply:
        """Ask the current question again."""
        return self.node.prompt(self).before(*lead)

    def retry(self, key: str | None = None, text: str | None = None) -> Reply:
        """A silence, no-match or invalid answer: ask twice more, then an agent."""
        reason = text or self.t(key or "input.no_match")
        self.state.misses += 1
        if self.state.misses > self.hotline.config.max_retries:
            return self.go("agent", reason, self.t("input.to_agent"))
        return self.again(reason)

    def back(self) -> Reply:
        """Up one level (or the main menu)."""
        st = self.state
        if not st.stack:
            return self.go("main", push=False)
        node, args = st.stack.pop()
        st.node, st.args, st.misses = node, dict(args), 0
        return self.node.prompt(self)


class BaseNode:
    """Defaults: global keys apply, silence is retried, * goes up one level."""

    raw = False
    agent_key = True

    def prompt(self, call: Call) -> Reply:  # pragma: no cover - every node overrides
        raise NotImplementedError

    def answer(self, call: Call, said: Said) -> Reply:  # pragma: no cover
        raise NotImplementedError

    def back(self, call: Call) -> Reply:
        return call.back()

    def empty_ok(self, call: Call) -> bool:
        return False


def dispatch(call: Call, said: Said, redirected: bool) -> Reply:
    """Apply the keys valid everywhere (0 agent, * back, agent words), then the node."""
    node = call.node
    if redirected:
        return node.prompt(call)
    if node.raw:
        return node.answer(call, said)
    if node.agent_key and (said.digits == "0" or _asks_for_agent(call, said)):
        return call.go("agent")
    if said.digits == "*":
        return node.back(call)
    if said.empty and not node.empty_ok(call):
        return call.retry("input.silence")
    return node.answer(call, said)


def _asks_for_agent(call: Call, said: Said) -> bool:
    if not said.speech or said.digits:
        return False
    text = said.speech.lower()
    return any(w.lower() in text for w in call.words("words.agent"))
