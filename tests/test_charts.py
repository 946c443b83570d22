"""The shared charts: drawn from plain rows and points, whoever draws them,
and reaching into neither app's rendering or data."""

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

from django.utils import translation

from charts import tasks as task_charts

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_bars_are_drawn_from_names_and_counts():
    rows = [("四川省", {"red": 2, "green": 3}), ("重庆市", {"amber": 1})]
    with translation.override("en"):
        svg = task_charts.bars(task_charts.LIGHTS_BY_PARTY, rows)
    root = ET.fromstring(svg)
    assert {"2", "3", "5", "1"} <= set(_texts(svg))
    desc = root.find(f"{SVG}desc").text
    assert "四川省: overdue 2, on track 3" in desc
    assert "重庆市: at risk 1" in desc


def test_a_trend_takes_its_element_ids_and_period_names_from_the_caller():
    points = [
        task_charts.TrendPoint("11月15日", "2026年11月9日—15日", 38.2, 5),
        task_charts.TrendPoint("11月22日", "2026年11月16日—22日", None, 0),
    ]
    svg = task_charts.completion_trend(points=points, title="周度趋势", ident="t-7")
    root = ET.fromstring(svg)
    assert root.get("aria-labelledby") == "t-7-title t-7-desc"
    assert root.find(f"{SVG}title").get("id") == "t-7-title"
    assert {"11月15日", "11月22日", "38.2%", "5", "0"} <= set(_texts(svg))
    # A report with no completion rate has no point on the line.
    assert len(root.findall(f"{SVG}circle")) == 1
    assert "2026年11月16日—22日" in root.find(f"{SVG}desc").text


def test_names_are_escaped():
    rows = [('<script>x</script> & "co"', {})]
    svg = task_charts.bars(task_charts.STATUS_BY_WORK_STREAM, rows)
    assert "<script>" not in svg
    assert '<script>x</script> & "co"' in "".join(ET.fromstring(svg).itertext())


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_charts_know_no_app_but_the_task_vocabulary():
    apps = ("accounts", "tracker", "reports", "audit", "config")
    used = {
        name
        for path in (ROOT / "charts").glob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in apps
    }
    assert used == {"tracker.choices"}


def test_the_tracker_does_not_draw_with_the_reports_renderers():
    reaching = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "tracker").rglob("*.py")
        for name in _imports(path)
        if name.startswith(("reports.render", "reports.snapshot"))
    }
    assert reaching == set()


def test_a_decimal_is_written_as_its_shortest_exact_text():
    from decimal import Decimal

    from charts.formatting import plain_number

    cases = {
        "360.0000": "360",
        "1.5000": "1.5",
        "0.2500": "0.25",
        "1E+2": "100",
        "0.0000": "0",
        "-0.50": "-0.5",
        "1200": "1200",
    }
    assert {k: plain_number(Decimal(k)) for k in cases} == cases
    assert plain_number(None) is None
