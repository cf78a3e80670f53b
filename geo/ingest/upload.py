"""Adding articles from the dashboard: uploaded files and pasted text.

Uploaded files are checked (type, size, count), saved under safe names into a temporary
folder and read by geo.read.articles like any folder; pasted text is one article. Both go
through geo.ingest.pipeline, so they are stored exactly as `python -m geo ingest` would store
them. Every rejected file gets its own reason. Nothing here imports Streamlit.

An upload is ingested inside the visitor's own script run, and the language model takes
its time on every article: an upload reads at most MAX_UPLOAD_ARTICLES records (and stops
parsing a file there), and says so; larger collections go through `python -m geo ingest`.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from geo.models import ReadError
from geo.store import Location, Store

ALLOWED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".csv", ".jsonl")
MAX_FILE_BYTES = 5 * 1024 * 1024  # per file
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # per upload
MAX_FILES = 20
MAX_PASTE_CHARS = 200_000
MAX_FIELD_CHARS = 300
# Records (articles, or rows that turn out bad) read from one upload. An upload runs in the
# visitor's own script run on the server's shared cores: a 180,000-row CSV kept one running
# for many minutes and slowed every other visitor. At this cap an upload of one-line rows
# takes about 10 s, of news-length articles about two minutes (14-23 articles/s).
MAX_UPLOAD_ARTICLES = 2_000
UPLOAD_CAP_REASON = (
    f"only the first {MAX_UPLOAD_ARTICLES:,} articles of an upload are read; "
    "use `python -m geo ingest` for larger collections"
)

Progress = Callable[[int, int], None]


@dataclass
class UploadResult:
    """What an upload did: the pipeline's summary, plus the files refused before reading."""

    rejected: list[ReadError] = field(default_factory=list)
    summary: object | None = None  # geo.ingest.pipeline.IngestSummary, when anything was read
    notes: list[ReadError] = field(default_factory=list)  # files read only in part, or not

    @property
    def errors(self) -> list[ReadError]:
        skipped = list(getattr(self.summary, "skipped", []) or [])
        return [*self.rejected, *skipped]

    @property
    def events(self) -> int:
        return int(getattr(self.summary, "events", 0) or 0)

    @property
    def stored(self) -> int:
        return int(getattr(self.summary, "stored", 0) or 0)

    @property
    def read(self) -> int:
        return int(getattr(self.summary, "read", 0) or 0)


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def check_file(name: str, size: int) -> str | None:
    """Why a file cannot be taken (None: it can)."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        return f"not a supported file type ({suffix or 'no extension'}); use " + ", ".join(
            ALLOWED_EXTENSIONS
        )
    if size == 0:
        return "empty file"
    if size > MAX_FILE_BYTES:
        return f"too large ({_size(size)}; at most {_size(MAX_FILE_BYTES)} per file)"
    return None


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_name(name: str, taken: set[str]) -> str:
    """A plain file name (no folders, no odd characters), unique within `taken`."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:80] or "upload"
    candidate, n = f"{stem}{suffix}", 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    taken.add(candidate.lower())
    return candidate


def save_files(
    files: Iterable[tuple[str, bytes]], folder: Path
) -> tuple[list[tuple[Path, str]], list[ReadError]]:
    """Write the acceptable files into `folder`; (path written, name uploaded) pairs and
    the refusals."""
    saved: list[tuple[Path, str]] = []
    rejected: list[ReadError] = []
    taken: set[str] = {"manifest.yaml", "manifest.yml", "manifest.csv"}
    total = 0
    for index, (name, data) in enumerate(files):
        if index >= MAX_FILES:
            rejected.append(ReadError(name, f"more than {MAX_FILES} files in one upload"))
            continue
        reason = check_file(name, len(data))
        if reason is None and total + len(data) > MAX_TOTAL_BYTES:
            reason = f"the upload is over {_size(MAX_TOTAL_BYTES)} in all"
        if reason is not None:
            rejected.append(ReadError(name, reason))
            continue
        total += len(data)
        path = folder / safe_name(name, taken)
        path.write_bytes(data)
        saved.append((path, name))
    return saved, rejected


def _original_names(errors: Iterable[ReadError], names: dict[str, str]) -> list[ReadError]:
    """Errors naming the temporary path renamed to the uploaded file's name."""
    out = []
    for error in errors:
        origin = error.origin
        for path, name in names.items():
            if origin.startswith(path):
                origin = name + origin[len(path) :]
                break
        out.append(ReadError(origin, error.reason))
    return out


