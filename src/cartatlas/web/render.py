"""Jinja2 set-up for the pages: one base template, the report's inline-text filter (bold, code,
citation markers), and the navigation every page shows."""

from __future__ import annotations

from functools import cache
from typing import Any

import pycountry
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from cartatlas.report.model import Figure, Paragraph, Table
from cartatlas.report.render import inline_html
from cartatlas.web.questions import QUESTIONS


@cache
def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or (found.name if found else code)


def inline_on(text: str, page: str) -> Markup:
    """Inline text whose citation markers link to the references of another page (the
    overview shows each question's answer; its references are on the question's page)."""
    return Markup(str(inline_html(text)).replace('href="#ref-', f'href="{escape(page)}#ref-'))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cartatlas.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["inline"] = inline_html
    env.filters["inline_on"] = inline_on
    env.filters["country_name"] = country_name
    env.tests["table"] = lambda block: isinstance(block, Table)
    env.tests["figure"] = lambda block: isinstance(block, Figure)
    env.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
    env.globals["questions"] = QUESTIONS
    return env


templates = Jinja2Templates(env=_environment())


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)
