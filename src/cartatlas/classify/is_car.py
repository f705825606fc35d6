"""Is the trial's investigational product a cell engineered with a chimeric antigen receptor?

Rule, in order (the reason names the deciding field and words):

1. An intervention is a CAR product (CAR words, a ``-cabtagene`` INN or a known code) → yes,
   unless the title says the trial is about preventing or treating the product's toxicity and
   another drug is the one under study (supportive care → no).
2. The title names a CAR product as the thing given, not as prior therapy or setting → yes.
3. Every intervention is a named non-CAR therapy (a drug, antibody, vaccine, procedure…) → no:
   CAR words elsewhere are background, prior therapy or eligibility.
4. The summary names a CAR product as what participants receive or what is followed → yes.
5. Otherwise no; the reason says whether CAR appeared only as prior therapy/context.

"Prior therapy or setting" is read from the words just before a CAR mention ("after", "post",
"failed", "receiving", "ineligible for"…) or just after it ("failure", "-associated toxicity").
Other engineered or adoptive cells (TCR-T, TIL, CIK, DC vaccines, bispecific antibodies) never
match the CAR words, so they fall to "no" unless a CAR product is given alongside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from cartatlas.classify.matching import Hit, hits, quote
from cartatlas.classify.products import INN_STEM, known_products
from cartatlas.classify.record import Intervention, TrialRecord
from cartatlas.classify.rules import Rule, Words, part, present

# "CAR" as a word or inside a product name (CAR-T, CART19, 4SCAR, UCART, cCAR, CAAR-T…), but not
# CARBOPLATIN, CARDIAC or OSCAR: the letters around it must look like a construct name.
_CAR_TOKEN = re.compile(
    r"(?<![A-Za-z])(?P<pre>(?:CD\d+[a-z]?)?\d?[A-Za-z]{0,5}?)(?P<core>CAA?R)(?P<post>[A-Za-z0-9γδ]*)"
)
_PRE_OK = re.compile(r"^(?:CD\d+[a-z]?|\d?S|[a-z]\w*|[A-Z][a-z]{1,5}|(?!OS$|SO$)[A-Z]{1,3})?$")
_POST_OK = re.compile(
    r"^(?:s|T|Ts|T\d+\w*|\d+\w*|v\d\w*|NKT?|M|DC|CIK|Treg|Temis|vac|γδ\w*|T[A-Z]{0,2}\d\w*)?$"
)
_BARE_CAR_CONTEXT = re.compile(
    r"^[\s\-–]*(?:[-‐]?\s?(?:T|NK|NKT|M|DC|macrophages?|monocytes?|Tregs?)\b|[-‐]?\s?(?:γδ|gamma)|[\w-]*\s?(?:cells?|T[\s-]?cells?|lymphocytes?|"
    r"engineered|modified|transduced|expressing|therap\w*|construct|vector|gene|product|"
    r"positive|\+|infusion|immunotherap\w*|targeting|directed)\b|[-‐.]\d|[-‐.][A-Z]{2,}|/)",
    re.IGNORECASE,
)
# "CD19 CAR", "anti-BCMA CAR", "HER2-specific CAR": a bare CAR right after an antigen name.
_ANTIGEN_BEFORE = re.compile(
    r"(?:\banti-?[\w.-]+|\b(?=[\w.-]*[A-Z])[\w.-]*\d[\w.-]*|\b[A-Z]{3,}[\w.-]*|"
    r"-?(?i:specific|targeted|targeting|directed|redirected|generation))[\s-]*$"
)
_SPELLED = Rule(
    r"chimeric[\s-]+(?:antigen|autoantibody)[\s-]+receptors?|\bcar[-‐]t\b|\bcar\s?t[\s-]?cells?\b"
    r"|\bcart\s?cells?\b|\bCar[-\s]?(?:NK|M)\b|\bin[\s-]vivo (?:CAR|LV\b|lentivir)",
    re.IGNORECASE,
)
# Older wording for CAR cells; TCR-engineered cells use the same verbs, so those are excluded.
_ENGINEERED = Rule(
    r"chimeric[\s-]+(?:immuno|switch|NKG2D|T[\s-]cell)?[\s-]*receptors?"
    r"|\bre-?directed\b[^.;]{0,40}\b(?:T[\s-]?cells?|lymphocytes)"
    r"|\bT[\s-]?(?:cells?|lymphocytes) (?:re-?directed|genetically targeted|"
    r"(?:genetically )?engineered\b[^.;]{0,40}\bto target)"
    r"|\bgenetically (?:targeted|redirected)\b|[-\s]targeted (?:autologous )?T[\s-]cells?\b"
    r"|\bT[\s-]cells? targeted to\b",
    re.IGNORECASE,
)
# Engineered T cells that carry a T-cell receptor, not a CAR.
_TCR = Rule(r"\bTCR|T[\s-]cell receptor|\bTIL\b|tumou?r[- ]infiltrating", re.IGNORECASE)

# Context around a CAR mention (the window before it is searched at its words' places; the one
# after is anchored, so a plain match is as cheap).
_CONTEXT_BEFORE = Rule(
    r"(?:\b(?:after|following|post|prior|previous(?:ly)?|failed|failure (?:of|to|after)|"
    r"relaps\w* (?:after|following|post)|refractory to|resistan\w* to|progress\w* (?:on|after)|"
    r"(?:in)?eligible for|candidates? for|commercial(?:ly)?|standard[- ]of[- ]care|such as|"
    r"including|exposed to|exposure to)\b"
    r"|\b(?:patients?|participants?|subjects?|people|persons|adults|children|individuals|those|"
    r"recipients)\b[^.;]{0,50}\b(?:treated with|received|receiving|undergo\w*|underwent|who had)"
    r")[^.;]{0,40}$",
    re.IGNORECASE,
)
_CONTEXT_AFTER = Rule(
    r"^[\s-]*(?:T|NK)?[\s-]*(?:cells?)?[\s-]*(?:therapy|therapies|treatment|infusion)?[\s-]*"
    r"(?:failure|relapse|recipients?|(?:associated|related|induced|mediated)\b)",
    re.IGNORECASE,
)
_AFTER = re.compile(_CONTEXT_AFTER.pattern, _CONTEXT_AFTER.flags)
# Follow-up studies and cohorts of people given a CAR product study that product.
_FOLLOW_UP = Rule(r"follow[- ]?up|\bLTFU\b|long[- ]term|registry|real[- ]world", re.I)
SUPPORTIVE = Rule(
    r"\b(?:pneumococcal|influenza|RSV|COVID|SARS-CoV-2|zoster|hepatitis B)\b|"
    r"\b(?:prevent\w*|prophyla\w*|mitigat\w*|reduc\w*|ameliorat\w*|manag\w*|treatment of|"
    r"treating)\b[^.;]{0,90}\b(?:CRS|cytokine release|neurotox\w*|ICANS|encephalopathy|"
    r"toxicit\w*|infections?|cytopeni\w*|HLH)\b|\b(?:CRS|ICANS|neurotoxicity) prophylaxis\b",
    re.IGNORECASE,
)
# Interventions that accompany any cell therapy and say nothing about what is under study.
_ANCILLARY = Rule(
    r"cyclophosph|cytoxan|fludar|bendamust|mesna|lymphodeplet|condition|leuka?pheresis|apheresis|"
    r"\bblood\b|sample|biops|specimen|\bMRIs?\b|PET|evaluation|cognitive|FACT-|\bCT\b|imaging|questionnaire|survey|interview|"
    r"assessment|\btest|\bECG\b|\becho|biomarker|pharmacokinetic|laboratory|observation|"
    r"follow[- ]?up|no intervention|data collection|quality of life|standard of care|"
    r"bridging|\bdose level|\bcohort\b|\barm\b|monitoring|scale\b|thermometer|lecture|"
    r"support\b",
    re.IGNORECASE,
)
# A named non-CAR therapy: an INN-like drug name, an antibody, vaccine, radiation or procedure.
_NAMED_THERAPY = Rule(
    r"\b[A-Za-z]{3,}(?:mab|nib|lib|zomib|mide|platin|rubicin|taxel|tine|bine|sine|mycin|vir|"
    r"cept|kin|stim|sone|lone|tide|ase|stat|lisib|clax|parin|olol|ciclib|trexate|azole|ine|ol)\b|"
    r"\b(?:vaccin\w*|radiation|radiotherapy|irradiation|transplant\w*|HSCT|placebo|"
    r"immunoglobulin|IVIG|interferon|microbiota|diet|exercise|training|educat\w*|device|"
    r"surgery|resection|TIL|tumou?r[- ]infiltrating|TCR|CIK|dendritic|DC[- ]?vac|"
    r"bispecific|BiTE|antibod\w*|chemotherapy|R-CHOP|regimen|inhibitor)\b",
    re.IGNORECASE,
)
# Summary sentences that describe what the trial itself gives or follows up.
_TRIAL_ACTION = Rule(
    r"\b(?:this|the present|our) (?:study|trial|protocol)|\bwill (?:receive|be (?:treated|given|"
    r"infused|administered))|\binfus\w*|\badminist\w*|\bevaluat\w*|\binvestigat\w*|\bassess\w*|"
    r"\bexplor\w*|\bfollow\w* up|\blong[- ]term",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def car_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` that name a CAR construct or CAR-engineered product."""
    return tuple(sorted(set(_car_spans(text))))


