"""The durable-rules worker process: the only place where the engine's C code runs.

Started by :mod:`fundrules.classification.engine` as ``python -P engine_worker.py``; it imports
nothing from fundrules. It reads one JSON request per line on stdin and answers one JSON line on
stdout:

- ``{"op": "load", "rulesets": {name: definition}}`` — register rulesets; each rule's ``run`` is
  the name recorded when it fires. Answer ``{"ok": true}``.
- ``{"op": "post", "ruleset": name, "messages": [...]}`` — post the messages as events, in one
  batch; answer ``{"ok": true, "fired": [run name per message, in order]}``.
- ``{"op": "stop"}`` — exit.

An error the engine reports as an exception is answered as ``{"ok": false, "error": text}``. A
crash of the C code kills this process only; the parent turns that into a clear error.
"""

import json
import os
import signal
import sys
import threading
import time

from durable import engine


class _Host(engine.Host):
    """A host whose actions record which rule fired for each message, by the message's ``id``."""

    def __init__(self):
        self.fired = {}
        super().__init__()

    def _run(self):
        # The stock host starts two timer threads that call into the C engine every 0.2 s,
        # concurrently with the posting thread and without a lock. We use no timers and no
        # asynchronous actions, so they are never started.
        pass

    def get_action(self, action_name):
        fired = self.fired

        def record(c):
            fired[c.m["id"]] = action_name

        return record


def _answer(stream, payload):
    stream.write(json.dumps(payload, ensure_ascii=False))
    stream.write("\n")
    stream.flush()


def _die_with_parent():
    """The worker must not outlive its parent (it may be busy in the engine's C code, holding
    the CPU): on Linux the kernel kills it when the parent dies (PR_SET_PDEATHSIG); elsewhere, or
    if the parent died before that was set, a thread watching the parent's pid ends it."""
    parent = int(os.environ.get("FUNDRULES_ENGINE_PARENT", "0") or 0)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:
        os._exit(1)

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent if parent else os.getppid() == 1:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def main():
    _die_with_parent()
    # UTF-8 whatever the locale; answers go to the real stdout only, anything the engine prints
    # goes to stderr.
    sys.stdin.reconfigure(encoding="utf-8")
    sys.stdout.reconfigure(encoding="utf-8")
    out = sys.stdout
    sys.stdout = sys.stderr
    host = _Host()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request.get("op")
        if op == "stop":
            _answer(out, {"ok": True})
            return
        try:
            if op == "load":
                host.register_rulesets(request["rulesets"])
                _answer(out, {"ok": True})
            elif op == "post":
                messages = request["messages"]
                host.fired.clear()
                if messages:
                    host.post_batch(request["ruleset"], messages)
                fired = host.fired
                _answer(out, {"ok": True, "fired": [fired.get(m["id"]) for m in messages]})
            else:
                _answer(out, {"ok": False, "error": f"unknown request {op!r}"})
        except Exception as exc:  # reported to the parent, which raises it as its own error
            _answer(out, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})


if __name__ == "__main__":
    main()
