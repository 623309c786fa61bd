"""Find sound devices through PortAudio, turning its failures into messages a user can act on."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from mockint.errors import MockintError

if TYPE_CHECKING:
    import numpy as np

Kind = Literal["input", "output"]
DEVICES_HINT = "run `mockint devices` to see the devices PortAudio finds"


@dataclass(frozen=True, slots=True)
class Device:
    index: int
    name: str
    host_api: str
    max_input_channels: int
    max_output_channels: int
    default_sample_rate_hz: float
    is_default_input: bool
    is_default_output: bool


def load_sounddevice() -> ModuleType:
    """Import sounddevice (it loads the PortAudio library on import)."""
    try:
        import sounddevice
    except OSError as error:  # the Python package is there, the C library is not
        raise MockintError(
            f"PortAudio: library not found ({error}); install it "
            "(Debian/Ubuntu: apt install libportaudio2, macOS: brew install portaudio)"
        ) from None
    return sounddevice


def list_devices() -> tuple[Device, ...]:
    """Every device PortAudio can open, with the defaults marked."""
    sd = load_sounddevice()
    host_apis = sd.query_hostapis()
    default_input, default_output = _default_indices(sd)
    return tuple(
        Device(
            index=int(info["index"]),
            name=str(info["name"]),
            host_api=str(host_apis[info["hostapi"]]["name"]),
            max_input_channels=int(info["max_input_channels"]),
            max_output_channels=int(info["max_output_channels"]),
            default_sample_rate_hz=float(info["default_samplerate"]),
            is_default_input=int(info["index"]) == default_input,
            is_default_output=int(info["index"]) == default_output,
        )
        for info in sd.query_devices()
    )


def _default_indices(sd: ModuleType) -> tuple[int, int]:
    default_input, default_output = sd.default.device
    return int(default_input), int(default_output)


def resolve(device: int | str | None, kind: Kind) -> int:
    """The PortAudio index of `device` (None: the default) or a MockintError with a way forward."""
    sd = load_sounddevice()
    what = "microphone" if kind == "input" else "speaker"
    try:
        info = sd.query_devices(device, kind)
    except (ValueError, sd.PortAudioError):
        if device is None:
            raise MockintError(f"no {what} found; {DEVICES_HINT}") from None
        raise MockintError(f"{kind} device {device!r}: not found; {DEVICES_HINT}") from None
    channels = info["max_input_channels" if kind == "input" else "max_output_channels"]
    if channels < 1:
        raise MockintError(f"{kind} device {device!r}: has no {kind} channels; {DEVICES_HINT}")
    return int(info["index"])


def default_sample_rate_hz(device: int, kind: Kind) -> int:
    sd = load_sounddevice()
    return int(sd.query_devices(device, kind)["default_samplerate"])


def resample(samples: np.ndarray, from_rate_hz: int, to_rate_hz: int) -> np.ndarray:
    """Linear-interpolation resampling of a 1-D float array; enough for speech to a speaker."""
    import numpy as np

    samples = np.asarray(samples, dtype=np.float32)
    if from_rate_hz == to_rate_hz or samples.size == 0:
        return samples
    n_out = max(1, round(samples.size * to_rate_hz / from_rate_hz))
    positions = np.arange(n_out, dtype=np.float64) * (from_rate_hz / to_rate_hz)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)
