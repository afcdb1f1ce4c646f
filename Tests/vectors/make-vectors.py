#!/usr/bin/env python3
"""Writes Tests/vectors/checklists/*.json. Every expected problem list here is written by hand
from docs/blocks.md (never produced by running a checker). Run: python3 Tests/vectors/make-vectors.py"""
import copy
import hashlib
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent / "checklists"


def canonical_hash(definition):
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


COMPLAINT = {
    "id": "complaint-record", "title": "客户投诉调查处理记录", "version": 1, "cite": "05-complaints.md#第31条",
    "fields": [
        {"id": "receivedAt", "type": "datetime", "label": "投诉受理时间", "required": True,
         "help": "以接到投诉电话或来函的时间为准", "cite": "05-complaints.md#第31条"},
        {"id": "kind", "type": "choice", "label": "投诉类别", "options": ["产品质量", "服务态度", "交付延误", "其他"], "other": True},
        {"id": "ourFault", "type": "yesno", "label": "是否属于我方责任", "required": True},
        {"id": "solutionAt", "type": "datetime", "label": "解决方案提出时间", "requiredIf": {"field": "ourFault", "equals": True}},
        {"id": "items", "type": "group", "label": "投诉项目", "required": True, "repeat": {"min": 1, "max": 3}, "fields": [
            {"id": "product", "type": "text", "label": "产品名称", "required": True},
            {"id": "qty", "type": "number", "label": "数量", "min": 0, "integer": True, "unit": "吨"}]},
        {"id": "repliedAt", "type": "datetime", "label": "答复时间"},
        {"id": "phone", "type": "phone", "label": "联系电话"},
        {"id": "email", "type": "email", "label": "电子邮箱"},
        {"id": "planMade", "type": "yesno", "label": "是否已制定整改计划"},
    ],
    "rules": [
        {"id": "solution-in-3-working-days", "type": "deadline", "from": "receivedAt", "to": "solutionAt",
         "within": {"workingDays": 3}, "when": {"field": "ourFault", "equals": True},
         "message": "属于我方责任的投诉，须在受理后3个工作日内提出解决方案", "cite": "05-complaints.md#第32条"},
        {"id": "reply-after-receipt", "type": "order", "first": "receivedAt", "then": "repliedAt",
         "message": "答复时间不能早于受理时间", "cite": "05-complaints.md#第31条"},
        {"id": "contact-given", "type": "atLeastOne", "fields": ["phone", "email"],
         "message": "联系电话和电子邮箱至少填写一项", "cite": "05-complaints.md#第31条"},
        {"id": "fault-needs-plan", "type": "equalsWhen", "field": "planMade", "value": True,
         "when": {"field": "ourFault", "equals": True}, "message": "我方责任的投诉须制定整改计划", "cite": "05-complaints.md#第33条"},
    ],
}

COMPLAINT_VALUES = {
    "receivedAt": "2025-03-04T09:30:00+08:00", "kind": "产品质量", "ourFault": True,
    "solutionAt": "2025-03-06T10:00:00+08:00", "items": [{"product": "P.O 42.5", "qty": 30}],
    "repliedAt": "2025-03-04T11:00:00+08:00", "phone": "0571-88886666", "planMade": True,
}

CALLBACK = {
    "id": "callback", "title": "回访记录", "version": 2,
    "fields": [
        {"id": "calledAt", "type": "datetime", "label": "来电时间", "required": True},
        {"id": "callbackAt", "type": "datetime", "label": "回电时间"},
        {"id": "visitDate", "type": "date", "label": "上门日期"},
        {"id": "closedAt", "type": "datetime", "label": "结案时间"},
    ],
    "rules": [
        {"id": "callback-24h", "type": "deadline", "from": "calledAt", "to": "callbackAt", "within": {"hours": 24},
         "message": "须在来电后24小时内回电", "cite": "04-inquiry.md#第12条"},
        {"id": "visit-in-2-days", "type": "deadline", "from": "calledAt", "to": "visitDate", "within": {"days": 2},
         "message": "须在来电后2日内上门", "cite": "04-inquiry.md#第13条"},
        {"id": "close-same-day", "type": "deadline", "from": "calledAt", "to": "closedAt", "within": {"sameDay": True},
         "message": "简单咨询须当日结案", "cite": "04-inquiry.md#第14条"},
    ],
}

