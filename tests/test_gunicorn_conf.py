"""The production server's settings file loads and freezes the startup heap in each worker."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"


def test_each_worker_moves_its_startup_objects_out_of_the_collectors_way():
    settings = runpy.run_path(str(CONF))
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
