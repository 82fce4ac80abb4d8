"""Regenerate the default templates: ``python -m fundrules.reports.templates.build``.

The layout follows GB/T 9704-2012 in outline: A4, margins 37/35/28/26 mm, the issuing body's
mark in red over a red rule, the document number under it, the title in 2号 (22 pt), the body in
3号 仿宋 (16 pt) with a two-character first-line indent, the signature and the date at the right.
"""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import FOLDER

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(
    doc,
    text: str,
    *,
    size: float = 16,
    font: str = BODY_FONT,
    align=None,
    indent: bool = True,
    bold: bool = False,
    color: RGBColor | None = None,
    space_after: float = 0,
):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(space_after)
    if indent and align is None:
        fmt.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold, color)
    return p


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "C00000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def _page(doc) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(37), Mm(35)
    s.left_margin, s.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _head(doc, mark: str) -> None:
    _para(
        doc,
        mark,
        size=26,
        font=TITLE_FONT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        space_after=12,
    )
    number = _para(doc, "{{doc_number}}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    _red_rule(number)


def _sign(doc) -> None:
    signature = _para(doc, "{{issuer}}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.space_before = Pt(28)
    signature.paragraph_format.keep_with_next = True  # the signature and the date stay together
    _para(doc, "{{date}}", align=WD_ALIGN_PARAGRAPH.RIGHT)


def supervision_notice():
    doc = Document()
    _page(doc)
    _head(doc, "{{issuer}}")
    _para(
        doc,
        "督 办 通 知 书",
        size=22,
        font=TITLE_FONT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    _para(doc, "{{addressee}}：", indent=False)
    _para(
        doc,
        "经社会保险基金网络监督（非现场监督）发现，你单位经办的{{insurance}}业务存在以下"
        "问题（案件编号 {{case_id}}，所属期 {{period}}）：",
    )
    _para(doc, "{{facts}}")
    _para(doc, "上述问题涉及金额{{amount}}元（大写：{{amount_capitals}}）。")
    _para(
        doc,
        "依据{{legal_basis}}，现予督办。请你单位对上述问题逐项核查、依规处理、追回"
        "资金、完善制度，于{{rectification_deadline}}前将核查整改情况书面报送我单位。",
    )
    _para(doc, "特此通知。")
    _sign(doc)
    return doc


def major_incident_report():
    doc = Document()
    _page(doc)
    _head(doc, "社会保险基金要情报告")
    _para(
        doc,
        "关于{{agency}}{{insurance}}基金{{grade}}的报告",
        size=22,
        font=TITLE_FONT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    _para(doc, "{{addressee}}：", indent=False)
    _para(doc, "现将{{issuer}}在社会保险基金网络监督中发现的要情报告如下。")
    _para(doc, "一、基本情况", bold=True)
    _para(
        doc,
        "要情等级：{{grade}}；发现日期：{{discovered}}；报告期限：{{report_due}}；"
        "案件编号：{{case_id}}；所属期：{{period}}；经办机构：{{agency}}；险种：{{insurance}}。",
    )
    _para(
        doc,
        "涉及金额{{amount}}元（大写：{{amount_capitals}}）；{{confirmed_loss}}；"
        "已追回{{recovered}}元。",
    )
    _para(doc, "二、问题事实", bold=True)
    _para(doc, "{{facts}}")
    _para(doc, "三、依据", bold=True)
    _para(doc, "{{legal_basis}}")
    _para(doc, "四、处理情况", bold=True)
    _para(doc, "{{handling}}")
    _sign(doc)
    return doc


def main() -> None:
    for name, build in (
        ("supervision_notice", supervision_notice),
        ("major_incident_report", major_incident_report),
    ):
        path = FOLDER / f"{name}.docx"
        build().save(path)
        print(path)


if __name__ == "__main__":
    main()
