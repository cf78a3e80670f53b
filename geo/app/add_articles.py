"""Adding articles: uploaded files or a pasted text, ingested with a progress bar; the
report (stored, skipped, every problem with its file or row) stays until the next one."""

from __future__ import annotations

import streamlit as st

from geo.app import editor
from geo.ingest import upload
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
REPORT = "upload_report"  # the last ingest's report, shown after its rerun
KEYS = (
    UPLOAD_FORM,
    UPLOAD_FILES,
    PASTE_FORM,
    PASTE_TEXT,
    PASTE_TITLE,
    PASTE_SOURCE,
    PASTE_URL,
    PASTE_DATE,
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
