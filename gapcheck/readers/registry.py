"""A registry of input formats: each format a small class, registered once (issue #22).

The idea is tablib's format registry: a format is a class with its name, its extensions and
its Japanese name, and every place that lists or chooses formats asks the registry instead of
keeping its own list. :class:`Registry` is that list, in registration order (the order the
formats are shown in); :class:`FileFormat` what every format says about itself.

Two registries use it: the policy readers' (:data:`gapcheck.readers.kinds.POLICY_FORMATS`,
which also chooses the reader of a file) and the guideline import's
(:data:`gapcheck.importing.document.GUIDELINE_FORMATS`).

>>> class Memo(FileFormat):
...     name, extensions, display = "memo", (".memo", ".mem"), "メモ"
>>> formats: Registry[FileFormat] = Registry()
>>> _ = formats.register(Memo())
>>> formats.accept(), formats.described(), formats.suggested()
('.memo,.mem', 'メモ（.memo・.mem）', '.memo')
>>> formats.for_extension(".MEMO").name
'memo'
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Generic, TypeVar


class FileFormat:
    """One input format: what it is called and which file names it goes by.

    ``name`` is the format's key (English, for code); ``extensions`` every extension it is
    accepted under, lower case with the dot, the usual one first; ``display`` its Japanese
    name as a page or message shows it (「Excel」); ``suggested`` the extensions a message
    names when it asks the user to save the file again (default: the first extension).
    """

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    display: ClassVar[str]
    suggested: ClassVar[tuple[str, ...]] = ()

    def named(self) -> tuple[str, ...]:
        """The extensions a message names."""
        return self.suggested or self.extensions[:1]

    def label(self) -> str:
        """The format as a message names it: ``Word（.docx）``."""
        return f"{self.display}（{'・'.join(self.named())}）"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {'/'.join(self.extensions)}>"


F = TypeVar("F", bound=FileFormat)


class Registry(Generic[F]):
    """Formats in registration order; an extension belongs to one format only."""

    def __init__(self) -> None:
        self._formats: list[F] = []

    def register(self, fmt: F) -> F:
        """Add ``fmt`` after the formats registered so far; returns it."""
        if not fmt.extensions:
            raise ValueError(f"{fmt!r}: a format needs at least one extension")
        for ext in fmt.extensions:
            if not ext.startswith(".") or ext != ext.lower():
                raise ValueError(f"{fmt!r}: extensions are lower case with the dot ({ext!r})")
            taken = self.for_extension(ext)
            if taken is not None:
                raise ValueError(f"{fmt!r}: {ext} is already {taken!r}")
        if any(f.name == fmt.name for f in self._formats):
            raise ValueError(f"{fmt!r}: a format named {fmt.name!r} is already registered")
        if not set(fmt.named()) <= set(fmt.extensions):
            raise ValueError(f"{fmt!r}: suggests an extension it does not accept")
        self._formats.append(fmt)
        return fmt

    def unregister(self, name: str) -> F:
        """Remove the format called ``name``; returns it."""
        fmt = self.get(name)
        self._formats.remove(fmt)
        return fmt

    def get(self, name: str) -> F:
        for fmt in self._formats:
            if fmt.name == name:
                return fmt
        raise KeyError(name)

    def __iter__(self) -> Iterator[F]:
        return iter(list(self._formats))

    def __len__(self) -> int:
        return len(self._formats)

    def for_extension(self, ext: str) -> F | None:
        """The format an extension (``.xlsx``, any case) names, if any."""
        ext = ext.lower()
        return next((f for f in self._formats if ext in f.extensions), None)

    def extensions(self) -> tuple[str, ...]:
        """Every accepted extension, format by format."""
        return tuple(ext for f in self._formats for ext in f.extensions)

    def accept(self) -> str:
        """The value of an HTML file input's ``accept`` attribute: ``.xlsx,.xlsm,…``."""
        return ",".join(self.extensions())

    def names(self) -> str:
        """The formats' Japanese names: ``Excel・CSV・…``."""
        return "・".join(f.display for f in self._formats)

    def described(self, sep: str = "、") -> str:
        """Each format with its extensions: ``Excel（.xlsx・.xlsm）、CSV（.csv）…``."""
        return sep.join(f"{f.display}（{'・'.join(f.extensions)}）" for f in self._formats)

    def labels(self, sep: str = "、") -> str:
        """The formats as a message names them: ``Word（.docx）、テキスト（.txt）``."""
        return sep.join(f.label() for f in self._formats)

    def suggested(self) -> str:
        """The extensions a message asks the user to save as: ``.xlsx、.csv、…``."""
        return "、".join(ext for f in self._formats for ext in f.named())


__all__ = [
    "FileFormat",
    "Registry",
]
