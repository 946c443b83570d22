"""`manage.py load_demo`: load the demo task list; safe to run again."""

import datetime as dt

from django.core.management.base import BaseCommand

from tracker.demo import COUNT_LABELS, load_demo


class Command(BaseCommand):
    help = "加载成渝地区双城经济圈演示数据（可重复执行：只补建缺失的数据，不修改已有数据）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="基准日期（YYYY-MM-DD），用于计算临近到期、逾期节点和近期进展报送；默认今天。",
        )

    def handle(self, *args, today=None, verbosity=1, **options):
        created = load_demo(today=today, stdout=self.stdout if verbosity >= 2 else None)
        parts = [
            f"{label}{created[key]}{unit}"
            for key, (label, unit) in COUNT_LABELS.items()
            if created.get(key)
        ]
        if parts:
            self.stdout.write(self.style.SUCCESS("已创建演示数据：" + "、".join(parts)))
        else:
            self.stdout.write("演示数据已存在，未做任何修改。")
