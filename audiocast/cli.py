"""The command line: parse options, load config, call the pipeline. Nothing else lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from audiocast import __version__
from audiocast.config import Config, find_config, load_config
from audiocast.errors import AudiocastError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
VOICES_DIR = click.option(
    "--voices-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Voice profiles, casts and lexicon from this folder instead of the shipped voices/.")


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="audiocast")
def main() -> None:
    """Turn written articles into a podcast audio edition, offline.

    \b
    Examples:
      audiocast build seeds/                 build every article into out/
      audiocast script seeds/article.txt     show how an article was understood
      audiocast voices                       list engines, voices and casts
      audiocast check out/                   validate the built episodes and feed
      audiocast serve out/                   preview the page and feed at http://127.0.0.1:8000/
    """


def _config(sources: tuple[Path, ...], config_file: Optional[Path]) -> Config:
    return load_config(config_file if config_file else find_config(sources))


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Output folder for episodes, sidecars and feed.xml.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Config file (default: audiocast.toml in the source folder, then the working directory).")
@click.option("--base-url", help="Public URL where OUT will be served (enclosure and feed links).")
@click.option("--cast", "cast_name", help="Voice cast to use, e.g. default or natural (see `audiocast voices`).")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Cores the build may use: up to N articles at once, in worker processes; 1 keeps it to "
                   "one core [default: CPU count].")
@click.option("--scheduler", metavar="ADDRESS",
              help="Build the articles on a Dask cluster, e.g. tcp://HOST:8786 (needs audiocast[distributed]).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Clip cache folder (shared storage for a cluster) [default: the user cache directory].")
@click.option("--bitrate", type=int, help="MP3 bitrate in kbps [default: 64].")
@click.option("--strict", is_flag=True, help="Treat warnings (no author, no quotes found...) as errors.")
@click.option("--force", is_flag=True, help="Rebuild every episode even if nothing changed.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final summary line.")
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error in an article.")
@click.option("--edition", is_flag=True, help="Also build one edition episode of every article, a chapter each.")
@click.option("--edition-date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The edition's date, YYYY-MM-DD [default: today].")
@VOICES_DIR
def build(sources, out_dir, config_file, base_url, cast_name, jobs, scheduler, cache_dir, bitrate, strict, force, quiet,
          debug, edition, edition_date, voices_dir) -> None:
    """Build episodes and the podcast feed from SOURCES (files or folders; default: seeds/).

    Each article becomes OUT/<slug>.mp3 (tagged, with chapters) plus transcripts
    and chapter files, and OUT/feed.xml lists every episode ever built there.

    \b
    Examples:
      audiocast build seeds/
      audiocast build seeds/ -o public/ --base-url https://example.com/podcast/
      audiocast build --cast natural seeds/article.md
      audiocast build seeds/ --edition     # plus OUT/edition-YYYY-MM-DD.mp3 of every article
      audiocast build seeds/ --scheduler tcp://10.0.0.5:8786 --cache-dir /mnt/shared/audiocast-clips
    """
    from audiocast.pipeline import BuildOptions, build as run_build

    sources = sources or (Path("seeds"),)
    config = _config(sources, config_file).with_overrides(
        podcast={"base_url": base_url}, audio={"bitrate": bitrate, "cast": cast_name},
        edition={"enabled": True if edition or edition_date else None})
    options = BuildOptions(cast=cast_name, jobs=jobs, strict=strict, force=force, voices_dir=voices_dir,
                           debug=debug, scheduler=scheduler, cache_dir=cache_dir,
                           edition_date=edition_date.date() if edition_date else None)
    from audiocast.progress import Display

    progress = Display(quiet=quiet and not debug)
    report = _interruptible(lambda: run_build(list(sources), out_dir, config, options, progress=progress), out_dir,
                            progress.close)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    lines = report.summary().splitlines()
    if quiet:
        lines = [line for line in lines[:-1] if line.startswith("FAILED")] + lines[-1:]
    click.echo("\n".join(lines))
    if report.failed:
        sys.exit(1)


def _interruptible(run, out_dir: Path, finish=lambda: None):
    """Run ``run()`` with SIGTERM treated like Ctrl-C and OS faults of the output as one line.

    The build has removed what it had not published by then.  ``finish()`` runs first
    whatever happens (it clears the progress line).
    """
    import signal

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        try:
            return run()
        finally:
            finish()
    except OSError as exc:  # disk full, read-only or unwritable output: the build removed its unpublished files
        from audiocast.errors import output_fault

        raise output_fault(exc, out_dir) from None
    except KeyboardInterrupt:
        click.echo("interrupted: nothing of this build was published; feed.xml and episodes.json are as before "
                   "(episodes already built are cached and will be quick to rebuild)", err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)


@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object.")
@click.option("--cast", "cast_name", help="Voice cast used to show voices.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@VOICES_DIR
def script(file, as_json, cast_name, config_file, voices_dir) -> None:
    """Show how FILE was understood: narration, quotes, speakers and voices.

    \b
    Examples:
      audiocast script seeds/all-of-us-strangers.txt
      audiocast script --json seeds/all-of-us-strangers.txt | jq '.segments[] | select(.kind=="quote")'
    """
    from audiocast.pipeline import BuildOptions, understand

    config = _config((file,), config_file)
    article, script_, casting, library = understand(file, config, BuildOptions(cast=cast_name, voices_dir=voices_dir))
    for note in library.resolve(cast_name or config.audio.cast).notes:
        click.echo(f"note: {note}", err=True)
    segments = [
        {"kind": s.kind, "speaker": s.speaker, "voice": casting.voice_for(s.speaker).name, "text": s.text}
        for s in script_.segments
    ]
    if as_json:
        click.echo(json.dumps({"title": article.title, "author": article.author, "segments": segments},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{article.title}\nby {article.author or '(no author found)'}\n")
    for seg in segments:
        who = f"{seg['speaker']} [{seg['voice']}]" if seg["kind"] == "quote" else f"narrator [{seg['voice']}]"
        click.echo(f"{who}: {seg['text']}")
    quotes = [s for s in segments if s["kind"] == "quote"]
    click.echo(f"\n{len(segments)} segments, {len(quotes)} quotes, {len({q['speaker'] for q in quotes})} speakers")


@main.command(context_settings=CONTEXT)
@click.option("--say", "text", help="Text to audition.")
@click.option("--voice", "profile_name", help="Voice profile to audition (see the list).")
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=Path("sample.mp3"),
              show_default=True, help="Where to write the audition (.mp3, or .wav as the engine spoke it).")
@VOICES_DIR
def voices(text, profile_name, out_file, voices_dir) -> None:
    """List engines (available or why not), voice profiles and casts, or audition a voice.

    \b
    Examples:
      audiocast voices
      audiocast voices --say "Hello from audiocast" --voice narrator -o sample.mp3
    """
    from audiocast.voice.profiles import load_voice_library

    library = load_voice_library(voices_dir)
    if text is None and profile_name is None:
        from audiocast.voice.profiles import describe_voices

        click.echo(describe_voices(library))
        return
    if not text or not profile_name:
        raise click.UsageError("--say and --voice go together")
    from audiocast.voice.synth import audition

    try:
        clip = audition(text, library.profile(profile_name), library.lexicon, out_file)
    except OSError as exc:  # disk full, read-only or unwritable folder
        raise AudiocastError(f"cannot write the audition: {exc.strerror or exc}", out_file) from None
    click.echo(f"wrote {out_file} ({clip.duration_ms / 1000:.1f} s)")


@main.command(context_settings=CONTEXT)
@click.argument("out_dir", required=False, default=Path("out"), type=click.Path(file_okay=False, path_type=Path))
def check(out_dir) -> None:
    """Validate built output in OUT_DIR (default out/) against podcast and audio standards.

    Checks the feed's required tags, enclosures, dates, durations, chapters in
    every format, ID3 version and CTOC, CBR/Info header, sample rate, loudness,
    cover art and transcripts. Exits non-zero on any error.

    \b
    Example:
      audiocast check out/
    """
    from audiocast.check.feed import run_check

    if not out_dir.is_dir():
        raise AudiocastError("no such output folder", out_dir)
    report, status = run_check(out_dir)
    click.echo(report.render())
    sys.exit(status)


@main.command(context_settings=CONTEXT)
@click.argument("out_dir", required=False, default=Path("out"), type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 lets podcast apps on the local network in.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests.")
def serve(out_dir, host, port, quiet) -> None:
    """Serve OUT_DIR (default out/): its page, feed and episodes, with HTTP Range for seeking.

    For previewing and for podcast apps on your network; Ctrl-C stops it. Build with
    --base-url matching the address apps will use, so the feed's links point here.

    \b
    Examples:
      audiocast serve out/
      audiocast serve out/ --host 0.0.0.0 --port 8765
    """
    from audiocast.publish.serve import serve as run_server

    run_server(out_dir, host, port, log=not quiet, announce=lambda line: click.echo(line))


if __name__ == "__main__":  # pragma: no cover
    main()
