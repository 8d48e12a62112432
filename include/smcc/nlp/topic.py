"""Topic of a telecom mention, by keyword rules on the accent-folded text.

- ``network``: coverage, signal, 4G/5G speed, dropped calls, outages.
- ``billing``: charges, top-up, wrong deductions, bills, prices of packages being deducted.
- ``customer_service``: hotline, stores, staff attitude, waiting, complaint handling.
- ``promotion``: offers, data packs, discounts, gifts, new tariff plans.
- ``fraud``: scams, spam calls/SMS, impersonation, SIM swap theft, account takeover, data leaks.
- ``subscription``: subscriber registration, ID/biometric updates, SIM lock/swap/replacement,
  eSIM, number porting.
- Registering a pack ("đăng ký gói này") is ``promotion``; registering a SIM or subscriber
  details is ``subscription``.
- ``other``: anything else (corporate news, sponsorship, loyalty without a service issue).

Each topic's phrases add their weight; the highest total wins, ties go to the earlier topic
in ``TOPICS`` (fraud first: a scam about a "data pack" is still a scam). The topic model
(``topic.npz``, trained on the project's telecom lines by ``scripts/train_models.py``) adds its
probabilities, weighted by ``MODEL_WEIGHT``: it knows wordings no phrase lists, and it is what
sends corporate news ("doanh thu", "thị phần", "tuyển dụng") to ``other``.
"""

from __future__ import annotations

import re

from smcc.nlp.linear import MODEL_DIR

MODEL_FILE = MODEL_DIR / "topic.npz"
# One confident model vote weighs as much as ten of a topic's strongest phrase hits: the phrases
# break the model's near-ties (chosen on the tuning files, where the model alone generalises better
# to unseen wording than the phrases do).
MODEL_WEIGHT = 20.0

TOPICS = ("fraud", "network", "billing", "subscription", "customer_service", "promotion", "other")

