"""Benchmark: creating a batch of logins (批量开通账号) with the real password hasher.

Times `accounts.services.logins_create` for N township-staff logins (default 50, the page's
batch, accounts.forms.BATCH_MAX) in a throwaway SQLite database under a temporary VAR_DIR, and the
same hashing done one after the other, to show what hashing side by side saves. Goal: a batch
well inside gunicorn's 60 s timeout.

    .venv/bin/python bench/accounts_bench.py [--logins 50]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=50)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="accounts-bench-")
    os.environ.update({"DEBUG": "1", "VAR_DIR": var, "CACHE_URL": "locmem://", "CELERY_TASK_ALWAYS_EAGER": "1"})
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from accounts.services import NewLogin, initial_password, logins_create
    from secretaries.models import District, Township

    call_command("migrate", verbosity=0)
    township = Township.objects.create(district=District.objects.create(name="房山区"), name="十渡镇")
    names = [f"张{chr(0x4E00 + n)}" for n in range(args.logins)]

    start = time.perf_counter()
    for _ in range(args.logins):
        make_password(initial_password())
    one_by_one = time.perf_counter() - start

    entries = [NewLogin(name=name, phone="", role="township", township=township) for name in names]
    start = time.perf_counter()
    logins_create(entries, request=None)
    batch = time.perf_counter() - start
    print(
        f"{args.logins} logins on {os.cpu_count()} cores: logins_create {batch:.1f} s; hashing alone one by one {one_by_one:.1f} s"
    )


if __name__ == "__main__":
    main()