REPAIR = {
    "id": "repair", "title": "维修记录", "version": 1,
    "fields": [
        {"id": "reportedAt", "type": "datetime", "label": "报修时间", "required": True},
        {"id": "fixedOn", "type": "date", "label": "修复日期"},
        {"id": "orderedOn", "type": "date", "label": "下单日期"},
        {"id": "shippedAt", "type": "datetime", "label": "发货时间"},
    ],
    "rules": [
        {"id": "fix-in-2-working-days", "type": "deadline", "from": "reportedAt", "to": "fixedOn",
         "within": {"workingDays": 2}, "message": "须在报修后2个工作日内修复", "cite": "06-service.md#第40条"},
        {"id": "ship-next-day", "type": "deadline", "from": "orderedOn", "to": "shippedAt", "within": {"days": 1},
         "message": "须在下单次日内发货", "cite": "06-service.md#第41条"},
        {"id": "ship-after-order", "type": "order", "first": "orderedOn", "then": "shippedAt",
         "message": "发货不能早于下单", "cite": "06-service.md#第41条"},
    ],
}

VISIT = {
    "id": "site-visit", "title": "现场走访", "version": 1,
    "fields": [
        {"id": "visited", "type": "yesno", "label": "是否已走访", "required": True},
        {"id": "visitDate", "type": "date", "label": "走访日期", "required": True, "visibleIf": {"field": "visited", "equals": True}},
        {"id": "reason", "type": "textarea", "label": "未走访原因", "required": True, "visibleIf": {"field": "visited", "equals": False}},
        {"id": "reportDate", "type": "date", "label": "报告日期"},
        {"id": "visitNote", "type": "text", "label": "走访备注", "requiredIf": {"field": "visitDate", "isSet": True}},
    ],
    "rules": [
        {"id": "report-after-visit", "type": "order", "first": "visitDate", "then": "reportDate",
         "message": "报告日期不能早于走访日期", "cite": "07-visits.md#第50条"},
    ],
}

INQUIRY = {
    "id": "inquiry", "title": "咨询登记", "version": 3,
    "fields": [
        {"id": "channel", "type": "choice", "label": "渠道", "options": ["电话", "邮件", "来访", "网站"], "required": True},
        {"id": "phone", "type": "phone", "label": "电话", "requiredIf": {"field": "channel", "in": ["电话", "来访"]}},
        {"id": "email", "type": "email", "label": "邮箱", "requiredIf": {"field": "channel", "equals": "邮件"}},
        {"id": "noPhoneReason", "type": "text", "label": "未留电话原因", "required": True, "visibleIf": {"field": "phone", "isSet": False}},
        {"id": "resolved", "type": "yesnona", "label": "是否解决", "required": True},
        {"id": "followUp", "type": "date", "label": "跟进日期", "requiredIf": {"field": "resolved", "not": "yes"}},
        {"id": "escalated", "type": "check", "label": "已升级"},
        {"id": "escalatedTo", "type": "text", "label": "升级至", "requiredIf": {"all": [
            {"field": "escalated", "equals": True}, {"field": "resolved", "in": ["no", "na"]}]}},
        {"id": "note", "type": "textarea", "label": "备注", "maxLength": 10, "requiredIf": {"any": [
            {"field": "escalated", "equals": True}, {"field": "tags", "equals": "投诉"}]}},
        {"id": "tags", "type": "multichoice", "label": "标签", "options": ["咨询", "投诉", "建议", "表扬"], "minSelected": 1, "maxSelected": 2},
        {"id": "ref", "type": "text", "label": "跟进单号", "requiredIf": {"field": "followUp", "isSet": True}},
    ],
}

