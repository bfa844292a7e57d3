"""What readers see of the reading: the page's words follow the language found in the text,
times are shown in the author's zone with the zone named, inferred milestones are marked,
the page says what the impact was measured between, durations are exact across a change of
daylight saving time, and a negative duration is never shown anywhere."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmgen.cli import main
from pmgen.commands.build import BuildOptions, build_site
from pmgen.commands.lint import run_lint
from pmgen.commands.parse import parse_files
from pmgen.config import build_config

TODAY = dt.date(2026, 11, 26)
EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "example"

ENGLISH = """\
# Checkout errors on March 3, 2023

## Timeline

All times in PST.

* 14:02 — Error rate alert fires for checkout.
* 14:31 — Error rate back to normal, incident resolved.
"""

OUT_OF_ORDER = """\
---
title: Panne de la base
date: 2021-09-22
started_at: 2021-09-22T16:00:00+02:00
resolved_at: 2021-09-22T15:26:00+02:00
---

Le site a été indisponible.
"""

AUTUMN = """\
---
title: Bascule d'heure
date: 2021-10-31
timezone: Europe/Paris
started_at: 2021-10-31T01:30:00
resolved_at: 2021-10-31T03:30:00
---

La bascule a eu lieu pendant le changement d'heure.
"""


def build(tmp_path: Path, files: dict[str, str]) -> Path:
    content = tmp_path / "postmortems"
    content.mkdir()
    for name, text in files.items():
        (content / name).write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    options = BuildOptions(content, out, search=False, cache=False)
    assert build_site(build_config({}, tmp_path, None), options, tmp_path, TODAY).ok
    return out


def test_an_english_page_without_lang_speaks_english_and_names_its_zone(tmp_path: Path) -> None:
    out = build(tmp_path, {"checkout.md": ENGLISH})
    page = (out / "2023/03/03/checkout/index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in page and "Durations" in page and "Durées" not in page
    # Shown in the author's zone (Pacific time, PST in March before the change), named.
    assert "3 March 2023, 14:02 PST" in page
    assert "(inferred from the timeline)" in page  # detected and resolved come from wording
    # The impact runs from the first entry (no word says it started) to the inferred end.
    assert "(start at the first timed entry, end inferred from the timeline)" in page


def test_durations_are_exact_across_a_daylight_saving_change(tmp_path: Path) -> None:
    path = tmp_path / "2021-10-31-bascule.md"
    path.write_text(AUTUMN, encoding="utf-8")
    [result] = parse_files([path], build_config({}, tmp_path, None), tmp_path).results
    assert result.postmortem is not None
    # 01:30 CEST to 03:30 CET is three hours, not two.
    assert result.postmortem.incident.durations.impact == dt.timedelta(hours=3)


def test_a_negative_duration_is_shown_nowhere(tmp_path: Path) -> None:
    out = build(tmp_path, {"2021-09-22-base.md": OUT_OF_ORDER})
    page = (out / "2021/09/22/base/index.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    stats = (out / "stats/index.html").read_text(encoding="utf-8")
    assert "<dt>Impact</dt>" not in page and "34 min" not in page
    assert 'class="duration"' not in index and "34 min" not in index
    assert "−" not in stats
    [record] = json.loads((out / "index.json").read_text(encoding="utf-8"))["postmortems"]
    assert record["durations"]["impact"] is None
    findings = run_lint(
        [tmp_path / "postmortems"], build_config({}, tmp_path, None), tmp_path, TODAY
    )
    assert "PM104" in {d.code for d in findings.diagnostics}


def test_the_users_example_gives_exactly_its_three_findings() -> None:
    if not (EXAMPLE / "2021-09-22-incident-de-production.md").is_file():
        pytest.skip("../shared/example is not here (it is in CI)")
    result = CliRunner().invoke(main, ["lint", str(EXAMPLE), "--no-cache"])
    codes = sorted(line.split()[1] for line in result.stdout.splitlines() if ": PM" in line)
    assert codes == ["PM202", "PM301", "PM303"]


def test_statistics_without_any_known_impact_say_there_is_no_data(tmp_path: Path) -> None:
    """Before: an axis of zeros from −1 to 1 min."""
    untimed = "---\ntitle: Panne\ndate: 2021-09-22\n---\n\nLe site a été indisponible.\n"
    out = build(tmp_path, {"2021-09-22-panne.md": untimed})
    stats = (out / "stats/index.html").read_text(encoding="utf-8")
    assert "Durée d&#x27;impact par mois</title>" in stats
    assert "Impact en min\u00a0: pas de données." in stats
