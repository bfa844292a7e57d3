"""The site's words and date formats in French and English (Babel formats the dates)."""

from __future__ import annotations

import datetime as dt
import functools

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from pmgen.theme_words import PLURALS, THEME_WORDS

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
NBSP = "\u00a0"  # between a number and its unit: `47 min` never breaks in two

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "postmortems": "Postmortems",
        "skip": "Aller au contenu",
        "date": "Date",
        "severity": "Sévérité",
        "status": "Statut",
        "services": "Services",
        "service": "Service",
        "authors": "Auteurs",
        "tags": "Étiquettes",
        "tag": "Étiquette",
        "year": "Année",
        "years": "Années",
        "contents": "Sommaire",
        "previous": "Précédent",
        "next": "Suivant",
        "all_postmortems": "Tous les postmortems",
        "count": "Postmortems\u00a0: {n}",
        "no_postmortems": "Aucun postmortem pour l'instant.",
        "no_postmortem_yet": "Aucun postmortem pour l'instant —",
        "new_command": 'pmgen new "Titre"',
        "not_found": "Page introuvable",
        "not_found_text": "Cette page n'existe pas (ou plus).",
        "back_home": "Retour à l'accueil",
        "feed": "Flux Atom",
        "draft": "brouillon",
        "review": "en relecture",
        "published": "publié",
        "anchor": "Lien vers cette section",
        "metadata": "Informations",
        "browse": "Parcourir",
        "generated": "Généré par pmgen",
        "summary": "Résumé",
        "section_missing": "section absente",
        "impact": "Impact",
        "durations": "Durées",
        "duration_impact": "Impact",
        "duration_detect": "Délai de détection",
        "duration_mitigate": "Délai d'atténuation",
        "duration_resolve": "Délai de résolution",
        "milestone_started": "Début",
        "milestone_detected": "Détection",
        "milestone_mitigated": "Atténuation",
        "milestone_resolved": "Résolution",
        "timeline": "Chronologie",
        "actions": "Actions",
        "open_actions": "Actions ouvertes",
        "open_of_total": "ouvertes\u00a0: {open} sur {total}",
        "owner": "Responsable",
        "due": "Échéance",
        "overdue": "en retard",
        "no_owner": "sans responsable",
        "postmortem": "Postmortem",
        "stats": "Statistiques",
        "chart_data": "Données du graphique",
        "approximate": "environ",
        "day": "jour",
        "days": "jours",
        "colon": "\u00a0: ",
        "undated": "Sans date",
        "inferred_short": "déduit",
        "inferred": "déduit de la chronologie",
        "impact_from_front-matter": "d'après les jalons déclarés",
        "impact_from_inferred": "d'après les jalons déduits de la chronologie",
        "impact_from_timeline": "de la première à la dernière entrée datée",
        "impact_mixed": "début {start}, fin {end}",
        "start_front-matter": "déclaré",
        "start_inferred": "déduit de la chronologie",
        "start_timeline": "à la première entrée datée",
        "end_front-matter": "déclarée",
        "end_inferred": "déduite de la chronologie",
        "end_timeline": "à la dernière entrée datée",
        "times_in": "Heures en {zone}",
        "search": "Rechercher",
        "search_label": "Mots cherchés",
        "any": "Tous",
        "search_results": "Résultats\u00a0: {n}",
        "search_none": "Aucun résultat.",
        "search_unavailable": "La recherche n'est pas disponible ici : ouvrez le site depuis un "
        "serveur web (pas en file://), ou parcourez par service, étiquette, sévérité ou année.",
        "search_needs_js": "La recherche a besoin de JavaScript ; sans lui, parcourez les "
        "postmortems par service, étiquette, sévérité ou année.",
    },
    "en": {
        "postmortems": "Postmortems",
        "skip": "Skip to content",
        "date": "Date",
        "severity": "Severity",
        "status": "Status",
        "services": "Services",
        "service": "Service",
        "authors": "Authors",
        "tags": "Tags",
        "tag": "Tag",
        "year": "Year",
        "years": "Years",
        "contents": "Contents",
        "previous": "Previous",
        "next": "Next",
        "all_postmortems": "All postmortems",
        "count": "Postmortems: {n}",
        "no_postmortems": "No postmortems yet.",
        "no_postmortem_yet": "No postmortem yet —",
        "new_command": 'pmgen new "Title"',
        "not_found": "Page not found",
        "not_found_text": "This page does not exist (any more).",
        "back_home": "Back to the home page",
        "feed": "Atom feed",
        "draft": "draft",
        "review": "in review",
        "published": "published",
        "anchor": "Link to this section",
        "metadata": "Details",
        "browse": "Browse",
        "generated": "Generated by pmgen",
        "summary": "Summary",
        "section_missing": "missing section",
        "impact": "Impact",
        "durations": "Durations",
        "duration_impact": "Impact",
        "duration_detect": "Time to detect",
        "duration_mitigate": "Time to mitigate",
        "duration_resolve": "Time to resolve",
        "milestone_started": "Start",
        "milestone_detected": "Detected",
        "milestone_mitigated": "Mitigated",
        "milestone_resolved": "Resolved",
        "timeline": "Timeline",
        "actions": "Actions",
        "open_actions": "Open actions",
        "open_of_total": "{open} open of {total}",
        "owner": "Owner",
        "due": "Due",
        "overdue": "overdue",
        "no_owner": "no owner",
        "postmortem": "Postmortem",
        "stats": "Statistics",
        "chart_data": "Chart data",
        "approximate": "about",
        "day": "day",
        "days": "days",
        "colon": ": ",
        "undated": "Undated",
        "inferred_short": "inferred",
        "inferred": "inferred from the timeline",
        "impact_from_front-matter": "from the declared milestones",
        "impact_from_inferred": "from milestones inferred from the timeline",
        "impact_from_timeline": "from the first to the last timed entry",
        "impact_mixed": "start {start}, end {end}",
        "start_front-matter": "declared",
        "start_inferred": "inferred from the timeline",
        "start_timeline": "at the first timed entry",
        "end_front-matter": "declared",
        "end_inferred": "inferred from the timeline",
        "end_timeline": "at the last timed entry",
        "times_in": "Times in {zone}",
        "search": "Search",
        "search_label": "Search words",
        "any": "Any",
        "search_results": "Results: {n}",
        "search_none": "No results.",
        "search_unavailable": "Search is not available here: open the site through a web server "
        "(not file://), or browse by service, tag, severity or year.",
        "search_needs_js": "Search needs JavaScript; without it, browse the postmortems by "
        "service, tag, severity or year.",
    },
}