ALL_TYPES = {
    "id": "all-types", "title": "全部字段类型", "version": 1,
    "fields": [
        {"id": "agree", "type": "check", "label": "已阅读", "required": True},
        {"id": "ok", "type": "yesno", "label": "是否满意"},
        {"id": "status", "type": "yesnona", "label": "状态"},
        {"id": "name", "type": "text", "label": "姓名", "maxLength": 5},
        {"id": "detail", "type": "textarea", "label": "详情"},
        {"id": "amount", "type": "number", "label": "金额", "min": 1, "max": 100, "unit": "元"},
        {"id": "count", "type": "number", "label": "件数", "integer": True},
        {"id": "day", "type": "date", "label": "日期"},
        {"id": "at", "type": "datetime", "label": "时间"},
        {"id": "pick", "type": "choice", "label": "单选", "options": ["A", "B"]},
        {"id": "picks", "type": "multichoice", "label": "多选", "options": ["A", "B", "C"], "maxSelected": 2},
        {"id": "stars", "type": "rating", "label": "评分"},
        {"id": "mood", "type": "rating", "label": "感受", "labels": ["差", "中", "好"]},
        {"id": "tel", "type": "phone", "label": "电话"},
        {"id": "mail", "type": "email", "label": "邮箱"},
        {"id": "sign", "type": "signature", "label": "签名"},
        {"id": "addr", "type": "group", "label": "地址", "fields": [
            {"id": "city", "type": "text", "label": "城市", "required": True},
            {"id": "zip", "type": "text", "label": "邮编"}]},
    ],
}

ALL_VALID = {
    "agree": True, "ok": False, "status": "na", "name": "张三李四王", "detail": "多行\n文字",
    "amount": 100, "count": 3, "day": "2024-02-29", "at": "2025-03-04T09:30:00.250Z", "pick": "B",
    "picks": ["A", "C"], "stars": 5, "mood": 1, "tel": "+86 (571) 8888-6666", "mail": "kefu@example.com.cn",
    "sign": {"name": "张三", "signedAt": "2025-03-04T10:00:00+08:00"}, "addr": {"city": "杭州", "zip": "310000"},
}

LOTS = {
    "id": "lot-check", "title": "批次检查", "version": 1,
    "fields": [
        {"id": "hasDefect", "type": "yesno", "label": "是否有缺陷", "required": True},
        {"id": "mode", "type": "choice", "label": "方式", "options": ["a", "b"]},
        {"id": "lots", "type": "group", "label": "批次", "repeat": {"min": 1, "max": 5}, "fields": [
            {"id": "lot", "type": "text", "label": "批号", "required": True},
            {"id": "defective", "type": "yesno", "label": "本批有缺陷"},
            {"id": "defectNote", "type": "text", "label": "缺陷说明", "requiredIf": {"field": "defective", "equals": True}},
            {"id": "photoRef", "type": "text", "label": "照片编号", "requiredIf": {"field": "hasDefect", "equals": True}},
            {"id": "severity", "type": "choice", "label": "严重程度", "options": ["轻", "重"], "visibleIf": {"field": "defective", "equals": True}}]},
        {"id": "rows", "type": "group", "label": "方式明细", "fields": [
            {"id": "mode", "type": "choice", "label": "子方式", "options": ["x", "y"]},
            {"id": "note", "type": "text", "label": "说明", "requiredIf": {"field": "mode", "equals": "x"}}]},
    ],
}


def env(definition, values, **over):
    sub = {"form": definition["id"], "formVersion": definition["version"], "definitionHash": "*",
           "handbookVersion": "2025.1", "filledAt": "2025-03-04T10:00:00+08:00", "filledBy": "张三", "values": values}
    for k, v in over.items():
        if v is None:
            sub.pop(k, None)
        else:
            sub[k] = v
    return sub


def cv(**changes):
    """COMPLAINT_VALUES with changes; a value of None removes the key."""
    v = copy.deepcopy(COMPLAINT_VALUES)
    for k, x in changes.items():
        if x is None:
            v.pop(k, None)
        else:
            v[k] = x
    return v


