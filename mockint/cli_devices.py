"""`mockint devices` and `mockint check`: which sound devices exist, and does each part work."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import click

from mockint.errors import MockintError

CHECK_SENTENCE = "Welcome to your practice session. Take your time with each answer."
NO_DEVICES = (
    "PortAudio finds no sound devices; connect a microphone and speakers (or a headset), "
    "and on Linux check that your user may use audio (the 'audio' group) and that the "
    "sound server (PipeWire or PulseAudio) is running"
)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the devices as JSON.")
def devices(as_json: bool) -> None:
    """List the microphones and speakers PortAudio can use; * marks the defaults.

    Pass a device's number or part of its name to --input / --output of other commands.
    """
    from dataclasses import asdict

    from mockint.devices import list_devices

    found = list_devices()
    if not found:
        raise MockintError(NO_DEVICES)
    if as_json:
        click.echo(json.dumps({"devices": [asdict(device) for device in found]}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("", "#", "name", "host API", "in", "out", "rate (Hz)", box=None)
    for device in found:
        marks = ("in" if device.is_default_input else "") + (
            "/out" if device.is_default_output else ""
        )
        table.add_row(
            "*" if marks else "",
            str(device.index),
            device.name,
            device.host_api,
            str(device.max_input_channels),
            str(device.max_output_channels),
            f"{device.default_sample_rate_hz:.0f}",
        )
    console = Console()
    console.print(table)
    default_in = next((d.name for d in found if d.is_default_input), "none")
    default_out = next((d.name for d in found if d.is_default_output), "none")
    console.print(f"default microphone: {default_in}; default speaker: {default_out}")


@dataclass(frozen=True, slots=True)
class CheckResult:
    part: str
    ok: bool
    detail: str


@click.command()
@click.option("--input", "input_device", help="Microphone: number or part of its name.")
@click.option("--output", "output_device", help="Speaker: number or part of its name.")
@click.option(
    "--voice",
    type=click.Choice(["auto", "piper", "system", "none"]),
    default="auto",
    show_default=True,
    help="Voice that reads the questions.",
)
@click.option("--seconds", type=click.FloatRange(0.5, 30), default=2.0, show_default=True)
def check(input_device: str | None, output_device: str | None, voice: str, seconds: float) -> None:
    """Try each part once: record from the microphone, play a tone, speak and transcribe.

    Says what works and, for what does not, what to do about it. Exits non-zero if any
    part failed.
    """
    from rich.console import Console

    console = Console()
    input_spec = _device_spec(input_device)
    output_spec = _device_spec(output_device)
    steps: tuple[tuple[str, Callable[[], str]], ...] = (
        ("microphone", lambda: _check_microphone(input_spec, seconds)),
        ("speaker", lambda: _check_speaker(output_spec)),
        ("voice", lambda: _check_voice(voice, output_spec)),
    )
    results = []
    for part, step in steps:
        with console.status(f"checking the {part}..."):
            try:
                result = CheckResult(part, True, step())
            except MockintError as error:
                result = CheckResult(part, False, str(error))
        results.append(result)
        mark = "[green]ok[/green]  " if result.ok else "[red]FAIL[/red]"
        console.print(f"{mark} {part:<10} {result.detail}", highlight=False)
    if not all(result.ok for result in results):
        raise click.exceptions.Exit(1)


def _device_spec(device: str | None) -> int | str | None:
    """A device number stays a number (PortAudio's index); anything else is a name."""
    return int(device) if device is not None and device.isdigit() else device


def _check_microphone(device: int | str | None, seconds: float) -> str:
    import numpy as np

    from mockint.levels import SPEECH_THRESHOLD_DBFS, meter, rms_dbfs
    from mockint.record import Recorder

    blocks = []
    with Recorder(device) as recorder:
        for block in recorder:
            blocks.append(block)
            if sum(len(b) for b in blocks) >= seconds * recorder.sample_rate_hz:
                break
        error = recorder.error
    if error is not None:
        raise MockintError(f"microphone: {error}; run `mockint devices` to pick another")
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    loudest = max((rms_dbfs(b) for b in blocks), default=-120.0)
    level = f"{meter(loudest)} loudest {loudest:.0f} dBFS over {len(samples) / 16000:.1f} s"
    if loudest < -80.0:
        raise MockintError(
            f"microphone: recorded only silence ({level}); check that it is not muted, or "
            "pick another with --input (see `mockint devices`)"
        )
    if loudest < SPEECH_THRESHOLD_DBFS:
        return f"{level} (quiet: speak during the check, or move closer)"
    return level


def _check_speaker(device: int | str | None) -> str:
    import numpy as np

    from mockint.playback import play_and_wait

    rate_hz = 16_000
    t = np.arange(int(0.5 * rate_hz)) / rate_hz
    tone = 0.3 * np.sin(2 * np.pi * 440 * t) * np.minimum(1, 20 * t) * np.minimum(1, 20 * (0.5 - t))
    play_and_wait(tone.astype(np.float32), rate_hz, device)
    return "played a 0.5 s tone (you should have heard a beep)"


def _check_voice(voice: str, device: int | str | None) -> str:
    from mockint.devices import resample
    from mockint.playback import play_and_wait
    from mockint.speak import make_speaker
    from mockint.transcribe import load_transcriber

    speaker = make_speaker(voice, device)
    if speaker.name == "none":
        return "none (questions are shown, not read)"
    samples, rate_hz = speaker.synthesize(CHECK_SENTENCE)
    play_and_wait(samples, rate_hz, device)
    try:
        transcript = load_transcriber().transcribe(resample(samples, rate_hz, 16_000))
    except MockintError as error:
        raise MockintError(
            f"{speaker.name} voice spoke, but the speech model failed: {error}"
        ) from None
    heard = " ".join(word.text.strip() for word in transcript.words)
    expected = {w.strip(".,").lower() for w in CHECK_SENTENCE.split()}
    got = {w.strip(".,").lower() for w in heard.split()}
    if len(expected & got) < 0.6 * len(expected):
        raise MockintError(
            f"{speaker.name} voice spoke, but the speech model heard {heard!r}; "
            "try --voice system or --voice piper"
        )
    return f"{speaker.name} voice spoke; the speech model heard: {heard!r}"
