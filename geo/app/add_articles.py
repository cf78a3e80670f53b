"""Adding articles: uploaded files, a pasted text, or URLs of pages and feeds, ingested
with a progress bar; the report (stored, skipped, every problem with its file, row or URL)
stays until the next one."""

from __future__ import annotations

import streamlit as st

from geo.app import editor
from geo.ingest import upload
from geo.models import ReadError
from geo.view.editing import Access
from geo.view.plaintext import markdown_text as text

MAX_REPORTED_PROBLEMS = 50  # lines of an upload's report; a broken CSV can have thousands

UPLOAD_FORM = "upload_form"
UPLOAD_FILES = "upload_files"
PASTE_FORM = "paste_form"
PASTE_TEXT = "paste_text"
PASTE_TITLE = "paste_title"
PASTE_SOURCE = "paste_source"
PASTE_URL = "paste_url"
PASTE_DATE = "paste_date"
URL_FORM = "url_form"
URL_TEXT = "url_text"
REPORT = "upload_report"  # the last ingest's report, shown after its rerun
MAX_URLS = 20  # per submission: each is fetched politely (a second per host) in the page's run
KEYS = (
    UPLOAD_FORM,
    UPLOAD_FILES,
    PASTE_FORM,
    PASTE_TEXT,
    PASTE_TITLE,
    PASTE_SOURCE,
    PASTE_URL,
    PASTE_DATE,
    URL_FORM,
    URL_TEXT,
    REPORT,
)


