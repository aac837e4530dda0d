"""Development backend: prints the message and keeps it in the development outbox."""

import uuid

from academy import devoutbox

# What each approved template reads; the provider holds the real ones, by id.
TEXTS = {
    "login_code": "【店主商学院】您的验证码是{0}，{1}分钟内有效。如非本人操作请忽略。",
    "unknown_account": "【店主商学院】该手机号尚未注册，请先免费注册。如非本人操作请忽略。",
    "account_exists": "【店主商学院】该手机号已注册，请直接用验证码登录。如非本人操作请忽略。",
    "booking_confirmed": "【店主商学院】您与{0}的辅导已预约：{1}。",
    "booking_moved": "【店主商学院】您与{0}的辅导已改到{1}。",
    "booking_cancelled": "【店主商学院】您与{0}在{1}的辅导已取消。",
    "booking_reminder": "【店主商学院】提醒：您与{0}的辅导{1}开始。",
    "live_starting": "【店主商学院】直播《{0}》{1}开始。",
    "offer_expiring": "【店主商学院】聚星领导者计划录取将于{0}过期，请尽快确认。",
}


class ConsoleBackend:
    def send(self, phone, kind, params):
        text = TEXTS.get(kind, kind + " {0}").format(*params, *[""] * 4)
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        devoutbox.record("sms", phone, text, kind=kind, params=params, message_id=message_id)
        return message_id
