"""HTML rendering: one jinja2 environment, filters registered in one place.

Templates ship inside the package (``gapcheck/templates``); autoescape is always on
(``select_autoescape`` would miss names ending in ``.html.j2``). Pages are self-contained:
inline CSS and SVG, no scripts, no external requests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from gapcheck.catalog.model import Term


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gapcheck", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["spans"] = spans_html
    env.filters["nl2br"] = nl2br
    env.filters["css_string"] = css_string
    env.filters["pct"] = lambda v: "" if v in ("", None) else f"{round(float(v) * 100)}%"
    env.globals["bar_chart"] = bar_chart
    from gapcheck.gaps.ranking import priority_css  # the priority colours, defined once
    from gapcheck.gaps.status import status_css  # the status colours, defined once

    env.globals["status_css"] = status_css()
    env.globals["priority_css"] = priority_css()
    return env


def render_html(template: str, **data: Any) -> str:
    """Render ``template`` (a file in gapcheck/templates) with ``data``."""
    return environment().get_template(template).render(**data)


def nl2br(text: str) -> Markup:
    return Markup("<br>").join(escape(part) for part in str(text).split("\n"))


def spans_html(spans: Iterable[Any], tag: str = "ins", op: str = "insert") -> Markup:
    """Diff spans as HTML: the ``insert``/``delete`` spans inside ``<ins>``/``<del>``;
    with ``tag="u"`` the spans whose op is ``op`` underlined (the 新旧対照表 convention for
    both columns: never struck through, issue #13)."""
    out = []
    for sp in spans:
        text = escape(sp.text)
        if tag == "u" and sp.op == op:
            out.append(Markup(f'<u class="chg">{text}</u>'))
        elif sp.op == "insert" and tag == "ins":
            out.append(Markup(f"<ins>{text}</ins>"))
        elif sp.op == "delete" and tag == "del":
            out.append(Markup(f"<del>{text}</del>"))
        else:
            out.append(text)
    return Markup("").join(out)


def css_string(text: object) -> Markup:
    """``text`` as a quoted CSS string, safe inside ``<style>`` (for @page margin boxes).

    >>> print(css_string('本町 "A"</style>'))
    "本町 \\22 A\\22 \\3C /style\\3E "
    """
    out = []
    for ch in str(text):
        if ch in '"\\<>&\n\r' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):X} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


def bar_chart(items: Sequence[tuple[str, int, str]], width: int = 420, *, bar_h: int = 22,
              gap: int = 8, font: int = 13) -> Markup:  # fmt: skip
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar."""
    label_w = 90
    top = max((v for _, v, _ in items), default=0) or 1
    height = len(items) * (bar_h + gap)
    base = bar_h // 2 + font * 2 // 5  # the text's baseline, centred on the bar
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="件数のグラフ">'
    ]
    for n, (label, value, colour) in enumerate(items):
        y = n * (bar_h + gap)
        w = (width - label_w - 60) * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + base}" text-anchor="end" font-size="{font}">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{escape(colour)}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + base}" font-size="{font}">{value}件</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def annotate_terms(
    texts: Sequence[str], glossary: Sequence[Term]
) -> tuple[list[Markup], list[Term]]:
    """Mark each glossary term at its first use across ``texts`` with a footnote number.

    Returns the marked-up texts and the terms in footnote order (docs/domain.md §5: jargon
    is explained at first use).
    """
    names = sorted(
        ((name, t) for t in glossary for name in (t.term, *t.aliases) if len(name) >= 2),
        key=lambda p: -len(p[0]),
    )
    pattern = re.compile("|".join(re.escape(n) for n, _ in names)) if names else None
    by_name = dict(names)
    seen: dict[str, int] = {}
    notes: list[Term] = []
    out = []
    for text in texts:
        if pattern is None:
            out.append(escape(text))
            continue
        pieces: list[Markup] = []
        pos = 0
        for m in pattern.finditer(text):
            term = by_name[m.group(0)]
            pieces.append(escape(text[pos : m.start()]))
            if term.term not in seen:
                notes.append(term)
                seen[term.term] = len(notes)
                pieces.append(
                    Markup(f'<span class="term" title="{escape(term.plain)}">{escape(m.group(0))}'
                           f'<sup><a href="#term-{seen[term.term]}">※{seen[term.term]}</a></sup></span>')
                )  # fmt: skip
            else:
                pieces.append(escape(m.group(0)))
            pos = m.end()
        pieces.append(escape(text[pos:]))
        out.append(Markup("").join(pieces))
    return out, notes


__all__ = [
    "annotate_terms",
    "bar_chart",
    "css_string",
    "environment",
    "nl2br",
    "render_html",
    "spans_html",
]
