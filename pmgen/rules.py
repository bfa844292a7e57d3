"""The rule catalogue: every finding pmgen can report, with its explanation.

Codes are a public contract: a code is never reused or renumbered.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pmgen.diagnostics import Diagnostic, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    """One lint rule: code, kebab-case name, default severity and its explanation."""

    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    example: str
    fix: str


RULES: tuple[Rule, ...] = (
    Rule(
        "PM001",
        "unreadable-file",
        Severity.ERROR,
        "The file cannot be read, is not UTF-8 text, is binary, or is larger than 5 MB.",
        "pmgen cannot check or publish what it cannot read; a binary or huge file in the "
        "postmortems folder is almost always a mistake.",
        "A postmortem saved as Latin-1 by an old editor: `caf\\xe9` is not valid UTF-8.",
        "Save the file as UTF-8 (a byte-order mark is fine), or move it out of the content folder.",
    ),
    Rule(
        "PM002",
        "front-matter-syntax",
        Severity.ERROR,
        "The YAML (`---`) or TOML (`+++`) front matter does not parse.",
        "Without its front matter pmgen knows neither the title nor the date of the postmortem.",
        "---\ntitle: Panne: base de données\n---   (a second `:` in an unquoted value)",
        "Fix the syntax at the reported line; quote values that contain `:` or `#`, and close "
        "the block with the same `---` or `+++` line that opens it.",
    ),
    Rule(
        "PM003",
        "too-complex",
        Severity.ERROR,
        "The file is past one of pmgen's resource limits: more than 10,000 lines, 60,000 "
        "Markdown markup characters or 200,000 characters Markdown may read as syntax, or raw "
        "HTML nested more than 100 elements deep.",
        "pmgen promises to lint any postmortem in 2 seconds and build it in 5, whatever it holds: "
        "the Markdown parser spends time on every line and markup character, and the HTML "
        "sanitiser's time grows with the square of the nesting. A file past the line or markup "
        "limit is not read; raw HTML nested too deep keeps only its text on the page.",
        "A 40,000-line log pasted into the timeline; or <div><div><div> … never closed",
        "Attach long logs as a linked .log file and keep the excerpts that matter; close the "
        "HTML elements you open, or write the content in Markdown.",
    ),
    Rule(
        "PM004",
        "invalid-disable",
        Severity.WARNING,
        "A `<!-- pmgen-disable … -->` comment names something that is not a rule code or "
        "prefix (a typo, a rule's name, an unknown code): it disables nothing.",
        "A mistyped code must not switch linting off: before, `PM3O3` (a letter O) or any word "
        "turned off every rule of the file, errors included.",
        "<!-- pmgen-disable PM3O3 -->   or   <!-- pmgen-disable code-block-prose -->",
        "Write the codes or prefixes (`PM303`, `PM3`), then any reason after a colon: "
        "`<!-- pmgen-disable PM303: logs pasted as they came -->`. Bare, it disables every rule.",
    ),
    Rule(
        "PM101",
        "missing-title",
        Severity.ERROR,
        "The postmortem has no `title` in its front matter and no level-1 heading (the page is "
        "titled after the file name).",
        "The title names the incident in the index, the feed and the browser tab; a file name "
        "rarely reads as one.",
        "---\ndate: 2021-09-22\n---\n## Contexte",
        'Add `title: "Incident de production du 22 septembre 2021"` to the front matter.',
    ),
    Rule(
        "PM102",
        "missing-date",
        Severity.ERROR,
        "No date anywhere: not in the front matter, the file name, the title, a `Date:` line "
        "or metadata table near the top, nor the timeline's day headings or dated entries.",
        "Postmortems are ordered, grouped and linked by the date of the incident; an undated "
        "one is still published, listed under “Undated” at the end of the index.",
        "incident-base-de-donnees.md with no `date:` key, no date in its title and a timeline "
        "of bare times.",
        "Add `date: 2021-09-22` to the front matter, or rename the file "
        "`2021-09-22-incident-base-de-donnees.md`.",
    ),
    Rule(
        "PM103",
        "invalid-field",
        Severity.ERROR,
        "A known front-matter field has the wrong type or a value outside its vocabulary.",
        "The site groups and filters by these fields; a wrong value would silently vanish.",
        "status: finished   (expected draft, review or published)",
        "Use the type and values the message lists; unknown keys are kept and ignored.",
    ),
    Rule(
        "PM104",
        "milestones-out-of-order",
        Severity.ERROR,
        "The milestones are not in order: started ≤ detected ≤ mitigated ≤ resolved.",
        "Durations are computed from the milestones; out of order they come out negative.",
        "started_at: 2021-09-22T16:00:00+02:00\nresolved_at: 2021-09-22T15:26:00+02:00",
        "Check the day, the hour and the time zone of each `*_at` field.",
    ),
    Rule(
        "PM105",
        "future-date",
        Severity.WARNING,
        "The postmortem is dated after today.",
        "An incident cannot be written up before it happens; the date is probably mistyped.",
        "date: 2201-09-22",
        "Correct the year, month or day of the `date` field.",
    ),
    Rule(
        "PM106",
        "non-finite-number",
        Severity.WARNING,
        "A front-matter value is not a finite number: `.nan`, `.inf` or `-.inf` (TOML `nan`, "
        "`inf`).",
        "index.json carries the front matter for other tools; JSON has no NaN nor infinity, "
        "so pmgen writes null there, and the value is lost.",
        "---\ntitle: Panne du stockage\ntaux_erreur: .nan\n---",
        'Write the value as text (`"NaN"`), a real number, or leave the key out.',
    ),
    Rule(
        "PM110",
        "unknown-severity",
        Severity.ERROR,
        "The `severity` is not a level of the configured scale, nor an alias of one.",
        "The site groups, filters and ranks postmortems by severity; a typo (`SEV9`, `hihg`) "
        "would file the incident under a level of its own, outside every comparison.",
        "severity: SEV9   (the default scale is SEV1–SEV4, aliases P1–P4, critical…low)",
        "Use a level of the scale or one of its aliases (the message lists them), or add the "
        "word your team uses under `[severities.aliases]` in pmgen.toml.",
    ),
    Rule(
        "PM130",
        "invalid-detail",
        Severity.WARNING,
        "An optional incident detail (`impact`, `detection`, `commander`, `root_cause`, "
        "`trigger`) is not text.",
        "These details head the postmortem page in one line each; a mapping or a list of "
        "mappings cannot be shown there, so it is left out.",
        "impact: {users: 5800}   (a mapping)",
        'Write the detail as one line of text: `impact: "5 800 users could not log in"`.',
    ),
    Rule(
        "PM131",
        "invalid-roles",
        Severity.WARNING,
        "`roles` does not map each role to one name or a list of names.",
        "The page lists who held which role during the incident; without a role and a name "
        "for each entry there is nothing to list, so `roles` is left out.",
        "roles: [Camille, Julien]   (names without their role)",
        "Write `roles: {communication: Camille, scribe: [Julien, Nadia]}`, or a list of "
        '`"role: name"` lines.',
    ),
    Rule(
        "PM201",
        "missing-section",
        Severity.ERROR,
        "A required section is absent.",
        "A postmortem without a timeline, an analysis or its action items is not finished; the "
        "required set is what the team agreed every postmortem must answer.",
        "A file with `## Contexte` and `## Analyse` but no `## Chronologie`.",
        "Add the section as a level-2 heading (`pmgen lint --fix` inserts the missing headings in "
        "the configured order), in French or English: `## Chronologie` or `## Timeline`. A "
        "misspelt heading (`## Chronolgie`, `## Lesons learned`) is named in the message, and "
        "`--fix` renames it instead of adding a second, empty section.",
    ),
    Rule(
        "PM202",
        "empty-section",
        Severity.ERROR,
        "A required section has no content: only blank lines, comments or sub-headings.",
        "An empty heading looks finished in a table of contents while it says nothing.",
        "## Chronologie\n## Enseignements   (the next heading follows directly)",
        "Write the section, or mark the postmortem `status: draft` while it is in progress.",
    ),
    Rule(
        "PM203",
        "duplicate-section",
        Severity.WARNING,
        "The same section appears twice.",
        "Readers and tools (timeline, action items) take the first one; the second is easily "
        "forgotten.",
        "## Timeline ... ## Chronologie   (both are the timeline)",
        "Merge the two sections into one.",
    ),
    Rule(
        "PM204",
        "section-order",
        Severity.WARNING,
        "Required sections are not in the configured order.",
        "A shared order makes every postmortem read the same way.",
        "## Analyse before ## Chronologie",
        "Move the section after the ones that precede it in the configured order.",
    ),
    Rule(
        "PM301",
        "broken-link",
        Severity.ERROR,
        "A relative link or image points to a missing file, or outside the content root.",
        "The published page would show a broken image or a dead link; pmgen never copies files "
        "from outside the content folder.",
        "![Temps de réponse](../../.gitbook/assets/image.png)",
        "Put the file beside the postmortem (for example `images/temps-de-reponse.png`) and link "
        "to it with a relative path.",
    ),
    Rule(
        "PM302",
        "missing-alt-text",
        Severity.WARNING,
        "An image has no alternative text.",
        "Screen readers, and readers whose image failed to load, get nothing from it.",
        "![](temps-de-reponse.png)",
        "Describe what the image shows: `![Temps de réponse médian, de 3 s à 150 ms](…)`.",
    ),
    Rule(
        "PM303",
        "code-block-prose",
        Severity.WARNING,
        "An indented code block reads as prose.",
        "Text indented by four spaces (often by an export from a wiki) is shown as code: "
        "monospaced, unwrapped, invisible to search.",
        "    En fait, l'autoscale permet d'augmenter le nombre d'instances, mais pas la mémoire.",
        "Remove the leading indentation; for real code, use a fenced block (```).",
    ),
    Rule(
        "PM304",
        "timeline-entry",
        Severity.WARNING,
        "The timeline has no timed entry, or its timed entries go back in time.",
        "Without times pmgen cannot draw the timeline or compute durations; an entry out of "
        "order is usually a typo (16:40 for 15:40) or a missing day heading.",
        "## Chronologie\n* 16:40 — alerte\n* 16:10 — premiers signalements",
        "Start each entry with its time (`* 16:10 — …`), add a day heading (`### 2021-09-23`) "
        "or `le lendemain` when the incident crosses midnight.",
    ),
    Rule(
        "PM305",
        "placeholder-text",
        Severity.WARNING,
        "Placeholder text (TODO, TBD, `À compléter`, a `pmgen new` prompt) is left in.",
        "A placeholder in a published postmortem says the analysis was never finished.",
        "## Analyse\n\nTODO",
        "Write the missing text, or keep `status: draft` until it is written.",
    ),
    Rule(
        "PM306",
        "invalid-chart",
        Severity.ERROR,
        "A ```chart block does not parse, names a missing file or column, or has unusable values.",
        "The page would show an empty chart, or none.",
        "```chart\ntype: line\ndata: temps-de-reponse.csv\nx: heure\ny: mediane_ms\n```"
        "   (with no such file or column)",
        "Keys: type (line, area, bar), title, data (CSV beside the postmortem) or rows, x, y, "
        "unit, markers [{at, label}] or milestone names, windows [{start, end, label}], impact.",
    ),
    Rule(
        "PM307",
        "action-without-owner",
        Severity.INFO,
        "An open action item has no owner.",
        "An action nobody owns is rarely done.",
        "* [ ] Passer la base de données sur un cluster",
        "Name an owner: `@camille`, `(owner: Camille)` or `responsable : Camille`.",
    ),
    Rule(
        "PM308",
        "active-file",
        Severity.ERROR,
        "A linked file is not of a kind pmgen publishes: a page, a script, a hidden or unknown "
        "file, a name with a line break, or an SVG that could run code or load something.",
        "Published beside the page, a linked file is served from the site's own origin: opened "
        "directly, a page, a script or a scripted SVG runs there, and a server configuration "
        "file (`.htaccess`, `web.config`) changes how the host serves the site. From a pull "
        "request, that is a way to attack every reader. pmgen publishes only images, CSV, TSV, "
        "JSON, PDF, text and logs, and SVG files whose parsed content is inert.",
        "[le rapport complet](rapport.html)   or   ![schéma](schema.svg) with <script> inside",
        "Link to the original on its own site, export the page as PDF or an image, or remove the "
        "scripts, event handlers, external references and style sheets from the SVG.",
    ),
)

RULES = (
    *RULES,
    Rule(
        "PM320",
        "date-disagrees",
        Severity.WARNING,
        "The postmortem's date is a day or more outside the days its timeline and milestones give.",
        "Pages are ordered and linked by that date; when it is the day the file was created "
        "(`pmgen new`) or published rather than the day of the incident, the index misplaces "
        "the incident and durations look wrong.",
        "date: 2023-05-16   (while `### 2023-07-16` heads the timeline)",
        "Correct whichever is wrong: the `date`, a day heading, or a `*_at` milestone.",
    ),
    Rule(
        "PM321",
        "malformed-stamp",
        Severity.WARNING,
        "A timeline entry opens with what looks like a date or time but names none, or with "
        "a local time the clocks skipped (02:30 on the day they jump to 03:00).",
        "pmgen cannot place the entry on the time axis; it would otherwise pass silently as an "
        "entry without a time.",
        "* 20202-01-16 12:00 — bascule   (a five-digit year)   or   * 25:10 — redémarrage",
        "Correct the stamp: `2020-01-16 12:00`, `15:10`.",
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

# Rules whose findings only warn while a postmortem is a draft.
DRAFT_RELAXED: frozenset[str] = frozenset({"PM201", "PM202", "PM305"})
# Findings that leave a postmortem without what a page needs (readable text, usable front
# matter): a build cannot render it. A missing title or date is not one of them: the page is
# titled after the file name, and an undated page is listed under “Undated”.
FATAL_CODES: frozenset[str] = frozenset({"PM001", "PM002"})


def find_rule(text: str) -> Rule | None:
    """Find a rule by code (`PM202`, any case) or by name (`empty-section`)."""
    wanted = text.strip()
    for rule in RULES:
        if rule.code == wanted.upper() or rule.name == wanted.lower():
            return rule
    return None


def finding(
    code: str, path: str, line: int, column: int, message: str, hint: str | None = None
) -> Diagnostic:
    """A finding of rule `code` at its default severity."""
    return Diagnostic(code, RULES_BY_CODE[code].severity, path, line, column, message, hint)


def _prefixes() -> list[str]:
    """Every code and every prefix of one (`PM`, `PM2`, `PM20`, `PM202`), sorted."""
    return sorted({rule.code[:size] for rule in RULES for size in range(2, len(rule.code) + 1)})


def unknown_prefix(text: str) -> str | None:
    """None when `text` is a rule code or a prefix of one; else why not, with a suggestion."""
    wanted = text.strip().upper()
    if any(rule.code.startswith(wanted) for rule in RULES) and wanted.startswith("PM"):
        return None
    by_name = find_rule(text)
    close = (
        [by_name.code]
        if by_name is not None
        # Among codes of the same length: `PM` is no useful answer to a mistyped `PM2O2`.
        else difflib.get_close_matches(
            wanted,
            [p for p in _prefixes() if len(p) > 3 and abs(len(p) - len(wanted)) < 2],
            n=1,
            cutoff=0.6,
        )
    )
    suggestion = f" (did you mean {close[0]}?)" if close else ""
    return (
        f"{text!r} is not a rule code or prefix{suggestion}; `pmgen rules` lists them "
        "(PM0 file, PM1 front matter, PM2 structure, PM3 content)"
    )
