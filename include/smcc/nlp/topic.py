"""Topic of a telecom mention, by keyword rules on the accent-folded text.

- ``network``: coverage, signal, 4G/5G speed, dropped calls, outages.
- ``billing``: charges, top-up, wrong deductions, bills, prices of packages being deducted.
- ``customer_service``: hotline, stores, staff attitude, waiting, complaint handling.
- ``promotion``: offers, data packs, discounts, gifts, new tariff plans.
- ``fraud``: scams, spam calls/SMS, impersonation, SIM swap theft, account takeover, data leaks.
- ``subscription``: subscriber registration, ID/biometric updates, SIM lock/swap/replacement,
  eSIM, number porting.
- ``other``: anything else (corporate news, sponsorship, loyalty without a service issue).

Each topic's phrases add their weight; the highest total wins, ties go to the earlier topic
in ``TOPICS`` (fraud first: a scam about a "data pack" is still a scam).
"""

from __future__ import annotations

import re

TOPICS = ("fraud", "network", "billing", "subscription", "customer_service", "promotion", "other")

_RULES: dict[str, list[tuple[str, float]]] = {
    "fraud": [(r"lua dao|bi lua|lua mat|xung la|nang cap sim|gia danh|gia mao|mao danh|ke gian|chiem doat|chiem tai khoan"
               r"|dang nhap trai phep|lo (?:du lieu|thong tin)|ro ri|tin nhan rac|cuoc goi rac|spam"
               r"|otp|trung thuong|moi vay|lo lot", 2.0), (r"so la|lam phien|chan (?:so|cuoc goi)", 1.0)],
    "network": [(r"song|mang (?:\w+ ){0,3}(?:yeu|cham|lag|te|nghen|do|on)|mat mang|rot mang|sap mang|4g|5g|3g"
                 r"|toc do|lag|cham (?:nhu|qua|kinh|lam|the|vl)|nghen|vach|chap chon|on dinh|on hon|wifi|rot cuoc goi|ngat quang|mat ket noi|load|ping|speedtest|mbps"
                 r"|phu song|tram phat|cap quang|khong vao (?:duoc )?mang|mat lien lac|khong goi duoc|gian doan", 1.0),
                (r"(?<!nha )mang", 0.5)],
    "billing": [(r"tru tien|tru cuoc|bi tru|cuoc (?:tra sau|phi|data)|hoa don|nap (?:the|tien)|nap \d+"
                 r"|tai khoan chinh|tinh cuoc|tien cuoc|gia han|thanh toan|ung tien|chiet khau|mat tien"
                 r"|tien oan|hoan (?:tien|tra|cuoc)|\d+ ?k\b|\d+d\b|dat cat co|cuoc .{0,12}(?:dat|tang|cao)", 1.5)],
    "subscription": [(r"lam lai sim|doi sim|khoa sim|sim bi khoa|bi khoa|khoa (?:1|2|mot|hai) chieu|esim"
                      r"|chuyen mang|giu so|chuan hoa|sinh trac|cccd|can cuoc|chinh chu|dang ky thue bao"
                      r"|thue bao tra truoc|mat sim|giay to", 2.0)],
    "customer_service": [(r"tong dai|hotline|cham soc khach hang|cskh|nhan vien|tu van|cua hang|diem giao dich"
                          r"|thai do|phuc vu|xep hang|cho may|khieu nai|ho tro|fanpage|rep|tra loi|giai quyet"
                          r"|goi lai|nhac cho|9090|18001090", 1.0)],
    "promotion": [(r"khuyen mai|uu dai|goi cuoc|goi (?:data|c\d+|ed\d+|\w*\d+\w*)", 2.0),
                  (r"data|\d+ ?gb|giam gia|tang \d+|duoc tang|qua tang|nhan qua|tri an|voucher|mien phi|gia re"
                   r"|re hon|cu phap|goi nao", 1.0)],
}
_COMPILED = {topic: [(re.compile(rf"(?<![a-z0-9])(?:{pattern})"), weight) for pattern, weight in rules]
             for topic, rules in _RULES.items()}


def classify(folded: str) -> str:
    """One of ``TOPICS`` for accent-folded text."""
    best, best_score = "other", 0.0
    for topic in TOPICS[:-1]:
        score = sum(weight * len(rx.findall(folded)) for rx, weight in _COMPILED[topic])
        if score > best_score:
            best, best_score = topic, score
    return best
