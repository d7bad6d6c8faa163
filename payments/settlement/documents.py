"""Statements as CSV and PDF (reportlab, with a built-in CJK font for Chinese names)."""

from __future__ import annotations

import csv
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from payments.money import Money
from payments.settlement.models import SettlementStatement
from portal_client.i18n import gettext

_FONTS = {"zh_CN": "STSong-Light", "zh_TW": "MSung-Light", "en": "Helvetica"}
_registered: set[str] = set()


def _t(key: str, lang: str, **params: object) -> str:
    return gettext("payments", key, lang, **params)


def _amount(minor: int, currency: str) -> str:
    sign = "-" if minor < 0 else ""
    return sign + Money(abs(minor), currency).text()


def _summary(st: SettlementStatement, lang: str) -> list[tuple[str, str]]:
    return [(_t(f"statement.{k}", lang), _amount(v, st.currency)) for k, v in (
        ("opening", st.opening), ("gross", st.gross), ("refunds", -st.refunds),
        ("fees", -st.fees), ("net", st.net), ("payout", -st.payout), ("closing", st.closing))]


def to_csv(st: SettlementStatement, name: str, lang: str) -> bytes:
    """Lines of the day then the summary; amounts in major units with the currency column."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([_t("statement.title", lang), name, st.payee_code, st.business_date.isoformat()])
    w.writerow([_t("statement.col.at", lang), _t("statement.col.transfer", lang),
                _t("statement.col.kind", lang), _t("statement.col.amount", lang),
                _t("statement.col.currency", lang), _t("statement.col.memo", lang)])
    for line in st.lines:
        w.writerow([line["at"], line["transfer_id"], _t(f"statement.kind.{line['kind']}", lang),
                    _amount(line["amount_minor"], st.currency), st.currency, line.get("memo") or ""])
    w.writerow([])
    for label, value in _summary(st, lang):
        w.writerow([label, "", "", value, st.currency, ""])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese


def to_pdf(st: SettlementStatement, name: str, lang: str) -> bytes:
    """An A4 statement: heading, summary table, and every line of the day."""
    font = _FONTS.get(lang, "Helvetica")
    if font != "Helvetica" and font not in _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(font))
        _registered.add(font)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm,
                            title=_t("statement.title", lang), author="Community Portal")
    h = ParagraphStyle("h", fontName=font, fontSize=16, leading=22)
    p = ParagraphStyle("p", fontName=font, fontSize=10, leading=14)
    story = [Paragraph(_t("statement.title", lang), h),
             Paragraph(_t("statement.heading", lang, name=name, code=st.payee_code,
                          date=st.business_date.isoformat(), currency=st.currency), p),
             Spacer(1, 6 * mm)]
    summary = Table(_summary(st, lang), colWidths=[60 * mm, 40 * mm])
    summary.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEBELOW", (0, -2), (-1, -2), 0.5, colors.black),
        ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    story += [summary, Spacer(1, 8 * mm)]
    rows = [[_t("statement.col.at", lang), _t("statement.col.transfer", lang),
             _t("statement.col.kind", lang), _t("statement.col.amount", lang)]]
    rows += [[line["at"][:19].replace("T", " "), str(line["transfer_id"]),
              _t(f"statement.kind.{line['kind']}", lang),
              _amount(line["amount_minor"], st.currency)] for line in st.lines]
    if len(rows) == 1:
        rows.append([_t("statement.no_lines", lang), "", "", ""])
    lines = Table(rows, colWidths=[45 * mm, 25 * mm, 55 * mm, 35 * mm], repeatRows=1)
    lines.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story.append(lines)
    doc.build(story)
    return buf.getvalue()