def _car_spans(text: str) -> Iterator[tuple[int, int]]:
    """:func:`car_spans` unsorted, found lazily, so that :func:`mentions_car` can stop at the
    first."""
    words = present(text)
    yield from (m.span() for m in _SPELLED.finditer(text, words))
    engineered = _ENGINEERED.finditer(text, words)
    yield from (m.span() for m in engineered if not _TCR.search(_around(text, m)))
    for m in _car_tokens(text):
        pre, post = m.group("pre"), m.group("post")
        if not (_PRE_OK.match(pre) and _POST_OK.match(post)):
            continue
        bare = not pre and m.group("core") == "CAR" and post in ("", "s", "T", "Ts")
        if bare and not (
            _BARE_CAR_CONTEXT.match(text[m.end() : m.end() + 40])
            or _ANTIGEN_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
        ):
            continue
        yield m.span()
    yield from (m.span() for m in INN_STEM.finditer(text, words))
    yield from (m.span() for m, _ in known_products(text))


_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _car_tokens(text: str) -> Iterator[re.Match[str]]:
    """What ``_CAR_TOKEN.finditer(text)`` finds, tried only where a token can start: its core
    (``CAR``/``CAAR``, upper case) preceded by nothing but the ASCII letters and digits of its
    prefix, so a match starts in the run of those just before a core, or at the core."""
    position = tried = 0  # matches resume at ``position``; starts below ``tried`` were tried
    at = text.find("CA")
    while at >= 0:
        if text.startswith("R", at + 2) or text.startswith("AR", at + 2):
            run = at  # where the letters and digits before the core begin
            while run > 0 and text[run - 1] in _TOKEN_CHARS:
                run -= 1
            for start in range(max(run, tried, position), at + 1):
                m = _CAR_TOKEN.match(text, start)
                if m:
                    yield m
                    position = m.end()
                    break
            tried = at + 1
        at = text.find("CA", at + 1)


