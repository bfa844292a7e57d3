"""The rule catalogue: every finding pmgen can report, with its explanation.

Codes are a public contract: a code is never reused or renumbered.
"""

from __future__ import annotations

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
        "PM101",
        "missing-title",
        Severity.ERROR,
        "The postmortem has no `title` in its front matter and no level-1 heading.",
        "The title names the incident in the index, the feed and the browser tab.",
        "---\ndate: 2021-09-22\n---\n## Contexte",
        'Add `title: "Incident de production du 22 septembre 2021"` to the front matter.',
    ),
    Rule(
        "PM102",
        "missing-date",
        Severity.ERROR,
        "No usable date in the front matter, nor a `YYYY-MM-DD-` prefix in the file name.",
        "Postmortems are ordered, grouped and linked by the date of the incident.",
        "incident-base-de-donnees.md with no `date:` key.",
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
        "PM201",
        "missing-section",
        Severity.ERROR,
        "A required section is absent.",
        "A postmortem without a timeline, an analysis or its action items is not finished; the "
        "required set is what the team agreed every postmortem must answer.",
        "A file with `## Contexte` and `## Analyse` but no `## Chronologie`.",
        "Add the section as a level-2 heading (`pmgen lint --fix` inserts the missing headings in "
        "the configured order), in French or English: `## Chronologie` or `## Timeline`.",
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

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

# Rules whose findings only warn while a postmortem is a draft.
DRAFT_RELAXED: frozenset[str] = frozenset({"PM201", "PM202", "PM305"})


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