def p(path, rule):
    return {"path": path, "rule": rule}


CASES = []


def case(slug, name, definition, submission, expected, **extra):
    CASES.append((slug, dict(name=name, definition=definition, **extra, submission=submission, expected=expected)))


# --- complaint record: envelope, required, requiredIf, groups, rules ---------------------------
case("complaint-valid", "完整有效的投诉记录", COMPLAINT, env(COMPLAINT, cv()), [])
case("complaint-missing-required", "缺少必填字段（when 为假时规则跳过）", COMPLAINT,
     env(COMPLAINT, cv(receivedAt=None, ourFault=None)), [p("receivedAt", "required"), p("ourFault", "required")])
case("complaint-requiredif", "requiredIf 成立时缺少解决时间", COMPLAINT,
     env(COMPLAINT, cv(solutionAt=None)), [p("solutionAt", "required")])
case("complaint-requiredif-off", "我方无责：解决时间不必填，整改与期限规则不适用", COMPLAINT,
     env(COMPLAINT, cv(ourFault=False, solutionAt="2025-04-30T10:00:00+08:00", planMade=False)), [])
case("complaint-null-empty", "null 与空字符串视为未填", COMPLAINT,
     env(COMPLAINT, cv(kind=None, repliedAt=None, email="") | {"kind": None, "repliedAt": None}), [])
case("complaint-missing-offset", "日期时间缺少时区", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-03-04T09:30:00", repliedAt="2025-03-04T11:00")),
     [p("receivedAt", "format"), p("repliedAt", "format")])
case("complaint-bad-datetime", "日期时间格式错误", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-03-04 09:30:00+08:00", repliedAt="2025-02-30T11:00:00+08:00", solutionAt="2025-03-06T25:00:00+08:00")),
     [p("receivedAt", "format"), p("repliedAt", "format"), p("solutionAt", "format")])
case("complaint-choice-other", "选择题：其他（自填）", COMPLAINT,
     env(COMPLAINT, cv(kind={"other": "包装破损"})), [])
case("complaint-choice-bad", "选择题：不在选项中", COMPLAINT,
     env(COMPLAINT, cv(kind="价格")), [p("kind", "option")])
case("complaint-choice-type", "选择题：类型错误与空的 other", COMPLAINT,
     env(COMPLAINT, cv(kind={"other": ""})), [p("kind", "type")])
case("complaint-group-rows", "重复分组：行内必填、范围、整数、未知键", COMPLAINT,
     env(COMPLAINT, cv(items=[{"product": "A", "qty": -1}, {"qty": 2.5}, {"product": "B", "qty": 1, "color": "red"}])),
     [p("items[0].qty", "range"), p("items[1].product", "required"), p("items[1].qty", "type"), p("items[2].color", "unknown")])
case("complaint-group-count", "重复分组：行数超过上限", COMPLAINT,
     env(COMPLAINT, cv(items=[{"product": "A"}, {"product": "B"}, {"product": "C"}, {"product": "D"}])), [p("items", "count")])
case("complaint-group-missing", "必填的重复分组：缺失、空数组", COMPLAINT,
     env(COMPLAINT, cv(items=[])), [p("items", "required")])
case("complaint-group-types", "重复分组：不是数组 / 行不是对象", COMPLAINT,
     env(COMPLAINT, cv(items=["P.O 42.5", {"product": "B"}])), [p("items[0]", "type")])
case("complaint-group-not-array", "重复分组：值不是数组", COMPLAINT,
     env(COMPLAINT, cv(items={"product": "A"})), [p("items", "type")])
case("complaint-unknown-keys", "values 与顶层的未知键", COMPLAINT,
     dict(env(COMPLAINT, cv(extra=1, Items=[])), signature="x"), [p("extra", "unknown"), p("Items", "unknown"), p("signature", "unknown")])
case("complaint-envelope", "信封：表单、版本、填写人、手册版本", COMPLAINT,
     env(COMPLAINT, cv(), form="complaint", formVersion=2, filledBy=None, handbookVersion=2025, filledAt="2025-03-04T10:00:00"),
     [p("form", "option"), p("formVersion", "option"), p("handbookVersion", "type"), p("filledAt", "format"), p("filledBy", "required")])