def _around(text: str, m: re.Match[str]) -> str:
    """The words on either side of a match (not the match itself)."""
    return f"{text[max(0, m.start() - 60) : m.start()]} … {text[m.end() : m.end() + 60]}"


@lru_cache(maxsize=8192)
def mentions_car(text: str) -> bool:
    """Whether ``text`` has a :func:`car_spans` span, looked for up to the first one: it is
    all that is asked of intervention names and descriptions (1,574 of the 2,576 distinct ones
    of the store name a CAR), whose spans are not quoted."""
    return next(_car_spans(text), None) is not None


class _CarPattern:
    """Adapter so :func:`matching.hits` can iterate CAR spans like regex matches."""

    def finditer(self, text: str) -> tuple[_Span, ...]:
        return _car_matches(text)


class _Span(tuple):
    """A span that answers ``start()`` and ``end()`` as a match does."""

    __slots__ = ()

    def start(self) -> int:
        return self[0]

    def end(self) -> int:
        return self[1]


@lru_cache(maxsize=8192)
def _car_matches(text: str) -> tuple[_Span, ...]:
    """The CAR spans of ``text`` as matches, made once per text (titles are asked by several
    labels)."""
    return tuple(map(_Span, car_spans(text)))


CAR_PATTERN = _CarPattern()