_RULES: dict[str, list[tuple[str, float]]] = {
    "fraud": [(r"lua dao|bi lua|lua mat|xung la|nang cap sim|gia danh|gia mao|mao danh|ke gian|chiem doat|chiem tai khoan"
               r"|dang nhap trai phep|lo (?:du lieu|thong tin)|ro ri|tin nhan rac|cuoc goi rac|spam"
               r"|otp|trung thuong|moi vay|lo lot|doi mat khau|bi hack|chiem quyen|danh cap|rao ban"
               r"|xung (?:danh|nhan vien|cong an|tong dai|ben|nha mang|mobi\w*)|(?:bam|click) (?:vao )?(?:link|duong link)"
               r"|doi sim trai phep|(?:nhan )?tin (?:nhan )?quang cao", 2.0),
              (r"so la|lam phien|quay roi|chan (?:giup )?(?:\w+ )?(?:so|cuoc goi)", 1.0)],
    # "nha mang" is the operator, not its network: "nhà mạng nào tệ như mobi" is no network complaint.
    "network": [(r"song|(?<!nha )mang (?:\w+ ){0,3}(?:yeu|cham|lag|te|nghen|do|on)|mat mang|rot mang|sap mang|4g|5g|3g"
                 r"|toc do|lag|cham (?:nhu|qua|kinh|lam|the|vl|ri)|nghen|vach|chap chon|on dinh|on hon|wifi|rot cuoc goi|ngat quang|mat ket noi|load|ping|speedtest|mbps|\d+ ?mbps"
                 r"|phu song|tram phat|cap quang|khong vao (?:duoc )?mang|mat lien lac|khong goi duoc|gian doan"
                 r"|goi (?:khong|chang) duoc|tieng duoc tieng mat|re re|cuc chan giay|tai (?:game|file|phim|video|app|anh)"
                 r"|te liet|(?:lai|bi|mang(?: \w+)?) sap(?! (?:het|toi|den|ra|duoc|bi|mo|co))", 1.0),
                (r"mat (?:4g|5g|3g|song|mang|tin hieu)", 1.5), (r"(?<!nha )mang", 0.5)],
    "billing": [(r"tru tien|tru cuoc|bi tru|cuoc (?:tra sau|phi|data|quoc te|chuyen vung)|hoa don|nap (?:the|tien)|nap \d+"
                 r"|tai khoan chinh|tinh cuoc|tien cuoc|gia han|thanh toan|ung tien|chiet khau|mat tien"
                 r"|tien oan|hoan (?:tien|tra|cuoc)|\d+ ?k\b|\d+d\b|dat cat co|cuoc .{0,12}(?:dat|tang|cao)"
                 r"|tru (?:\w+ ){1,3}(?:tien|nghin|trieu|dong)|tien dich vu|gia tri gia tang|gtgt|thu (?:tien|phi|cuoc)"
                 r"|tra (?:lai )?tien|chot cuoc|cuoc chot|the cao|so du|chuyen vung", 1.5)],
    "subscription": [(r"lam lai sim|doi sim|khoa sim|sim bi khoa|bi khoa|khoa (?:1|2|mot|hai) chieu|esim"
                      r"|chuyen mang|giu so|chuan hoa|sinh trac|cccd|can cuoc|chinh chu|dang ky thue bao"
                      r"|thue bao tra truoc|mat sim|giay to|het han su dung|thu hoi (?:so|sim)|khoi phuc sim|cap lai sim"
                      r"|(?:tra truoc|tra sau) sang (?:tra truoc|tra sau)|dang ky (?:them )?(?:sim|thong tin)|mo khoa"
                      r"|mo lai (?:sim|so|thue bao)|cat (?:sim|thue bao|dich vu)|(?:quan ly|thong tin) thue bao", 2.0)],
    "customer_service": [(r"tong dai|hotline|cham soc khach hang|cskh|nhan vien|tu van|cua hang|diem giao dich"
                          r"|thai do|phuc vu|xep hang|cho may|khieu nai|ho tro|fanpage|rep|tra loi|giai quyet"
                          r"|goi lai|nhac cho|9090|18001090|phan hoi|bam phim|nghe may|bat may|inbox"
                          r"|gap (?:duoc )?(?:nguoi|nhan vien|tong dai vien|dien thoai vien)|chuyen qua chuyen lai"
                          r"|cho (?:lau|mai|ca tieng|\d+ (?:phut|tieng))", 1.0)],
    # Pack names carry letters ("gói C90", "gói ED70"): "gọi 9090" is a call to the hotline, not a pack.
    "promotion": [(r"khuyen mai|uu dai|goi cuoc|goi (?:data|nay|do|[a-z]+\d+[a-z0-9]*|\d+ ?k\b)|sim data"
                   r"|\d+ ?gb", 2.0),
                  (r"data|giam gia|tang \d+|duoc tang|qua tang|nhan qua|tri an|voucher|mien phi|gia re"
                   r"|re hon|cu phap|goi nao|khong gioi han|huy goi", 1.0),
                  (r"dang ky(?! (?:them )?(?:sim|thue bao|thong tin|chinh chu))", 0.5)],
}
_COMPILED = [(topic, re.compile(rf"(?<![a-z0-9])(?:{pattern})").findall, weight)
             for topic, rules in _RULES.items() for pattern, weight in rules]


def rule_scores(folded: str) -> dict[str, float]:
    """Each topic's phrase score for accent-folded text (``other`` has no phrases)."""
    scores = dict.fromkeys(_RULES, 0.0)
    for topic, findall, weight in _COMPILED:
        scores[topic] += weight * len(findall(folded))
    return scores


def classify(scores: dict[str, float], probabilities: dict[str, float] | None = None) -> str:
    """One of ``TOPICS`` from a text's phrase scores (``rule_scores``) plus, when given, the
    topic model's probabilities."""
    best, best_score = "other", 0.0
    for topic in TOPICS:
        score = scores.get(topic, 0.0) + (MODEL_WEIGHT * probabilities.get(topic, 0.0) if probabilities else 0.0)
        if score > best_score:
            best, best_score = topic, score
    return best
