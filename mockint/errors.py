"""The one exception type the CLI turns into a clean one-line message."""


class MockintError(Exception):
    """A problem the user can act on; str(error) is the whole message, one line."""

    exit_code = 1


class AudioError(MockintError):
    """An input file that cannot be decoded, or holds no speech."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