case("complaint-envelope-types", "信封：类型错误与缺少 values", COMPLAINT,
     {"form": 1, "formVersion": "1", "definitionHash": 5, "filledAt": 20250304, "filledBy": ["张三"]},
     [p("form", "type"), p("formVersion", "type"), p("definitionHash", "type"), p("filledAt", "type"), p("filledBy", "type"), p("values", "required")])
case("complaint-values-not-object", "values 不是对象", COMPLAINT, env(COMPLAINT, ["x"]), [p("values", "type")])
case("complaint-not-object", "提交内容不是对象", COMPLAINT, ["complaint-record"], [p("", "type")])
case("complaint-hash-mismatch", "定义哈希不符", COMPLAINT,
     env(COMPLAINT, cv(), definitionHash="0000000000000000000000000000000000000000000000000000000000000000"),
     [p("definitionHash", "option")], hash=canonical_hash(COMPLAINT))
case("complaint-hash-match", "定义哈希相符", COMPLAINT,
     env(COMPLAINT, cv(), definitionHash=canonical_hash(COMPLAINT)), [], hash=canonical_hash(COMPLAINT))
case("complaint-filled-in-future", "填写时间晚于 now", COMPLAINT,
     env(COMPLAINT, cv(), filledAt="2025-03-05T10:00:00+08:00"), [p("filledAt", "range")], now="2025-03-05T01:59:59Z")
case("complaint-order-violated", "order：答复早于受理", COMPLAINT,
     env(COMPLAINT, cv(repliedAt="2025-03-04T09:29:59+08:00")), [p("repliedAt", "reply-after-receipt")])
case("complaint-order-offsets", "order：不同时区按时刻比较", COMPLAINT,
     env(COMPLAINT, cv(repliedAt="2025-03-04T01:45:00Z")), [])
case("complaint-atleastone", "atLeastOne：电话和邮箱都未填", COMPLAINT,
     env(COMPLAINT, cv(phone="", email=None)), [p("phone", "contact-given")])
case("complaint-atleastone-email", "atLeastOne：只填邮箱即可", COMPLAINT,
     env(COMPLAINT, cv(phone=None, email="a.b@example.cn")), [])
case("complaint-equalswhen", "equalsWhen：我方责任但未制定整改计划", COMPLAINT,
     env(COMPLAINT, cv(planMade=False)), [p("planMade", "fault-needs-plan")])
case("complaint-equalswhen-unset", "equalsWhen：字段未填时跳过", COMPLAINT,
     env(COMPLAINT, cv(planMade=None)), [])

