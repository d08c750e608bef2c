"""Many sign-ins at once: argon2 takes 64 MiB for each password checked, so the checks wait their
turn, no more at once than `auth.CHECKS_AT_ONCE`, and the server's memory stays bounded."""

from __future__ import annotations

import json
import subprocess
import sys

from auth_helpers import PASSWORD

# In a fresh process (its peak memory is its own): three times as many threads as may check at
# once each check the same password; the peak resident memory they add, in MiB.
SCRIPT = """
import json, resource, threading
from dashboard import auth
stored = auth.hash_password({password!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
threads = [threading.Thread(target=auth.verify_password, args=(stored, {password!r}))
           for _ in range(3 * auth.CHECKS_AT_ONCE)]
for t in threads: t.start()
for t in threads: t.join()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"at_once": auth.CHECKS_AT_ONCE, "added_mib": (after - before) / 1024}}))
"""


def test_passwords_checked_at_once_are_bounded_so_memory_is():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(password=PASSWORD)], capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout)
    # one check's 64 MiB per check allowed at once, and one more for slack; all at once would
    # add 3 * at_once * 64 MiB
    assert out["added_mib"] < (out["at_once"] + 1) * 64, out
