"""Reading a dashboard page's data table back as text cells, for tests that compare it with a
hand route."""

from __future__ import annotations

import html
import re


def captioned_rows(page: str, caption: str) -> list[list[str]]:
    """The body rows (cells unescaped and stripped) of the table whose caption is ``caption``."""
    table = page[page.index(f"<caption>{caption}</caption>") :]
    body = table[: table.index("</table>")]
    return [
        [html.unescape(cell.strip()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        if "<td>" in row
    ]
