"""Render the policy's plain text as safe HTML: '# ' headings, '- ' list items, blank-line paragraphs."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def policy_html(text: str) -> SafeString:
    out: list[str] = []
    paragraph: list[str] = []
    in_list = False

    def flush():
        nonlocal paragraph
        if paragraph:
            out.append("<p>" + escape(" ".join(paragraph)) + "</p>")
            paragraph = []

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if line.startswith(("- ", "* ")):
            flush()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append("<li>" + escape(line[2:].strip()) + "</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if line.startswith("#"):
            flush()
            level = min(len(line) - len(line.lstrip("#")), 3)
            # h1 is the page's own title; the document's headings start at h2.
            out.append(f"<h{level + 1}>" + escape(line.lstrip("#").strip()) + f"</h{level + 1}>")
        elif not line:
            flush()
        else:
            paragraph.append(line)
    flush()
    if in_list:
        out.append("</ul>")
    return mark_safe("\n".join(out))  # noqa: S308  (every piece of text above is escaped)