def _run_ingest(label: str, work) -> None:
    bar = st.progress(0.0, text=f"{label}: reading…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"{label}: {done} of {total}")

    try:
        result = work(progress)
    except Exception as exc:  # report, never crash the page
        bar.empty()
        st.error(f"{label} failed: {text(exc)}")
        return
    bar.progress(1.0, text=f"{label}: done")
    st.session_state[REPORT] = {
        "lines": upload.result_lines(result),
        "notes": [(e.origin, e.reason) for e in result.notes],
        "errors": [(e.origin, e.reason) for e in result.errors],
    }
    st.rerun()  # the database changed: reload the events


def panel(db_path, access: Access) -> None:
    if not access.can_edit:
        st.info(f"{access.reason} Viewers can filter, read and export, not add articles.")
        return
    st.caption(
        f"Files: {', '.join(upload.ALLOWED_EXTENSIONS)}; at most {upload.MAX_FILES} files, "
        f"{upload.MAX_FILE_BYTES // (1024 * 1024)} MB each. CSV and JSONL: one article per row."
    )
    with st.form(UPLOAD_FORM, clear_on_submit=True):
        files = st.file_uploader(  # types are checked by geo.ingest.upload, one reason per file
            "Upload articles", accept_multiple_files=True, key=UPLOAD_FILES
        )
        sent = st.form_submit_button("Add the files")
    with st.form(PASTE_FORM, clear_on_submit=True):
        pasted_text = st.text_area("Or paste an article", height=160, key=PASTE_TEXT)
        c1, c2, c3, c4 = st.columns(4)
        pasted = upload.PastedArticle(
            pasted_text,
            c1.text_input("Title", key=PASTE_TITLE),
            c2.text_input("Publisher", key=PASTE_SOURCE),
            c3.text_input("URL", key=PASTE_URL),
            c4.date_input("Published", value=None, key=PASTE_DATE),
        )
        paste_sent = st.form_submit_button("Add the text")

    if (sent and files) or paste_sent:
        refused = editor.take_upload()
        if refused:
            st.error(refused)
            sent = paste_sent = False
    if sent and files:
        payload = [(f.name, f.getvalue()) for f in files]
        _run_ingest("Upload", lambda p: upload.ingest_files(payload, db_path, progress=p))
    elif sent:
        st.warning("Choose one or more files first.")
    if paste_sent:
        _run_ingest("Pasted text", lambda p: upload.ingest_pasted(pasted, db_path, progress=p))
    url_form(db_path)
    _report(st.session_state.get(REPORT))


def _report(report: dict | None) -> None:
    if not report:
        return
    for line in report["lines"]:
        st.success(text(line))
    for origin, reason in report.get("notes", []):
        st.warning(f"{text(origin)}: {text(reason)}")
    for origin, reason in report["errors"][:MAX_REPORTED_PROBLEMS]:
        st.error(f"{text(origin)}: {text(reason)}")
    more = len(report["errors"]) - MAX_REPORTED_PROBLEMS
    if more > 0:
        st.caption(f"… and {more:,} more not read.")


# --- URLs of article pages and feeds ------------------------------------------------------------


def url_form(db_path) -> None:
    """A form for URLs (one a line): pages and RSS/Atom feeds, fetched as `geo fetch` does."""
    with st.form(URL_FORM, clear_on_submit=True):
        typed = st.text_area(
            "Or give URLs of articles or of RSS/Atom feeds, one a line",
            height=100,
            key=URL_TEXT,
            placeholder="https://news.example.org/world/rss.xml",
        )
        sent = st.form_submit_button("Fetch the URLs")
    if not sent:
        return
    urls = list(dict.fromkeys(line.strip() for line in typed.splitlines() if line.strip()))
    if not urls:
        st.warning("Give one or more URLs first.")
        return
    if len(urls) > MAX_URLS:
        st.warning(
            f"At most {MAX_URLS} URLs at a time: the first {MAX_URLS} are fetched; "
            "use `python -m geo fetch` or a watched feed (Sources) for more."
        )
        urls = urls[:MAX_URLS]
    _fetch_urls(urls, db_path)


def _fetch_urls(urls: list[str], db_path) -> None:
    from geo.ingest.fetching import failed_urls, fetch_and_ingest

    bar = st.progress(0.0, text=f"URLs: 0 of {len(urls)}")
    boxes: dict[int, object] = {}
    read: dict[int, int] = {}

    def progress(step) -> None:
        if step.item is None:  # this URL starts: its own box, open while it runs
            if boxes:
                last = max(boxes)
                boxes[last].update(state="complete", expanded=False)
            boxes[step.number] = st.status(text(step.url), expanded=True)
            read[step.number] = 0
            bar.progress(
                (step.number - 1) / step.total, text=f"URLs: {step.number} of {step.total}"
            )
            return
        box = boxes[step.number]
        item = step.item
        if isinstance(item, ReadError):
            box.write(f"✗ {text(item.origin)}: {text(item.reason)}")
        else:
            read[step.number] += 1
            box.write(f"✓ {text(item.title or item.url or item.article_id)}")
        box.update(label=f"{text(step.url)}: {read[step.number]} read")

    try:
        summary, stats = fetch_and_ingest(urls, db_path, _fetcher(), progress=progress)
    except Exception as exc:  # report, never crash the page
        bar.empty()
        st.error(f"Fetching failed: {text(exc)}")
        return
    bar.progress(1.0, text="URLs: done")
    failed = failed_urls(urls, summary)
    lines = [
        f"{len(urls) - len(failed)} of {len(urls)} URL{'s' if len(urls) != 1 else ''} read: "
        f"{summary.read} article{'s' if summary.read != 1 else ''} fetched, "
        f"{summary.stored} stored"
        + (f", {summary.unchanged} already in the database" if summary.unchanged else "")
        + f", {summary.events} event{'s' if summary.events != 1 else ''} found"
    ]
    notes = []
    if stats.seen:
        notes.append(("Feeds", f"{stats.seen} entries seen before, not fetched again"))
    st.session_state[REPORT] = {
        "lines": lines,
        "notes": notes,
        "errors": [(e.origin, e.reason) for e in summary.skipped],
    }
    st.rerun()  # the database changed: reload the events


def _fetcher():
    from geo.ingest.fetching import default_fetcher

    return default_fetcher()
