"""The command line: turn options into a configuration, call one core function, map the result."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from pmgen import __version__
from pmgen.build import BuildOptions, BuildResult, build_site
from pmgen.cache import open_cache
from pmgen.check import run_lint
from pmgen.config import Config, load_config
from pmgen.diagnostics import Severity, count_by_severity
from pmgen.errors import PmgenError
from pmgen.formatters import (
    FORMATS,
    RENDERERS,
    format_rule,
    format_rules,
    format_text,
    github_step_summary,
)
from pmgen.gitchanges import changed_paths
from pmgen.lint import Selection
from pmgen.rules import find_rule
from pmgen.source import display_path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _reported(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn pmgen's own errors into one message and exit 2; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PmgenError as error:
            click.echo(f"pmgen: {error}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:  # a bug: say so plainly, keep the exit code contract
            click.echo(
                f"pmgen: internal error: {type(error).__name__}: {error}\n"
                "Please report this with the file that triggered it.",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper


def _config(config_file: Path | None) -> Config:
    return load_config(Path.cwd(), config_file)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        code.strip().upper() for value in values for code in value.split(",") if code.strip()
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmgen")
def main() -> None:
    """pmgen: incident postmortems in Markdown, validated and published as a static site."""


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: pmgen.toml or [tool.pmgen] found upwards).",
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--select", multiple=True, help="Only these code prefixes (e.g. PM2,PM301).")
@click.option("--ignore", multiple=True, help="Skip these code prefixes.")
@click.option(
    "--min-severity",
    type=click.Choice([s.label for s in Severity]),
    help="Report findings from this severity up (default: warning; info is opt-in).",
)
@click.option(
    "--changed-since", metavar="REF", help="Only files changed between REF and the working tree."
)
@click.option("--fix", is_flag=True, help="Insert missing required section headings.")
@click.option("--no-cache", is_flag=True, help="Parse every file again (ignore .pmgen-cache/).")
@config_option
@_reported
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    min_severity: str | None,
    changed_since: str | None,
    fix: bool,
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """Check postmortems (default: the configured content folder)."""
    config = _config(config_file)
    targets = list(paths) or [config.content]
    only = changed_paths(changed_since, Path.cwd()) if changed_since else None
    shown = Severity.parse(min_severity) if min_severity else None
    selection = Selection(_codes(select) or None, _codes(ignore), shown)
    cache = open_cache(config.root, enabled=not no_cache)
    try:
        report = run_lint(targets, config, Path.cwd(), dt.date.today(), selection, only, fix, cache)
    finally:
        cache.close()
    for path in report.fixed:
        click.echo(f"fixed {path}", err=True)
    click.echo(RENDERERS[output_format](report.diagnostics, report.files), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if output_format == "github" and summary_file:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(github_step_summary(report.diagnostics, report.files))
    threshold = Severity.WARNING if strict else Severity.ERROR
    failed = any(d.severity >= threshold for d in report.diagnostics)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, default severity, summary."""
    click.echo(format_rules(), nl=False)