def read_saved(
    saved: Iterable[tuple[Path, str]],
    limit: int = MAX_UPLOAD_ARTICLES,
    columns=None,
) -> tuple[list, list[ReadError], list[ReadError]]:
    """The articles of the saved files, the records that could not be read, and a note
    for each file read only in part or not at all because the upload reached `limit`
    records. Reading stops at the limit: the rest of a file is never parsed."""
    from geo.read.articles import read_paths

    articles: list = []
    errors: list[ReadError] = []
    notes: list[ReadError] = []
    records = 0
    for path, name in saved:
        if records >= limit:
            notes.append(ReadError(name, f"not read: {UPLOAD_CAP_REASON}"))
            continue
        for item in read_paths([path], columns):
            if records >= limit:  # one record more than the limit: the file goes on
                notes.append(ReadError(name, UPLOAD_CAP_REASON))
                break
            records += 1
            (errors if isinstance(item, ReadError) else articles).append(item)
    return articles, errors, notes


def ingest_files(
    files: Iterable[tuple[str, bytes]],
    store: Store | Location,
    progress: Progress | None = None,
    columns=None,
    limit: int = MAX_UPLOAD_ARTICLES,
    **kwargs,
) -> UploadResult:
    """Check, save and ingest uploaded files ((name, content) pairs), at most `limit`
    records of them; `kwargs` go to geo.ingest.pipeline.ingest_articles."""
    from geo.ingest.pipeline import IngestSummary, ingest_articles

    files = list(files)
    with tempfile.TemporaryDirectory(prefix="geo-upload-") as tmp:
        folder = Path(tmp)
        saved, rejected = save_files(files, folder)
        result = UploadResult(rejected=rejected)
        if not saved:
            return result
        articles, errors, result.notes = read_saved(saved, limit, columns)
        summary = ingest_articles(
            articles, store, progress=progress, summary=IngestSummary(skipped=errors), **kwargs
        )
        # After the pipeline: it may skip an article too, named by its temporary path.
        summary.skipped = _original_names(summary.skipped, {str(p): n for p, n in saved})
        result.summary = summary
    return result


@dataclass(frozen=True)
class PastedArticle:
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None

    def problem(self) -> str | None:
        if not self.text.strip():
            return "the text is empty"
        if len(self.text) > MAX_PASTE_CHARS:
            return (
                f"the text is too long ({len(self.text):,} characters; at most {MAX_PASTE_CHARS:,})"
            )
        for label, value in (("title", self.title), ("publisher", self.source), ("URL", self.url)):
            if len(value) > MAX_FIELD_CHARS:
                return f"the {label} is too long (at most {MAX_FIELD_CHARS} characters)"
        return None

    def metadata(self) -> dict:
        fields = {
            "title": self.title.strip(),
            "source": self.source.strip(),
            "url": self.url.strip(),
            "published": self.published.isoformat() if self.published else "",
        }
        return {k: v for k, v in fields.items() if v}


def ingest_pasted(
    pasted: PastedArticle,
    store: Store | Location,
    progress: Progress | None = None,
    **kwargs,
) -> UploadResult:
    """Ingest one pasted article; a problem with it is a rejection, not an exception."""
    from geo.ingest.pipeline import ingest_articles
    from geo.read.articles import read_text_article

    problem = pasted.problem()
    if problem is not None:
        return UploadResult(rejected=[ReadError("pasted text", problem)])
    try:
        article = read_text_article(pasted.text, "pasted text", pasted.metadata())
    except ValueError as exc:
        return UploadResult(rejected=[ReadError("pasted text", str(exc))])
    summary = ingest_articles([article], store, progress=progress, **kwargs)
    return UploadResult(summary=summary)


def result_lines(result: UploadResult) -> list[str]:
    """A short account of an upload, for the page."""
    lines = []
    if result.summary is not None:
        unchanged = int(getattr(result.summary, "unchanged", 0) or 0)
        lines.append(
            f"{result.read} article{'s' if result.read != 1 else ''} read, "
            f"{result.stored} stored"
            + (f", {unchanged} already in the database" if unchanged else "")
            + f", {result.events} event{'s' if result.events != 1 else ''} found"
        )
    return lines
