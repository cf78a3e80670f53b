"""User-supplied strings shown as plain text in Streamlit's Markdown (st.success, st.error,
st.caption, st.markdown...). Nothing here imports Streamlit.

Streamlit renders those calls as Markdown: CommonMark and GitHub's extensions, plus its
own LaTeX (`$x$`), colours (`:red[...]`), icons (`:material/home:`) and emoji shortcodes.
A file name like `**x**[y](http://z)` or `<img src=http://z>` would become markup, a
link or a request to another site. `markdown_text` writes any string so that it reads as
exactly its own characters.
"""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation character, and an escaped one is
# only text: no emphasis, link, image, HTML, heading, list, table, code, math or
# directive can start from it. Left alone: the few that start nothing in CommonMark, GFM
# or Streamlit's extensions, so that a message's source stays readable ("1 read, 2 stored").
_INERT = set(",;?%'\"")
_PUNCTUATION = re.compile(
    "[" + re.escape("".join(c for c in string.punctuation if c not in _INERT)) + "]"
)
# GitHub's link finder runs on the text after escapes are read (so `http\://x` is still
# linked): a WORD JOINER (invisible, no width) inside each place a link could start from
# leaves it nothing to find. It sits between `:` and `//`, after `www` and after `@`.
WORD_JOINER = "\u2060"
_LINK_STARTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")


def markdown_text(value: object) -> str:
    """`value` as Markdown that shows exactly its text, on one line.

    Line breaks become spaces (a report line is one line), the ends lose their spaces,
    ASCII punctuation that could start markup is backslash-escaped, and would-be links
    are broken by an invisible WORD JOINER."""
    # Spaces or a tab at the start would make an indented code block, where escapes show;
    # HTML does not show them anyway.
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value)).strip()
    text = _LINK_STARTS.sub(WORD_JOINER, text)
    return _PUNCTUATION.sub(lambda m: "\\" + m.group(), text)
