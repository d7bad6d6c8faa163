"""The baseline for the console benchmarks: a bare Flask page of about the queue's size."""

from __future__ import annotations

from flask import Flask, render_template_string

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>queue</title></head><body>
<h1>工单队列</h1><table>{% for i in rows %}<tr><td>{{ 100000000 + i }}</td><td>物业报修</td>
<td>已受理</td><td>自助终端</td><td>王秀英 13800000001</td><td>2026/11/24 17:57</td>
<td><span class="sla-pill sla-ok">正常</span> 剩余 3 天</td></tr>{% endfor %}</table>
</body></html>"""


def bare_page_app() -> Flask:
    """A Flask app with one HTML page (a 25-row table) and /healthz."""
    app = Flask("bare")

    @app.get("/page")
    def page() -> str:
        return render_template_string(PAGE, rows=range(25))

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    return app