@main.command(name="rule")
@click.argument("code")
def explain_rule(code: str) -> None:
    """Explain one rule (by code or name): what, why, example, how to fix."""
    rule = find_rule(code)
    if rule is None:
        click.echo(f"pmgen: no rule {code!r}; `pmgen rules` lists them.", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(format_rule(rule.code), nl=False)


@main.command()
@click.argument("title")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the incident (default: today).",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language (default: config).")
@click.option("--severity", help="Severity, e.g. SEV2.")
@click.option("--service", "services", multiple=True, help="Affected service (repeatable).")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: the content folder).",
)
@config_option
@_reported
def new(
    title: str,
    day: dt.datetime | None,
    lang: str | None,
    severity: str | None,
    services: tuple[str, ...],
    folder: Path | None,
    config_file: Path | None,
) -> None:
    """Create a draft postmortem with every required section."""
    from pmgen.gitchanges import git_user_name
    from pmgen.scaffold import AlreadyExists, NewPostmortem, authors_from, create_postmortem

    config = _config(config_file)
    spec = NewPostmortem(
        title=title,
        date=(day.date() if day else dt.date.today()),
        lang=lang or config.lang,
        severity=severity,
        services=services,
        authors=authors_from([git_user_name(Path.cwd())]),
    )
    try:
        path = create_postmortem(config, spec, folder)
    except AlreadyExists as error:
        click.echo(f"pmgen: {error}", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(display_path(path, Path.cwd()))


@main.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--drafts/--no-drafts",
    default=True,
    show_default=True,
    help="Show postmortems marked `status: draft`.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@config_option
@_reported
def serve(port: int, host: str, drafts: bool, open_browser: bool, config_file: Path | None) -> None:
    """Build, serve on loopback and rebuild on change, with lint findings on each page."""
    import threading
    import webbrowser

    from pmgen import serve as live

    state = live.ServeState(site=live.temporary_site())
    try:
        first = live.rebuild(state, Path.cwd(), config_file, drafts, Path.cwd())
        server = live.start_server(state, host, port)
        url = f"http://{host}:{server.server_address[1]}/"
        _report_serve(first, 0.0)
        click.echo(f"Serving {url} (Ctrl-C to stop)", err=True)
        stop = threading.Event()
        watcher = threading.Thread(
            target=live.watch,
            daemon=True,
            args=(state, Path.cwd(), config_file, drafts, Path.cwd(), stop, _report_serve),
        )
        watcher.start()
        if open_browser:
            webbrowser.open(url)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            click.echo("\nStopped.", err=True)
        finally:
            stop.set()
            server.server_close()
    finally:
        live.remove_site(state.site)


def _report_serve(result: BuildResult | str, seconds: float) -> None:
    if isinstance(result, str):
        click.echo(f"build error: {result}", err=True)
    elif not result.ok:
        click.echo(
            f"build error: {len(result.blocking)} blocking finding(s); the browser "
            "shows them until the file is fixed.",
            err=True,
        )
    else:
        click.echo(
            f"built {result.postmortems} postmortem(s) in {seconds:.2f} s, "
            f"{len(result.diagnostics)} finding(s)",
            err=True,
        )


SHOWN_FINDINGS = 5


@main.command()
@click.option(
    "--src",
    type=click.Path(file_okay=False, path_type=Path),
    help="Content folder (default: `content` in the configuration, postmortems/).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output folder (default: `output` in the configuration, site/).",
)
@click.option("--base-url", help="Absolute URL the site is published at (overrides site_url).")
@click.option("--drafts", is_flag=True, help="Include postmortems marked `status: draft`.")
@click.option("--strict", is_flag=True, help="Fail on any error-severity finding.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build from scratch: no .pmgen-cache/, the whole site rewritten.",
)
@config_option
@_reported
def build(
    src: Path | None,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    strict: bool,
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """Validate and render the postmortems into a static site."""
    config = _config(config_file)
    options = BuildOptions(
        source=(src or config.content).resolve(),
        output=(out or config.output).resolve(),
        site_url=(base_url if base_url is not None else config.site_url).rstrip("/"),
        drafts=drafts,
        strict=strict,
        updated=_source_date_epoch(),
        cache=not no_cache,
    )
    if not options.source.is_dir():
        raise PmgenError(f"{options.source}: the content folder does not exist.")
    result = build_site(config, options, Path.cwd(), dt.date.today(), _progress())
    _report_build(result, strict)
    sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


def _source_date_epoch() -> dt.datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        message = f"SOURCE_DATE_EPOCH must be a number of seconds, not {value!r}."
        raise PmgenError(message) from None


def _progress() -> Callable[[int, int], None] | None:
    """A progress bar on an interactive terminal for large sites; silent in pipes and CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        if total < 50:
            return
        width = 30
        filled = width * done // total
        end = "\n" if done == total else ""
        click.echo(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages", err=True, nl=False
        )
        if end:
            click.echo("", err=True)

    return show


def _report_build(result: BuildResult, strict: bool) -> None:
    """Summarise findings and say what was built, or why nothing was."""
    if result.diagnostics:
        counts = count_by_severity(result.diagnostics)
        click.echo(
            f"lint: {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} "
            f"warning(s), {counts[Severity.INFO]} info",
            err=True,
        )
        shown = result.diagnostics[:SHOWN_FINDINGS]
        click.echo(format_text(shown, 0).rsplit("\n", 2)[0], err=True)
        if len(result.diagnostics) > SHOWN_FINDINGS:
            click.echo(
                f"… and {len(result.diagnostics) - SHOWN_FINDINGS} more: run "
                "`pmgen lint` for the full list.",
                err=True,
            )
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    if not result.ok:
        reason = (
            "--strict: error findings"
            if strict
            and not any(d.code in ("PM001", "PM002", "PM101", "PM102") for d in result.blocking)
            else "these postmortems cannot be rendered"
        )
        click.echo(f"build failed ({reason}); the previous site is unchanged:", err=True)
        click.echo(format_text(result.blocking, 0).rsplit("\n", 2)[0], err=True)
        return
    drafts = (
        f" ({result.drafts_skipped} draft(s) left out; --drafts includes them)"
        if result.drafts_skipped
        else ""
    )
    if result.up_to_date:
        click.echo(f"Up to date: nothing changed since the last build of {result.output}")
    else:
        click.echo(
            f"Built {result.postmortems} postmortem(s){drafts} into {result.output} "
            f"({result.files_written} file(s) written)"
        )
    click.echo(f"Open {result.output / 'index.html'}")


@main.command()
@click.option("--branch", default="gh-pages", show_default=True, help="Branch to publish to.")
@click.option("--remote", default="origin", show_default=True, help="Remote to push to.")
@click.option("--message", "-m", help="Commit message (default: Publish postmortems (pmgen X)).")
@click.option("--cname", metavar="DOMAIN", help="Write a CNAME file for a custom domain.")
@click.option("--base-url", help="Absolute URL the site is published at (overrides site_url).")
@click.option("--dry-run", is_flag=True, help="Build and commit, but push nothing, move no ref.")
@config_option
@_reported
def publish(
    branch: str,
    remote: str,
    message: str | None,
    cname: str | None,
    base_url: str | None,
    dry_run: bool,
    config_file: Path | None,
) -> None:
    """Build the site and push it to a branch (gh-pages) as one new commit.

    The working tree, the index and the current branch are never touched; the local branch
    moves only once the remote accepted the push.
    """
    from pmgen.publish import DEFAULT_MESSAGE, PublishOptions, PushRejected, publish_site

    config = _config(config_file)
    options = PublishOptions(
        site_url=(base_url if base_url is not None else config.site_url).strip(),
        branch=branch,
        remote=remote,
        message=message or DEFAULT_MESSAGE,
        cname=cname or "",
        dry_run=dry_run,
        updated=_source_date_epoch(),
    )
    try:
        result = publish_site(config, options, Path.cwd(), dt.date.today())
    except PushRejected as error:
        click.echo(f"pmgen: {error}", err=True)
        sys.exit(EXIT_FINDINGS)
    if result.build.diagnostics:
        counts = count_by_severity(result.build.diagnostics)
        click.echo(
            f"lint: {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
            f"{counts[Severity.INFO]} info (`pmgen lint` lists them)",
            err=True,
        )
    if not result.ok:
        click.echo("build failed; nothing was committed or pushed:", err=True)
        click.echo(format_text(result.build.blocking, 0).rsplit("\n", 2)[0], err=True)
        sys.exit(EXIT_FINDINGS)
    parent = f"{result.parent} ({result.parent_ref})" if result.parent else "none (new branch)"
    what = f"{result.build.postmortems} postmortem(s), {result.files} file(s)"
    if dry_run:
        click.echo(f"Dry run: would push {result.commit} to {remote} {branch}")
        click.echo(f"  parent: {parent}")
        click.echo(f"  {what}")
        click.echo("Nothing was pushed and no ref was updated.")
    else:
        click.echo(f"Published {what} to {remote} {branch}")
        click.echo(f"  commit: {result.commit}")
        click.echo(f"  parent: {parent}")
    if result.cname:
        click.echo(f"  CNAME: {result.cname}")
    sys.exit(EXIT_OK)
