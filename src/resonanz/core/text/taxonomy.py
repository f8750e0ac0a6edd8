"""An editable, hierarchical topic taxonomy (JSON), bilingual (de/en).

Every topic has a ``key`` (dotted for sub-topics, e.g. ``delivery.delay``), an optional ``parent``, names,
descriptions, example phrases and keywords per language. The default CX taxonomy ships as
``data/taxonomy_default.json``; accounts edit a copy (add / rename / remove / move / merge topics) and the
topic model is rebuilt from it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from resonanz.core.errors import TextAnalysisError

LANGS = ("de", "en")
FORMAT = "resonanz.taxonomy.v1"


def _bi(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        return dict.fromkeys(LANGS, value)
    return dict(value)


@dataclass
class Topic:
    key: str
    parent: str | None = None
    name: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name.get("en") or self.name.get("de") or self.key

    def texts(self, lang: str | None = None) -> list[str]:
        """Description + examples (in ``lang`` or all languages): what the zero-shot model embeds."""
        langs = [lang] if lang else list(LANGS)
        out: list[str] = []
        for lg in langs:
            if self.description.get(lg):
                out.append(self.description[lg])
            out += list(self.examples.get(lg, []))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "parent": self.parent, "name": self.name, "description": self.description,
                "examples": self.examples, "keywords": self.keywords}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Topic:
        if not d.get("key"):
            raise TextAnalysisError("every topic needs a 'key'", code="E220")
        ex = {k: list(v) for k, v in _bi(d.get("examples")).items()}
        kw = {k: list(v) for k, v in _bi(d.get("keywords")).items()}
        return cls(str(d["key"]), d.get("parent"), _bi(d.get("name")), _bi(d.get("description")), ex, kw)


class Taxonomy:
    """Ordered collection of topics with validation and editing operations."""

    def __init__(self, topics: list[Topic] | None = None, *, name: str = "custom", version: int = 1) -> None:
        self.name = name
        self.version = version
        self._topics: dict[str, Topic] = {}
        for t in topics or []:
            self._topics[t.key] = t
        self.validate()

    # ---- access ----------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Topic]:
        return iter(self._topics.values())

    def __len__(self) -> int:
        return len(self._topics)

    def __contains__(self, key: object) -> bool:
        return key in self._topics

    def __getitem__(self, key: str) -> Topic:
        try:
            return self._topics[key]
        except KeyError:
            raise TextAnalysisError(f"unknown topic {key!r}", code="E221", key=key) from None

    @property
    def keys(self) -> list[str]:
        return list(self._topics)

    def roots(self) -> list[Topic]:
        return [t for t in self if t.parent is None]

    def children(self, key: str) -> list[Topic]:
        return [t for t in self if t.parent == key]

    def ancestors(self, key: str) -> list[str]:
        out, cur = [], self[key].parent
        while cur is not None:
            out.append(cur)
            cur = self[cur].parent
        return out

    def path(self, key: str, lang: str = "en") -> str:
        return " / ".join(self[k].label(lang) for k in [*reversed(self.ancestors(key)), key])

    # ---- validation ------------------------------------------------------------------------------
    def validate(self) -> None:
        for t in self._topics.values():
            if t.parent is not None and t.parent not in self._topics:
                raise TextAnalysisError(f"topic {t.key!r} has unknown parent {t.parent!r}", code="E222", key=t.key)
        for t in self._topics.values():  # cycles
            seen, cur = {t.key}, t.parent
            while cur is not None:
                if cur in seen:
                    raise TextAnalysisError(f"topic {t.key!r} is part of a parent cycle", code="E223", key=t.key)
                seen.add(cur)
                cur = self._topics[cur].parent

    # ---- editing (each returns self for chaining) ---------------------------------------------------
    def add(self, topic: Topic | dict[str, Any]) -> Taxonomy:
        t = topic if isinstance(topic, Topic) else Topic.from_dict(topic)
        if t.key in self._topics:
            raise TextAnalysisError(f"topic {t.key!r} exists already", code="E224", key=t.key)
        self._topics[t.key] = t
        try:
            self.validate()
        except TextAnalysisError:
            del self._topics[t.key]
            raise
        return self

    def update(self, key: str, **changes: Any) -> Taxonomy:
        """Change fields of a topic (``name``, ``description``, ``examples``, ``keywords``, ``parent``)."""
        t = self[key]
        old = copy.deepcopy(t)
        for k, v in changes.items():
            if k not in ("name", "description", "examples", "keywords", "parent"):
                raise TextAnalysisError(f"cannot change {k!r} of a topic", code="E225")
            setattr(t, k, v if k == "parent" else _bi(v))
        try:
            self.validate()
        except TextAnalysisError:
            self._topics[key] = old
            raise
        return self

    def add_examples(self, key: str, lang: str, examples: list[str]) -> Taxonomy:
        t = self[key]
        cur = t.examples.setdefault(lang, [])
        cur += [e for e in examples if e not in cur]
        return self

    def remove(self, key: str, *, cascade: bool = False) -> Taxonomy:
        """Remove a topic; its children move to its parent unless ``cascade`` removes them too."""
        t = self[key]
        for c in self.children(key):
            if cascade:
                self.remove(c.key, cascade=True)
            else:
                c.parent = t.parent
        del self._topics[key]
        return self

    def rename_key(self, old: str, new: str) -> Taxonomy:
        if new in self._topics:
            raise TextAnalysisError(f"topic {new!r} exists already", code="E224", key=new)
        topics = []
        for t in self:
            if t.key == old:
                t.key = new
            if t.parent == old:
                t.parent = new
            topics.append(t)
        self._topics = {t.key: t for t in topics}
        return self

    def merge_topics(self, source: str, into: str) -> Taxonomy:
        """Fold topic ``source`` into ``into``: examples and keywords join, children move, source goes."""
        src, dst = self[source], self[into]
        if into in [source, *self.descendants(source)]:
            raise TextAnalysisError("cannot merge a topic into itself or its descendant", code="E226")
        for lang in LANGS:
            for attr in ("examples", "keywords"):
                cur = getattr(dst, attr).setdefault(lang, [])
                cur += [e for e in getattr(src, attr).get(lang, []) if e not in cur]
        for c in self.children(source):
            c.parent = into
        del self._topics[source]
        return self

    def descendants(self, key: str) -> list[str]:
        out = []
        for c in self.children(key):
            out += [c.key, *self.descendants(c.key)]
        return out

    def merge(self, other: Taxonomy) -> Taxonomy:
        """Union with another taxonomy; topics of ``other`` replace ones with the same key."""
        topics = dict(self._topics)
        for t in other:
            topics[t.key] = copy.deepcopy(t)
        merged = Taxonomy(list(topics.values()), name=self.name, version=self.version + 1)
        return merged

    # ---- I/O -------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "name": self.name, "version": self.version,
                "topics": [t.to_dict() for t in self]}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Taxonomy:
        if "topics" not in data:
            raise TextAnalysisError("a taxonomy JSON needs a 'topics' list", code="E227")
        return cls([Topic.from_dict(t) for t in data["topics"]], name=data.get("name", "custom"),
                   version=int(data.get("version", 1)))

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        """Load a taxonomy JSON file; ``None`` loads the shipped default CX taxonomy."""
        if path is None:
            raw = resources.files("resonanz.core.text").joinpath("data/taxonomy_default.json").read_text("utf-8")
        else:
            raw = Path(path).read_text(encoding="utf-8")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise TextAnalysisError(f"taxonomy is not valid JSON: {exc}", code="E227") from None
        return cls.from_dict(data)


def default_taxonomy() -> Taxonomy:
    return Taxonomy.load()
