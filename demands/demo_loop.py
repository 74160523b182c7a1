"""Demo data for the closed loop: bring the supervision list up to date for the demo items
(seeded by demands.demo with a spread of statuses). No notices are sent; the daily job sends them
for states that appear later. Idempotent: SupervisionFlag's unique constraint."""

from django.utils import timezone

from demands.models import SupervisionFlag
from demands.services.supervision import wanted_flags


def seed(stdout):
    wanted = wanted_flags(timezone.localdate())
    created = SupervisionFlag.objects.bulk_create(
        [SupervisionFlag(item_id=item_id, reason=reason, state_key=key) for item_id, reason, key in wanted],
        ignore_conflicts=True,
        batch_size=2000,
    )
    stdout.write(f"督导清单：当前应列入 {len(wanted)} 项（本次写入 {len(created)} 条，已存在的不重复写入）\n")
