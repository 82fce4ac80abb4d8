"""A real headless Chromium for the report tests, driven over the DevTools protocol on a pipe.

Debian's ``chromium`` runs with its own background networking off; the page is opened from a
``file://`` URL and every console message, exception, log entry and network request it makes is
recorded, so a test can fail on any console error and on any request for anything but the page
itself. A full-page screenshot is kept in the test's output folder.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundrules.cases import CaseBook
from fundrules.cases.models import Case
from fundrules.security import CertificateAuthority, Holder, load_identity
from fundrules.store import open_store

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--remote-debugging-pipe",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--metrics-recording-only",
    "--safebrowsing-disable-auto-update",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1280,900",
]


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Debian's chromium is not installed: `./dev setup` installs it (apt, as root)")


@dataclass
class PageVisit:
    """What happened while the page was open."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    fonts: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


class DevTools:
    """The DevTools protocol over ``--remote-debugging-pipe`` (fd 3 in, fd 4 out, NUL-framed)."""

    def __init__(self, user_dir: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # move the child's ends above 4 so that dup2 onto 3 and 4 cannot clobber them
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def wire() -> None:
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [chromium_binary(), *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=wire,
            pass_fds=(3, 4),
        )
        os.close(high_r)
        os.close(high_w)
        self._next = 0
        self._lock = threading.Condition()
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line)

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                with self._lock:
                    if "id" in msg:
                        self._replies[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                    self._lock.notify_all()

    def send(self, method: str, session: str | None = None, timeout: float = 30, **params: Any):
        with self._lock:
            self._next += 1
            mid = self._next
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._lock:
            while mid not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(
                        f"no answer to {method} from chromium; stderr: "
                        + b"".join(self._stderr[-20:]).decode(errors="replace")
                    )
                self._lock.wait(left)
            reply = self._replies.pop(mid)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for e in self.events:
                    if e.get("method") == method:
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"chromium sent no {method} within {timeout}s")
                self._lock.wait(left)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errors.append("console: " + " ".join(str(a.get("value", a)) for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            details = p.get("exceptionDetails", {})
            errors.append(
                "exception: "
                + str(details.get("exception", {}).get("description") or details.get("text"))
            )
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            errors.append("log: " + p["entry"].get("text", ""))
        elif m == "Network.loadingFailed":
            errors.append("network: " + json.dumps(p)[:300])
    return errors


class Browser:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.tools = DevTools(tmp / "chromium-profile")

    def visit(
        self, page: Path, screenshot: Path, script: str | None = None
    ) -> tuple[PageVisit, Any]:
        """Open ``page``, wait for it to load, run ``script`` (an expression) in it, keep a
        full-page screenshot, and return what happened with the script's value."""
        t = self.tools
        target = t.send("Target.createTarget", url="about:blank")["targetId"]
        session = t.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network", "DOM", "CSS"):
            t.send(f"{domain}.enable", session)
        t.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=1280,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        url = page.resolve().as_uri()
        first = len(t.events)
        t.send("Page.navigate", session, url=url)
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in t.events[first:]):
            if time.monotonic() > deadline:
                raise RuntimeError("the page did not finish loading within 30 s")
            time.sleep(0.05)
        value = None
        if script:
            res = t.send("Runtime.evaluate", session, expression=script, returnByValue=True)
            if "exceptionDetails" in res:
                raise AssertionError(f"script failed in the page: {res['exceptionDetails']}")
            value = res["result"].get("value")
        time.sleep(0.5)  # late console messages and requests
        metrics = t.send("Page.getLayoutMetrics", session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = t.send(
            "Page.captureScreenshot",
            session,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": min(size["height"], 16000), "scale": 1},
        )
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        visit = PageVisit(url=url, screenshot=screenshot)
        mine = [e for e in t.events[first:] if e.get("sessionId") == session]
        visit.console_errors = _console_errors(mine)
        visit.requests = [
            e["params"]["request"]["url"]
            for e in mine
            if e.get("method") == "Network.requestWillBeSent"
        ]
        visit.fonts = self._fonts(session, "h1")
        t.send("Target.closeTarget", targetId=target)
        return visit, value

    def _fonts(self, session: str, selector: str) -> list[str]:
        """The fonts Chromium actually drew ``selector``'s text with (family names)."""
        t = self.tools
        root = t.send("DOM.getDocument", session)["root"]["nodeId"]
        node = t.send("DOM.querySelector", session, nodeId=root, selector=selector)["nodeId"]
        fonts = t.send("CSS.getPlatformFontsForNode", session, nodeId=node)["fonts"]
        return [f["familyName"] for f in fonts]

    def close(self) -> None:
        self.tools.close()


@pytest.fixture
def browser(tmp_path: Path):
    b = Browser(tmp_path)
    try:
        yield b
    finally:
        b.close()


DEMO_CONFIG = Path(__file__).parents[2] / "src/fundrules/cli/demo_classification.yaml"
PERIOD = "2025-06"


def fundrules_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the real ``fundrules`` command (this interpreter's), capturing its output."""
    import sys

    return subprocess.run(
        [sys.executable, "-m", "fundrules", *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture(scope="session")
def cli():
    return fundrules_cli


@pytest.fixture(scope="session")
def screened(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic city screened and classified through the CLI (``screen --classify``)."""
    from fundrules.synth import generate_city

    root = tmp_path_factory.mktemp("screened")
    city, out = root / "city", root / "out"
    generate_city(city, persons=600, seed=11, period=PERIOD)
    run = fundrules_cli(
        "screen",
        city,
        "--period",
        PERIOD,
        "--out",
        out,
        "--classify",
        "--classify-config",
        DEMO_CONFIG,
    )
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="session")
def screened_may(screened: Path) -> Path:
    """The month before, screened from the same city."""
    out = screened.parent / "out-may"
    run = fundrules_cli(
        "screen",
        screened.parent / "city",
        "--period",
        "2025-05",
        "--out",
        out,
        "--classify",
        "--classify-config",
        DEMO_CONFIG,
    )
    assert run.returncode == 0, run.stderr
    return out


CA_PASS, KEY_PASS, REGION = b"ca pass", b"key pass", "120100"


@dataclass
class Cases:
    store: Path
    url: str
    notice: int  # escalated as supervision_notice and approved
    pending: int  # escalated as supervision_notice, not approved
    on_site: int  # escalated as on_site_check
    fresh: int  # new, not escalated
    major: int  # graded 要情 (ordinary)
    major2: int  # another
    plain: int  # graded none
    subject: str  # the notice case's person id


@pytest.fixture(scope="session")
def cases(screened, screened_may, tmp_path_factory) -> Cases:
    root = tmp_path_factory.mktemp("cases")
    ca = CertificateAuthority.init(root / "ca", REGION, CA_PASS)
    people = {}
    for role, serial in (("monitor", "M1"), ("supervisor", "S1")):
        holder = Holder(serial, "测试" + role, role, "基金监督处", REGION)
        cert, key = ca.issue(holder, CA_PASS, KEY_PASS).write(root / "certs", role)
        people[role] = load_identity(cert, key, KEY_PASS)
    store = open_store(root / "store", create=True)
    url = store.database_url
    with CaseBook(url, ca) as book:
        book.open_cases(screened_may, opened_on=dt.date(2025, 6, 10))
        book.open_cases(screened, opened_on=dt.date(2025, 7, 10))
        with Session(book.engine) as s:
            all_cases = s.scalars(
                select(Case)
                .where(Case.period == PERIOD)
                .order_by(Case.amount_at_risk_fen.desc(), Case.id)
            ).all()
        persons = [c for c in all_cases if c.subject_type == "person" and c.major_grade == "none"]
        majors = [c for c in all_cases if c.major_grade in ("ordinary", "major")]
        plain = [c for c in all_cases if c.major_grade == "none"]
        notice, pending, on_site, fresh = persons[0], persons[1], persons[2], persons[3]
        for c in (notice, pending, on_site):
            book.act(people["monitor"], c.id, "confirm", at="2025-07-12", reason="核实")
        book.act(
            people["monitor"], notice.id, "escalate", at="2025-07-15", kind="supervision_notice"
        )
        book.act(people["supervisor"], notice.id, "approve", at="2025-07-16", reason="同意督办")
        book.act(
            people["monitor"], pending.id, "escalate", at="2025-07-15", kind="supervision_notice"
        )
        book.act(people["monitor"], on_site.id, "escalate", at="2025-07-15", kind="on_site_check")
        # the rest of the month's person cases: confirmed and dispatched on 2025-07-20; feedback
        # (and money recovered) for some, none for others: overdue after 2025-08-20
        rest = [c for c in persons[4:] if c.id != plain[-1].id]
        for i, c in enumerate(rest):
            book.act(people["monitor"], c.id, "confirm", at="2025-07-18")
            book.act(people["monitor"], c.id, "dispatch", at="2025-07-20")
            if i % 2 == 0:
                book.act(
                    people["supervisor"],
                    c.id,
                    "feedback",
                    at="2025-08-10",
                    conclusion="recovered",
                    recovered="100.50",
                )
    return Cases(
        store=store.root,
        url=url,
        notice=notice.id,
        pending=pending.id,
        on_site=on_site.id,
        fresh=fresh.id,
        major=majors[0].id,
        major2=majors[1].id,
        plain=plain[-1].id,
        subject=notice.subject_id,
    )
