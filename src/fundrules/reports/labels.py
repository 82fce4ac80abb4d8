"""Chinese names for the codes the reports show; a code without a name shows as itself."""

from __future__ import annotations

from fundrules.schema import INSURANCE_NAMES_ZH

# the schema's insurances are named where they are declared; a plugin's own insurance shows as
# its code
INSURANCE = {**INSURANCE_NAMES_ZH, "": "基金与数据"}
SEVERITY = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}
MAJOR_GRADE = {"none": "否", "ordinary": "一般要情", "major": "重大要情"}
ACTION = {
    "agency_verification": "经办机构核查",
    "supervision_notice": "督办通知",
    "on_site_check": "实地核查",
    "special_inspection": "专项检查",
    "major_incident_report": "要情报告",
}
SUBJECT = {
    "person": "个人",
    "employer": "用人单位",
    "provider": "服务机构",
    "account": "账户",
    "fund": "基金",
    "agency": "经办机构",
    "submission": "数据报送",
    "case": "案件",
    "rules": "规则",
}
STATE = {
    "new": "新建",
    "confirmed": "已确认",
    "dismissed": "已排除",
    "dispatched": "已下发",
    "received": "已接收",
    "consulting": "征求意见中",
    "consulted": "已答复意见",
    "feedback_submitted": "已反馈",
    "escalated": "已升级",
    "closed": "已办结",
}
OUTCOME = {
    "no_issue": "无问题",
    "rectified": "已整改",
    "recovered": "已追回",
    "referred": "已移送",
    "": "未办结",
}


def name(table: dict[str, str], code: object) -> str:
    """The Chinese name of ``code`` in ``table``, or the code itself."""
    text = "" if code is None else str(code)
    return table.get(text, text)


def with_code(table: dict[str, str], code: object) -> str:
    """``养老保险 (pension)``: the name with its code, for readers who know the codes."""
    text = "" if code is None else str(code)
    zh = table.get(text)
    if zh is None or not text:
        return zh or text
    return f"{zh} ({text})"