def is_context(hit: Hit, words: Words | None = None) -> bool:
    """True when a CAR mention is prior therapy, eligibility or the setting of something else.

    The words of a window are among those of the hit's text (``words``, when known), so a
    pattern none of whose words that text holds is not tried (most texts lack the words after
    a mention), and the window before is tried only where its words place a match."""
    words = words or present(hit.text)
    if _CONTEXT_BEFORE.may_match(words):
        window = hit.before(70)
        if _CONTEXT_BEFORE.search(window, part(words, window)):
            return True
    return bool(_CONTEXT_AFTER.may_match(words) and _AFTER.match(hit.after(40)))


_NOT_GIVEN = Rule(r"monitoring|assessment|follow[- ]?up|sampl\w*|collection", re.IGNORECASE)


def car_interventions(record: TrialRecord) -> list[Intervention]:
    """Interventions that are a CAR product given in the trial (not "CAR-T monitoring")."""
    return [i for i in record.interventions if _gives_car(i.name, i.description or "")]


@lru_cache(maxsize=8192)
def _gives_car(name: str, description: str) -> bool:
    """Several labels ask this of every intervention, and interventions repeat across trials."""
    return (mentions_car(name) or mentions_car(description)) and not _NOT_GIVEN.search(name)


@lru_cache(maxsize=8192)
def _other(name: str) -> tuple[bool, bool]:
    """Whether an intervention is something other than a CAR product or its workup, and
    whether it is a named therapy; asked several times per trial, of names that repeat."""
    other = not mentions_car(name) and not _ANCILLARY.search(name)
    return other, other and bool(_NAMED_THERAPY.search(name))


def _named_therapies(record: TrialRecord) -> list[str]:
    """Interventions that are clearly something other than a cell product or its workup."""
    return [i.name for i in record.interventions if _other(i.name)[1]]


def _opaque(record: TrialRecord) -> list[str]:
    """Interventions named only by a code or a generic word ("GC012F injection", "Treatment")."""
    named = set(_named_therapies(record))
    return [i.name for i in record.interventions if i.name not in named and _other(i.name)[0]]


def _non_car(record: TrialRecord) -> list[str]:
    """Interventions other than CAR products and their workup (drugs, codes, devices…)."""
    return [i.name for i in record.interventions if _other(i.name)[0]]


def _title_hits(record: TrialRecord) -> list[Hit]:
    """The CAR mentions of the fields that say what a trial is about, besides interventions."""
    return list(hits(record, CAR_PATTERN, ("title", "official_title", "arms", "keywords")))


def _all_context(title_hits: list[Hit]) -> bool:
    """Whether the titles mention CAR, and only as prior therapy or setting."""
    return bool(title_hits) and all(is_context(h) for h in title_hits)


def is_car(record: TrialRecord) -> tuple[bool, str]:
    """``(is_car, reason)`` for one trial; see the module docstring for the rule."""
    supportive = next(hits(record, SUPPORTIVE, ("title", "official_title")), None)
    products = car_interventions(record)
    if products:
        # The CAR words of the titles matter here only for supportive care (no other label
        # reads their spans, so most CAR trials never look for them).
        if supportive and (_non_car(record) or _all_context(_title_hits(record))):
            return False, f"supportive care around CAR therapy; {quote(supportive)}"
        return True, f"interventions: '{products[0].name}'"

    if supportive:
        return False, f"supportive care around CAR therapy; {quote(supportive)}"
    title_hits = _title_hits(record)
    if title_hits:
        titles = record.texts("title", "official_title")
        follow_up = any(_FOLLOW_UP.search(text) for _, text in titles)
        subject = next((h for h in title_hits if follow_up or not is_context(h)), None)
        if subject:
            return True, quote(subject)
    others = _named_therapies(record)
    if title_hits:
        if not others and not _non_car(record):
            # "Infections in patients treated with CAR-T": nothing else given, CAR is the exposure.
            return True, f"CAR therapy is the exposure studied, {quote(title_hits[0])}"
        return False, f"CAR only as prior therapy or context, {quote(title_hits[0])}"

    text_hits = list(hits(record, CAR_PATTERN, ("brief_summary", "detailed_description")))
    codes = _opaque(record)
    if others and not codes:
        seen = f", {quote(text_hits[0])}" if text_hits else ""
        return False, f"trial gives {others[0]!r}; CAR not the product{seen}"
    if codes or not record.interventions:
        for hit in text_hits:
            if not is_context(hit):
                return True, quote(hit)
    if text_hits:
        return False, f"CAR only as prior therapy, context or background, {quote(text_hits[0])}"
    return False, "no CAR-engineered product named"
