"""A virtual sound card for tests: ALSA's `file` plugin behind the real PortAudio stack.

The ALSA config is written once per test process and named by ALSA_CONFIG_PATH before
PortAudio first initialises (libasound reads its config then, not per stream). It defines:

- `mockmic`: capture reads raw S16_LE 16 kHz mono from `mic.raw`, which `feed()` rewrites.
  The file plugin reopens it on every stream, so each recording hears the fed audio from
  its start. When the file runs out the plugin leaves the ring buffer as it was, so the
  "microphone" would repeat stale audio: `feed()` appends a long silent tail for that.
- `mockspk`: playback writes raw S16_LE 16 kHz mono. With `truncate false` each stream
  gets its own file (`speaker.raw`, `speaker.raw.0001`, ...); `played()` joins them.
- `default`: capture from mockmic, playback to mockspk.

Capture in int16: a float32 capture stream puts ALSA's format converter on top of the
file plugin, and the converter's partial mmap transfers skip parts of the file. (The
Recorder captures int16 anyway, as microphones deliver it.)

Both sides sit on ALSA's `null` device, which has no clock: streams run faster than real
time. Tests therefore never measure time through this device.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

SAMPLE_RATE_HZ = 16_000
INPUT_DEVICE = "mockmic"
OUTPUT_DEVICE = "mockspk"
# Silence after the fed audio: longer than any recording a test makes, so the capture
# never reaches the end of the file (past it the plugin repeats stale buffer contents).
DEFAULT_PAD_S = 60.0

_CONFIG = """\
pcm.!default {{
  type asym
  playback.pcm "{speaker}"
  capture.pcm "{mic}"
}}
pcm.{speaker} {{
  type plug
  slave {{
    pcm {{
      type file; slave.pcm {{ type null }}
      file "{speaker_file}"; format "raw"; truncate false
    }}
    format S16_LE; rate {rate}; channels 1
  }}
}}
pcm.{mic} {{
  type plug
  slave {{
    pcm {{
      type file; slave.pcm {{ type null }}
      file "/dev/null"; infile "{mic_file}"; format "raw"
    }}
    format S16_LE; rate {rate}; channels 1
  }}
}}
"""


@dataclass(frozen=True, slots=True)
class VirtualAudio:
    """The virtual card's files, and the device names to give Recorder and Player."""

    folder: Path
    input_device: str = INPUT_DEVICE
    output_device: str = OUTPUT_DEVICE
    sample_rate_hz: int = SAMPLE_RATE_HZ

    @property
    def config_path(self) -> Path:
        return self.folder / "asound.conf"

    @property
    def mic_file(self) -> Path:
        return self.folder / "mic.raw"

    @property
    def speaker_file(self) -> Path:
        return self.folder / "speaker.raw"

    def feed(self, samples: np.ndarray, *, pad_s: float = DEFAULT_PAD_S) -> None:
        """Make the next recordings hear `samples` (float32, 16 kHz mono), then silence."""
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
        silence = np.zeros(int(pad_s * self.sample_rate_hz), dtype="<i2")
        self.mic_file.write_bytes(pcm.tobytes() + silence.tobytes())

    def played_streams(self) -> tuple[np.ndarray, ...]:
        """What each playback stream sent to the speaker, oldest first (float32, 16 kHz)."""
        files = sorted(
            self.folder.glob(self.speaker_file.name + "*"),
            key=lambda path: int(path.suffix[1:]) if path.suffix[1:].isdigit() else 0,
        )
        return tuple(np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0 for path in files)

    def played(self) -> np.ndarray:
        """Everything that reached the speaker since the last reset, joined in order."""
        streams = self.played_streams()
        return np.concatenate(streams) if streams else np.zeros(0, dtype=np.float32)

    def reset(self) -> None:
        """Forget what was played; the microphone hears only silence until the next feed."""
        for path in self.folder.glob(self.speaker_file.name + "*"):
            path.unlink()
        self.feed(np.zeros(0, dtype=np.float32))

    def env(self) -> dict[str, str]:
        """Environment for a child process that should use this virtual card."""
        return {**os.environ, "ALSA_CONFIG_PATH": str(self.config_path)}

    def no_devices_env(self) -> dict[str, str]:
        """Environment for a child process on a machine without any sound card."""
        config = self.folder / "no-card.conf"
        # An empty config makes PortAudio abort; a default on a card that is not there
        # is what a machine without sound hardware looks like.
        config.write_text("pcm.!default { type hw; card 7 }\n")
        return {**os.environ, "ALSA_CONFIG_PATH": str(config)}


def install(folder: Path) -> VirtualAudio:
    """Write the config and point ALSA at it; call before PortAudio initialises."""
    folder.mkdir(parents=True, exist_ok=True)
    audio = VirtualAudio(folder=folder)
    audio.config_path.write_text(
        _CONFIG.format(
            speaker=OUTPUT_DEVICE,
            mic=INPUT_DEVICE,
            speaker_file=audio.speaker_file,
            mic_file=audio.mic_file,
            rate=SAMPLE_RATE_HZ,
        )
    )
    # PortAudio opens every capture device while listing them, so the file must exist.
    audio.reset()
    os.environ["ALSA_CONFIG_PATH"] = str(audio.config_path)
    _reinitialise_portaudio_if_loaded()
    return audio


def _reinitialise_portaudio_if_loaded() -> None:
    """If sounddevice initialised before the config existed, make PortAudio list devices again."""
    sd = sys.modules.get("sounddevice")
    if sd is None:
        return
    names = {device["name"] for device in sd.query_devices()}
    if INPUT_DEVICE not in names:
        sd._terminate()
        sd._initialize()


_installed: VirtualAudio | None = None


def pytest_configure(config: pytest.Config) -> None:
    # Earlier than any test module import, so PortAudio sees this config from its start.
    global _installed
    _installed = install(Path(tempfile.mkdtemp(prefix="mockint-virtual-audio-")))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _installed is not None:
        shutil.rmtree(_installed.folder, ignore_errors=True)


@pytest.fixture
def virtual_audio() -> Iterator[VirtualAudio]:
    """The virtual card, with nothing played yet and a silent microphone."""
    assert _installed is not None, "tests.audio_harness must be loaded as a pytest plugin"
    _reinitialise_portaudio_if_loaded()
    _installed.reset()
    yield _installed
    _installed.reset()


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Peak normalised cross-correlation of two signals: 1.0 means b occurs inside a."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if len(a) < len(b):
        a, b = b, a
    n = len(a) + len(b) - 1
    size = 1 << (n - 1).bit_length()
    spectrum = np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size))
    cross = np.fft.irfft(spectrum, size)
    # Energy of `a` under each placement of `b`, for a per-lag normalisation.
    window = np.concatenate(([0.0], np.cumsum(a * a)))
    lags = np.arange(len(a) - len(b) + 1)
    energy_a = window[lags + len(b)] - window[lags]
    denominator = np.sqrt(energy_a * np.sum(b * b)) + 1e-12
    return float(np.max(cross[lags] / denominator))