# --- working-day deadlines ----------------------------------------------------------------------
case("wd-chunjie-2025-ok", "春节2025：1月24日(五)受理，1月26日(日)调休上班，第3个工作日为2月5日", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-01-24T10:00:00+08:00", repliedAt=None, solutionAt="2025-02-05T23:59:59+08:00")), [])
case("wd-chunjie-2025-late", "春节2025：2月6日已超期", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-01-24T10:00:00+08:00", repliedAt=None, solutionAt="2025-02-06T00:00:00+08:00")),
     [p("solutionAt", "solution-in-3-working-days")])
case("wd-chunjie-2024-late", "春节2024：2月8日受理，2月18日(日)调休，期限2月19日", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2024-02-08T10:00:00+08:00", repliedAt=None, solutionAt="2024-02-20T09:00:00+08:00")),
     [p("solutionAt", "solution-in-3-working-days")])
case("wd-chunjie-2024-ok", "春节2024：2月19日在期限内", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2024-02-08T10:00:00+08:00", repliedAt=None, solutionAt="2024-02-19T17:00:00+08:00")), [])
case("wd-chunjie-2026-late", "春节2026：2月14日(六)调休上班，期限2月24日", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2026-02-12T10:00:00+08:00", repliedAt=None, solutionAt="2026-02-25T09:00:00+08:00")),
     [p("solutionAt", "solution-in-3-working-days")])
case("wd-guoqing-2025-ok", "国庆2025：9月26日(五)受理，9月28日(日)调休上班，期限9月30日", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-09-26T15:00:00+08:00", repliedAt=None, solutionAt="2025-09-30T18:00:00+08:00")), [])
case("wd-guoqing-2025-late", "国庆2025：节后10月9日已超期", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-09-26T15:00:00+08:00", repliedAt=None, solutionAt="2025-10-09T09:00:00+08:00")),
     [p("solutionAt", "solution-in-3-working-days")])
case("wd-guoqing-2025-saturday", "国庆2025：9月30日受理，10月11日(六)调休为第3个工作日", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-09-30T10:00:00+08:00", repliedAt=None, solutionAt="2025-10-11T16:00:00+08:00")), [])
case("wd-guoqing-2025-saturday-late", "国庆2025：10月13日已超期", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-09-30T10:00:00+08:00", repliedAt=None, solutionAt="2025-10-13T08:00:00+08:00")),
     [p("solutionAt", "solution-in-3-working-days")])
case("wd-guoqing-2023-ok", "国庆2023：10月7日(六)、8日(日)调休上班，期限10月9日", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2023-09-28T10:00:00+08:00", repliedAt=None, solutionAt="2023-10-09T17:00:00+08:00")), [])
case("wd-offset", "工作日按 from 的时区取日期", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2025-01-24T10:00:00+08:00", repliedAt=None, solutionAt="2025-02-05T17:00:00Z")),
     [p("solutionAt", "solution-in-3-working-days")])
case("wd-missing-year", "2027年没有日历数据", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2027-03-01T10:00:00+08:00", repliedAt=None, solutionAt="2027-03-02T10:00:00+08:00")),
     [p("solutionAt", "calendar")])
case("wd-missing-year-crossing", "2026年底起算，跨入无数据的2027年", COMPLAINT,
     env(COMPLAINT, cv(receivedAt="2026-12-30T10:00:00+08:00", repliedAt=None, solutionAt="2026-12-31T10:00:00+08:00")),
     [p("solutionAt", "calendar")])
case("wd-date-to-labour-day", "劳动节2025：date 类型的 to，期限5月7日", REPAIR,
     env(REPAIR, {"reportedAt": "2025-04-30T16:00:00+08:00", "fixedOn": "2025-05-08"}), [p("fixedOn", "fix-in-2-working-days")])
case("wd-date-to-labour-day-ok", "劳动节2025：5月7日修复在期限内", REPAIR,
     env(REPAIR, {"reportedAt": "2025-04-30T16:00:00+08:00", "fixedOn": "2025-05-07"}), [])

# --- hours / days / sameDay ---------------------------------------------------------------------
case("deadline-limits-ok", "hours/days/sameDay 恰在边界上", CALLBACK,
     env(CALLBACK, {"calledAt": "2025-03-04T09:00:00+08:00", "callbackAt": "2025-03-05T09:00:00+08:00",
                    "visitDate": "2025-03-06", "closedAt": "2025-03-04T23:59:59+08:00"}), [])
case("deadline-limits-late", "hours/days/sameDay 均超出", CALLBACK,
     env(CALLBACK, {"calledAt": "2025-03-04T09:00:00+08:00", "callbackAt": "2025-03-05T09:00:01+08:00",
                    "visitDate": "2025-03-07", "closedAt": "2025-03-05T00:30:00+08:00"}),
     [p("callbackAt", "callback-24h"), p("visitDate", "visit-in-2-days"), p("closedAt", "close-same-day")])
case("deadline-offsets", "日期按 from 的时区：UTC 同日但北京时间已是次日", CALLBACK,
     env(CALLBACK, {"calledAt": "2025-03-04T23:00:00+08:00", "callbackAt": "2025-03-05T10:00:00+09:00",
                    "closedAt": "2025-03-04T16:30:00Z"}), [p("closedAt", "close-same-day")])
case("deadline-offsets-west", "from 在西五区：北京时间次日仍是同一天", CALLBACK,
     env(CALLBACK, {"calledAt": "2025-03-04T09:00:00-05:00", "closedAt": "2025-03-05T06:00:00+08:00"}), [])
case("deadline-date-from", "date 类型的 from：按 to 自身时区取日期", REPAIR,
     env(REPAIR, {"reportedAt": "2025-03-04T08:00:00+08:00", "orderedOn": "2025-03-05", "shippedAt": "2025-03-06T23:59:00+08:00"}), [])
case("deadline-date-from-late", "date 类型的 from：超出一天", REPAIR,
     env(REPAIR, {"reportedAt": "2025-03-04T08:00:00+08:00", "orderedOn": "2025-03-05", "shippedAt": "2025-03-07T00:10:00+08:00"}),
     [p("shippedAt", "ship-next-day")])
case("order-date-vs-datetime", "order：date 与 datetime 按日期比较", REPAIR,
     env(REPAIR, {"reportedAt": "2025-03-04T08:00:00+08:00", "orderedOn": "2025-03-05", "shippedAt": "2025-03-04T23:00:00+08:00"}),
     [p("shippedAt", "ship-after-order")])

# --- visibleIf / conditions -----------------------------------------------------------------------
case("visible-hidden-ignored", "隐藏字段的值被忽略，可见字段必填", VISIT,
     env(VISIT, {"visited": False, "visitDate": "not a date", "reportDate": "2025-03-01"}), [p("reason", "required")])
case("visible-shown-required", "显示的字段必填；隐藏字段的值不算未知", VISIT,
     env(VISIT, {"visited": True, "reason": 42}), [p("visitDate", "required")])
case("visible-hidden-in-rules", "规则与条件把隐藏字段视为未填", VISIT,
     env(VISIT, {"visited": False, "visitDate": "2025-03-10", "reportDate": "2025-03-01", "reason": "客户拒绝"}), [])
case("visible-rule-applies", "显示时规则照常检查；isSet 条件", VISIT,
     env(VISIT, {"visited": True, "visitDate": "2025-03-10", "reportDate": "2025-03-01"}),
     [p("visitNote", "required"), p("reportDate", "report-after-visit")])
case("cond-in-and-visible-isset", "in 条件；isSet:false 的 visibleIf", INQUIRY,
     env(INQUIRY, {"channel": "电话", "resolved": "yes", "tags": ["咨询"]}),
     [p("phone", "required"), p("noPhoneReason", "required")])
case("cond-equals-not-contains", "equals 字符串；not；multichoice 包含", INQUIRY,
     env(INQUIRY, {"channel": "邮件", "email": "a@b", "noPhoneReason": "客户未留电话", "resolved": "maybe", "tags": ["投诉"]}),
     [p("email", "format"), p("resolved", "option"), p("followUp", "required"), p("note", "required")])
case("cond-all-any-isset", "all/any/isSet:true 与长度、数量", INQUIRY,
     env(INQUIRY, {"channel": "来访", "phone": "+86 (571) 8888-6666", "resolved": "no", "followUp": "2025-03-10",
                   "escalated": True, "note": "一二三四五六七八九十一", "tags": ["咨询", "投诉", "建议"]}),
     [p("escalatedTo", "required"), p("note", "range"), p("tags", "count"), p("ref", "required")])
case("cond-none-apply", "条件都不成立", INQUIRY,
     env(INQUIRY, {"channel": "网站", "noPhoneReason": "网站留言", "resolved": "yes", "escalated": False, "tags": ["表扬"]}), [])
case("multichoice-options", "多选：重复与不在选项中、类型错误", INQUIRY,
     env(INQUIRY, {"channel": "网站", "noPhoneReason": "无", "resolved": "yes", "tags": ["咨询", "咨询"], "escalated": "yes"}),
     [p("escalated", "type"), p("tags", "option")])
case("multichoice-type", "多选：数组里有非字符串", INQUIRY,
     env(INQUIRY, {"channel": "网站", "noPhoneReason": "无", "resolved": "yes", "tags": ["咨询", 1]}), [p("tags", "type")])

# --- every field type -------------------------------------------------------------------------------
case("types-valid", "全部字段类型的有效值", ALL_TYPES, env(ALL_TYPES, ALL_VALID), [])
case("types-wrong", "全部字段类型的类型错误", ALL_TYPES,
     env(ALL_TYPES, {"agree": "true", "ok": "yes", "status": True, "name": 5, "detail": {}, "amount": "5", "count": 1.5,
                     "day": 20250304, "at": 1, "pick": ["A"], "picks": "A", "stars": "5", "mood": 2.5, "tel": 123,
                     "mail": True, "sign": "张三", "addr": "杭州"}),
     [p(k, "type") for k in ["agree", "ok", "status", "name", "detail", "amount", "count", "day", "at", "pick", "picks",
                              "stars", "mood", "tel", "mail", "sign", "addr"]])
case("types-ranges-formats", "范围、格式、选项、数量", ALL_TYPES,
     env(ALL_TYPES, {"agree": False, "status": "yes ", "name": "六个字符啊啊", "amount": 100.5, "count": -3, "day": "2025-13-01",
                     "at": "2025-03-04T09:30+0800", "pick": "C", "picks": ["A", "B", "C"], "stars": 6, "mood": 0,
                     "tel": "123-45", "mail": "x@y.z", "sign": {"name": "", "signedAt": "2025-03-04T10:00:00", "seal": 1},
                     "addr": {"zip": "310000", "floor": 3}}),
     [p("agree", "required"), p("status", "option"), p("name", "range"), p("amount", "range"), p("day", "format"),
      p("at", "format"), p("pick", "option"), p("picks", "count"), p("stars", "range"), p("mood", "range"),
      p("tel", "format"), p("mail", "format"), p("sign.name", "required"), p("sign.signedAt", "format"),
      p("sign.seal", "unknown"), p("addr.city", "required"), p("addr.floor", "unknown")])
case("types-phone-email-edges", "电话与邮箱的边界", ALL_TYPES,
     env(ALL_TYPES, {"agree": True, "tel": "0571-8888x666", "mail": "a@@b.cn", "amount": 0}),
     [p("tel", "format"), p("mail", "format"), p("amount", "range")])
case("types-phone-digits", "电话：21位数字超长；邮箱含空格", ALL_TYPES,
     env(ALL_TYPES, {"agree": True, "tel": "123456789012345678901", "mail": "a b@c.cn"}),
     [p("tel", "format"), p("mail", "format")])
case("types-check-unticked", "必勾选的复选框缺失", ALL_TYPES, env(ALL_TYPES, {"sign": {"signedAt": 5}}),
     [p("agree", "required"), p("sign.name", "required"), p("sign.signedAt", "type")])

# --- groups: sibling-first lookup -------------------------------------------------------------------
case("group-sibling-and-top", "分组条件：先找同行字段，再找顶层字段", LOTS,
     env(LOTS, {"hasDefect": True, "mode": "a", "lots": [{"lot": "L1", "defective": True}, {"lot": "L2", "defective": False, "severity": "bogus"}],
                "rows": {"mode": "x"}}),
     [p("lots[0].defectNote", "required"), p("lots[0].photoRef", "required"), p("lots[1].photoRef", "required"), p("rows.note", "required")])
case("group-clean", "分组：隐藏的子字段被忽略", LOTS,
     env(LOTS, {"hasDefect": False, "mode": "b", "lots": [{"lot": "L1", "severity": "bogus"}], "rows": {"mode": "y"}}), [])
case("group-plain-type", "非重复分组：值不是对象；空的重复分组视为未填（不查行数）", LOTS,
     env(LOTS, {"hasDefect": False, "lots": [], "rows": [{"mode": "x"}]}), [p("rows", "type")])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for slug, data in CASES:
        (OUT / f"{slug}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(CASES)} vectors")


if __name__ == "__main__":
    main()
