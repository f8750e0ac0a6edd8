"""Fill English translations into locale/en/LC_MESSAGES/django.po (German is the source language).

Rerun after ``makemessages``:  cd src/resonanz && django-admin makemessages -l en --no-obsolete
&& python locale/fill_en.py && django-admin compilemessages -l en
Only empty ``msgstr`` entries are filled; existing translations are kept. Prints msgids still missing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from en_terms import EN  # noqa: E402  (the dictionary beside this script)

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "django.po"
_STR = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _unquote(lines: list[str]) -> str:
    return "".join(m.group(1) for line in lines for m in [_STR.search(line)] if m).replace('\\"', '"').replace("\\n", "\n")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unfuzzy(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.startswith("#|"):
            continue
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
            if flags:
                out.append("#, " + ", ".join(flags))
            continue
        out.append(line)
    # empty every msgstr (keeping only its first line)
    result, skip = [], False
    for line in out:
        if line.startswith("msgstr"):
            key = line.split(" ", 1)[0]
            result.append(f'{key} ""')
            skip = True
            continue
        if skip and line.startswith('"'):
            continue
        skip = False
        result.append(line)
    return result


def fill(po_text: str) -> tuple[str, list[str]]:
    blocks, missing = po_text.split("\n\n"), []
    out = []
    for block in blocks:
        lines = block.split("\n")
        if any(line.startswith("#,") and "fuzzy" in line for line in lines) and 'msgid ""\nmsgstr ""\n"Project' not in block:
            # a guess by msgmerge: drop it and translate from the dictionary (or leave untranslated)
            lines = _unfuzzy(lines)
        idx = {k: i for i, line in enumerate(lines) for k in ("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ",
                                                               "msgstr[1] ") if line.startswith(k)}
        if "msgid " not in idx or (not lines[idx["msgid "]].startswith('msgid ""') and False):
            out.append("\n".join(lines))
            continue
        start = idx["msgid "]
        end = idx.get("msgid_plural ", idx.get("msgstr ", idx.get("msgstr[0] ")))
        msgid = _unquote(lines[start:end])
        if not msgid:
            out.append("\n".join(lines))
            continue
        if "msgstr " in idx:
            current = _unquote(lines[idx["msgstr "]:])
            if current:
                out.append("\n".join(lines))
                continue
            en = EN.get(msgid)
            if en is None:
                missing.append(msgid)
                out.append("\n".join(lines))
                continue
            out.append("\n".join(lines[: idx["msgstr "]] + ["msgstr " + _quote(en)]))
        else:
            plural = _unquote(lines[idx["msgid_plural "]: idx["msgstr[0] "]])
            val = EN.get(msgid)
            one, many = val if isinstance(val, tuple) else (val, EN.get(plural))
            if one is None or many is None:
                missing.append(msgid)
                out.append("\n".join(lines))
                continue
            out.append("\n".join(lines[: idx["msgstr[0] "]] + ["msgstr[0] " + _quote(one), "msgstr[1] " + _quote(many)]))
    return "\n\n".join(out), missing


if __name__ == "__main__":
    text, missing = fill(PO.read_text(encoding="utf-8"))
    PO.write_text(text, encoding="utf-8")
    for m in missing:
        print("MISSING:", repr(m))
    print(f"{len(missing)} missing")
