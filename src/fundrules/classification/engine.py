"""The one adapter over durable-rules. Nothing else in fundrules imports ``durable``.

The engine runs in a worker process (``engine_worker.py``, JSON lines over pipes), because its C
code can take the process down. Measured here with durable-rules 2.0.28: a ``$mt`` pattern of a
few hundred nested groups is a segmentation fault while the ruleset is created, and
``((a*)*)*b`` never returns; issue #7 reports a correlation (join) rule crashing at 1,000
messages (rules.py refuses joins in any case). A dead or silent worker becomes a
:class:`ClassificationEngineError`; the caller's process carries on.

The engine's other hazards are absorbed here:

- ``id`` and ``sid`` are reserved message keys (``sid`` routes to another session, identical
  messages without ``id`` raise, ``$ex`` on ``id`` never returns): the adapter owns both, every
  message gets a fresh ``id`` and no message may carry its own.
- A message no rule matches raises ``MessageNotHandledException`` for the whole batch: every
  ruleset gets a last catch-all rule, so "no match" is an ordinary ``None``.
- An event is consumed by the first rule that fires, in ``pri`` order (lower first): each
  ruleset holds the rules of one decision, and the caller gives them distinct priorities.
- Ruleset names are global and registrable once: each worker gets names of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fundrules.errors import FundrulesError

WORKER = Path(__file__).with_name("engine_worker.py")
RESERVED_KEYS = frozenset({"id", "sid", "profile"})
_MATCH_ALL = {"profile": 1}
NO_MATCH_RULE = "fundrules.no_match"
_STDERR_KEEP = 4000


class ClassificationEngineError(FundrulesError, RuntimeError):
    """The rule engine failed: its process died, hung, or refused a ruleset or a message."""


class RuleEngine:
    """durable-rules in a worker process, evaluating flat messages against named rulesets.

    ``rulesets`` maps a ruleset name to ``{rule_name: {"pri": int, "all": [{"m": ...}]}}`` (the
    engine's declarative form without ``run``). :meth:`evaluate` answers, for each message, the
    name of the rule that fired, or None.

    Long runs are cut into batches of ``chunk_size`` messages, and the worker is replaced after
    ``max_messages_per_worker`` messages so that the engine's state never grows large.
    """

    def __init__(
        self,
        rulesets: Mapping[str, Mapping[str, Mapping[str, Any]]],
        *,
        chunk_size: int = 2000,
        timeout_seconds: float = 60.0,
        max_messages_per_worker: int = 100_000,
    ) -> None:
        if chunk_size < 1 or max_messages_per_worker < 1:
            raise ValueError("chunk_size and max_messages_per_worker must be positive")
        self._rulesets = {name: dict(rules) for name, rules in rulesets.items()}
        self.chunk_size = chunk_size
        self.timeout_seconds = timeout_seconds
        self.max_messages_per_worker = max_messages_per_worker
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._names: dict[str, str] = {}
        self._sent = 0
        self._next_id = 0
        self.workers_started = 0
        self.messages_sent = 0

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> RuleEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker (politely, then by force)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write('{"op": "stop"}\n')
                proc.stdin.flush()
            proc.wait(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()

    @property
    def worker_pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _start(self) -> None:
        self.close()
        self._lines = queue.Queue()
        self._stderr = []
        cmd = [sys.executable, "-P", str(WORKER)]
        proc = subprocess.Popen(
            cmd,
            env={**os.environ, "FUNDRULES_ENGINE_PARENT": str(os.getpid())},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._proc = proc
        self.workers_started += 1
        self._sent = 0
        threading.Thread(target=_pump, args=(proc.stdout, self._lines), daemon=True).start()
        threading.Thread(target=_drain, args=(proc.stderr, self._stderr), daemon=True).start()
        token = uuid.uuid4().hex[:12]
        self._names = {name: f"{name}__{token}" for name in self._rulesets}
        definitions = {
            self._names[name]: _with_actions(rules) for name, rules in self._rulesets.items()
        }
        self._request(
            {"op": "load", "rulesets": definitions},
            f"creating the rulesets {sorted(self._rulesets)}",
        )

    # -- evaluation ------------------------------------------------------------------------

    def evaluate(self, ruleset: str, messages: Sequence[Mapping[str, Any]]) -> list[str | None]:
        """The rule of ``ruleset`` that fired for each message (None where none matched)."""
        if ruleset not in self._rulesets:
            raise KeyError(f"unknown ruleset {ruleset!r}")
        fired: list[str | None] = []
        for start in range(0, len(messages), self.chunk_size):
            chunk = messages[start : start + self.chunk_size]
            if self._proc is None or self._sent + len(chunk) > self.max_messages_per_worker:
                self._start()
            batch = []
            for message in chunk:
                clash = RESERVED_KEYS.intersection(message)
                if clash:
                    raise ValueError(f"message uses the engine's reserved key(s) {sorted(clash)}")
                self._next_id += 1
                batch.append({**message, "id": self._next_id, "profile": 1})
            answer = self._request(
                {"op": "post", "ruleset": self._names[ruleset], "messages": batch},
                f"evaluating messages {start}–{start + len(chunk) - 1} against {ruleset!r}",
            )
            self._sent += len(chunk)
            self.messages_sent += len(chunk)
            fired.extend(name or None for name in answer["fired"])
        return fired

    def _request(self, payload: Mapping[str, Any], doing: str) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(payload, ensure_ascii=False) + "\n")
            proc.stdin.flush()
            line = self._lines.get(timeout=self.timeout_seconds)
        except queue.Empty:
            self._proc = None
            proc.kill()
            proc.wait()
            raise ClassificationEngineError(
                f"the durable-rules engine did not answer within {self.timeout_seconds:g} s "
                f"while {doing}; its worker process (pid {proc.pid}) was stopped. A rule "
                "whose pattern makes the engine loop (a nested repetition such as "
                "'((a*)*)*b') is the usual cause."
            ) from None
        except (BrokenPipeError, OSError):
            line = None
        if line is None:
            self._proc = None
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            raise ClassificationEngineError(
                f"the durable-rules engine crashed ({_describe_exit(code)}) while {doing}; "
                f"only its worker process (pid {proc.pid}) was lost."
                + _tail("engine output", "".join(self._stderr))
            )
        answer = json.loads(line)
        if not answer.get("ok"):
            raise ClassificationEngineError(
                f"the durable-rules engine refused the work while {doing}: {answer.get('error')}"
            )
        reply: dict[str, Any] = answer
        return reply


def _with_actions(rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The rules with ``run`` set to their own name, and the catch-all rule last."""
    definition: dict[str, Any] = {}
    last = 0
    for name, rule in rules.items():
        if "run" in rule or name == NO_MATCH_RULE:
            raise ValueError(f"rule {name!r}: 'run' and the name {NO_MATCH_RULE} are the adapter's")
        definition[name] = {**rule, "run": name}
        last = max(last, int(rule.get("pri", 0)))
    definition[NO_MATCH_RULE] = {"pri": last + 1, "all": [{"m": _MATCH_ALL}], "run": ""}
    return definition


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _drain(stream: Any, sink: list[str]) -> None:
    kept = 0
    for line in stream:
        if kept < _STDERR_KEEP * 4:
            sink.append(line)
            kept += len(line)


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            sig = signal.Signals(-code)
            text = signal.strsignal(sig) or sig.name
            return f"killed by {sig.name}: {text}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _tail(label: str, text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return f"\n{label} (last lines):\n{text[-_STDERR_KEEP:]}"
