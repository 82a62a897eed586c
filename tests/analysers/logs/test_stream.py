"""Follow mode: alerts appear while lines are being written, once each."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from mamori.analysers.logs.analyser import load_pack
from mamori.analysers.logs.dedupe import Alert
from mamori.analysers.logs.stream import watch

FAIL = (
    "2026-03-15T02:{m:02d}:{s:02d}.000000+09:00 bank-app-01 sshd[{pid}]: Failed password for "
    "{user} from 203.0.113.9 port {port} ssh2\n"
)


def test_watch_emits_brute_force_once_while_the_log_grows(tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_text(
        "2026-03-15T02:00:00.000000+09:00 bank-app-01 CRON[10]: pam_unix(cron:session): "
        "session opened for user root(uid=0) by (uid=0)\n"
    )
    alerts: list[Alert] = []
    done = threading.Event()

    def writer() -> None:
        with log.open("a") as fh:
            for i in range(40):
                m, s = divmod(i * 7, 60)
                fh.write(FAIL.format(m=m + 3, s=s, pid=2000 + i, user="root", port=40000 + i))
                fh.flush()
                time.sleep(0.01)
        time.sleep(1.0)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    watch([str(log)], load_pack(()), alerts.append, poll=0.05, stop=done.is_set)
    thread.join()
    titles = [a.title for a in alerts]
    brute = [t for t in titles if "brute force" in t.lower()]
    assert len(brute) == 1, titles
    assert len(titles) == len({(a.rule_id, a.group, a.first_seen) for a in alerts})