_ALL_WORDS = {lang: {**table, **THEME_WORDS[lang]} for lang, table in WORDS.items()}


def words(lang: str) -> dict[str, str]:
    """The UI words of a language (French when unknown)."""
    return _ALL_WORDS.get(lang, _ALL_WORDS["fr"])


def plural(key: str, count: float, lang: str, **values: object) -> str:
    """`3 postmortems`, `1 jour`, `0 action ouverte`: the form CLDR gives the number (Babel)."""
    forms = PLURALS.get(lang, PLURALS["fr"])[key]
    category = _locale(lang).plural_form(abs(count))
    text = forms.get(category, forms["other"])
    return text.format(n=format_number(count, lang), **values).replace(" ", NBSP, 1)


def plural_forms(key: str, lang: str) -> dict[str, str]:
    """Every form of a word with a number, for the theme's scripts (`Intl.PluralRules`)."""
    return dict(PLURALS.get(lang, PLURALS["fr"])[key])


@functools.lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, "fr_FR"))


def format_number(value: float, lang: str) -> str:
    """`1 234,5` / `1,234.5`, at most one decimal (grouping from 10 000 on)."""
    rounded = round(float(value), 1)
    if rounded.is_integer() and abs(rounded) < 10_000:
        return str(int(rounded))
    return format_decimal(rounded, format="#,##0.#", locale=LOCALES.get(lang, "fr_FR"))


@functools.lru_cache(maxsize=8192)
def format_date(date: dt.date, lang: str) -> str:
    """`22 septembre 2021` / `22 September 2021`."""
    return babel_format_date(date, format="long", locale=LOCALES.get(lang, "fr_FR"))


@functools.lru_cache(maxsize=8192)
def format_day(date: dt.date, lang: str) -> str:
    """`22 sept. 2021` / `22 Sept 2021`: a date short enough for a table cell."""
    return babel_format_date(date, format="medium", locale=LOCALES.get(lang, "fr_FR"))


def format_month(year: int, month: int, lang: str) -> str:
    """`sept. 2021` / `Sept 2021`: a month, for chart axes."""
    day = dt.date(year, month, 1)
    return babel_format_date(day, format="MMM y", locale=LOCALES.get(lang, "fr_FR"))


def format_time(moment: dt.time | dt.datetime, lang: str) -> str:
    """`16 h 00` in French, `16:00` in English (never broken across lines)."""
    if lang == "fr":
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_duration(span: dt.timedelta, lang: str) -> str:
    """`26 min`, `2 h 05`, `3 jours` / `3 days`, `1 jour 4 h` (rounded to the minute), with
    no-break spaces so that a duration is never broken across lines."""
    minutes = round(span.total_seconds() / 60)
    sign = "−" if minutes < 0 else ""
    minutes = abs(minutes)
    if minutes < 60:
        return f"{sign}{minutes}{NBSP}min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours}{NBSP}h{NBSP}{rest:02d}"
    days, hours = divmod(hours, 24)
    return f"{sign}{plural('days', days, lang)}" + (f"{NBSP}{hours}{NBSP}h" if hours else "")


def format_hours(span: dt.timedelta, lang: str) -> str:
    """A duration in the unit that fits a summary: `47 min`, `3,5 h`, `4,2 j` / `4.2 d`."""
    minutes = span.total_seconds() / 60
    if abs(minutes) < 120:
        return f"{round(minutes)}{NBSP}min"
    if abs(minutes) < 72 * 60:
        return f"{format_number(minutes / 60, lang)}{NBSP}h"
    return f"{format_number(minutes / 1440, lang)}{NBSP}{words(lang)['days_unit']}"
