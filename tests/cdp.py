"""Drive a headless Chromium from tests through the DevTools protocol (no Node needed)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--mute-audio",
    "--autoplay-policy=no-user-gesture-required",
    "--remote-allow-origins=*",
    "--remote-debugging-port=0",
)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One Chromium process with a fresh profile; one page driven over a websocket."""

    def __init__(self, profile: Path, timeout_s: float = 30.0) -> None:
        import websocket  # websocket-client, a test-only dependency

        binary = chromium_path()
        if binary is None:
            raise RuntimeError("chromium is not installed (Debian package: chromium)")
        self._timeout_s = timeout_s
        self._process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helper processes share the group we stop at the end
        )
        port = self._wait_for_port(profile / "DevToolsActivePort")
        page = self._wait_for_page(port)
        self._ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=timeout_s)
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _wait_for_port(self, file: Path) -> int:
        deadline = time.monotonic() + self._timeout_s
        while time.monotonic() < deadline:
            if file.is_file():
                first = file.read_text().split("\n", 1)[0].strip()
                if first.isdigit():
                    return int(first)
            if self._process.poll() is not None:
                raise RuntimeError("chromium exited before opening its debugging port")
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its debugging port")

    def _wait_for_page(self, port: int) -> dict[str, Any]:
        deadline = time.monotonic() + self._timeout_s
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as reply:
                targets = json.load(reply)
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return pages[0]
            time.sleep(0.05)
        raise RuntimeError("chromium opened no page")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        my_id = self._next_id
        self._ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                self.events.remove(event)
                return event
        while True:
            message = json.loads(self._ws.recv())
            if message.get("method") == method:
                return message
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Log.enable")
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def wait_for(self, expression: str, timeout_s: float = 10.0) -> Any:
        """Poll a page expression until it is truthy; its last value either way."""
        deadline = time.monotonic() + timeout_s
        value = self.evaluate(expression)
        while not value and time.monotonic() < deadline:
            time.sleep(0.05)
            value = self.evaluate(expression)
        return value

    def click(self, selector: str) -> None:
        """A real mouse click at the centre of the first element matching `selector`."""
        # Scroll first and wait two frames: input is hit-tested against the compositor's
        # scroll position, which lags a script's scroll until the next frames are drawn.
        result = self.send(
            "Runtime.evaluate",
            expression=(
                f"new Promise(function(done){{var e=document.querySelector({json.dumps(selector)});"
                "e.scrollIntoView({block:'center'});requestAnimationFrame(function(){"
                "requestAnimationFrame(function(){var r=e.getBoundingClientRect();"
                "done({x:r.left+r.width/2,y:r.top+r.height/2});});});})"
            ),
            awaitPromise=True,
            returnByValue=True,
        )
        box = result["result"]["value"]
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box["x"],
                y=box["y"],
                button="left",
                clickCount=1,
            )

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        try:
            self._ws.close()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
