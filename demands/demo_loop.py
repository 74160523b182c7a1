"""Demo data for the closed loop: bring the supervision list up to date for the demo items
(seeded by demands.demo with a spread of statuses, dated up to demands.demo.TODAY). No notices
are sent; the daily job sends them for states that appear later. Deterministic (the demo's own
day, not the clock) and idempotent (SupervisionFlag's unique constraint): a second run writes
nothing and says so."""

from demands.demo import TODAY
from demands.models import SupervisionFlag
from demands.services.supervision import wanted_flags


def seed(stdout):
    wanted = wanted_flags(TODAY)
    before = SupervisionFlag.objects.count()
    # bulk_create with ignore_conflicts returns every object it was given, written or not:
    # count the table instead.
    SupervisionFlag.objects.bulk_create(
        [SupervisionFlag(item_id=item_id, reason=reason, state_key=key) for item_id, reason, key in wanted],
        ignore_conflicts=True,
        batch_size=2000,
    )
    written = SupervisionFlag.objects.count() - before
    items = len({item_id for item_id, _, _ in wanted})
    if written:
        stdout.write(f"督导清单：{items} 项需求、{len(wanted)} 条督导记录（新写入 {written} 条）\n")
    else:
        stdout.write(f"督导清单：{items} 项需求、{len(wanted)} 条督导记录，均已存在，未写入新数据\n")
