"""The "Copy share link" button: a small page (st.components.v1.html) whose button puts
the link on the clipboard at once, without a popover to open first.

The link carries the reader's search text, so it goes into the page only as a JSON string
with `<`, `>` and `&` escaped (no `</script>` can end the script early).
"""

from __future__ import annotations

import json

BUTTON_HEIGHT = 44  # px of the component's frame


def _js_string(value: str) -> str:
    return (
        json.dumps(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def copy_button_html(link: str, label: str = "Copy share link") -> str:
    """A button that copies `link` (navigator.clipboard, else a selected textarea and
    execCommand for pages not served over https or localhost) and says it did."""
    return f"""<!doctype html><html><head><style>
body {{ margin: 0; font-family: "Source Sans Pro", sans-serif; }}
button {{ font: inherit; font-size: 15px; padding: 6px 14px; border-radius: 8px;
  border: 1px solid rgba(49, 51, 63, 0.25); background: #fff; cursor: pointer; }}
button:hover {{ border-color: #ff4b4b; color: #ff4b4b; }}
span {{ margin-left: 8px; font-size: 14px; color: #2e7d32; }}
</style></head><body>
<button id="copy" type="button">🔗 {label}</button><span id="done" role="status"></span>
<script>
const link = {_js_string(link)};
function fallback() {{
  const area = document.createElement("textarea");
  area.value = link;
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}}
document.getElementById("copy").addEventListener("click", async () => {{
  const done = document.getElementById("done");
  let ok = false;
  try {{ await navigator.clipboard.writeText(link); ok = true; }}
  catch (error) {{ ok = fallback(); }}
  done.textContent = ok ? "Copied" : "Copy failed: select the link below";
  window.parent.postMessage({{geoShareCopied: ok}}, "*");
}});
</script></body></html>"""
