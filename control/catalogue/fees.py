"""Fees (phí, lệ phí, giá dịch vụ) written as Vietnamese text: amounts, names, kinds.

A fee keeps its own name: the label written before its amount ("Phí thẩm định: 100.000
đồng" -> "Phí thẩm định"), or the whole text when the text is only a label ("Lệ phí cấp
Giấy chứng nhận lần đầu (Đất)"), never a generic "Phí" in place of a name that is written.
Legal wording and references ("Theo quy định của HĐND tỉnh", "Tra cứu tại Quyết định
số ...") are not names: they stay in ``legal_text``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from control.catalogue.cells import split_items, strip_bullet
from control.catalogue.records import Fee, problem
from core.text import fold, nfc

_FREE_PHRASES = {
    "mien phi", "mien", "mien le phi", "mien phi le phi", "mien phi va le phi", "mien thu",
    "khong", "khong co", "khong thu", "khong thu phi", "khong thu le phi", "khong thu phi le phi",
    "khong co phi le phi", "khong quy dinh", "khong phai nop", "khong phai nop phi le phi",
    "0", "0 dong", "0d", "0 d", "0 vnd", "free", "none",
}  # fmt: skip
_MONEY_RE = re.compile(
    r"(?<![\w.,/])(?P<sign>[-−])?(?P<num>\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"\s*(?P<mult>triệu|nghìn|ngàn)?\s*(?P<cur>đồng|vnđ|vnd|đ|₫)?(?!\w)",
    re.IGNORECASE,
)
_MULTIPLIERS = {"triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000}
DEFAULT_FEE_NAMES = {"fee": "Phí", "charge": "Lệ phí", "price": "Giá dịch vụ"}
MAX_NAME = 200
# First words of a label that names a fee, or the case a fee row applies to.
_NAME_WORDS = ("phi", "le phi", "gia", "muc gia", "truong hop", "doi voi", "nop")
# Words of legal wording, references and exemption headings: such a text is not a fee's name.
_REFERENCE_WORDS = ("quy dinh", "tra cuu", "nghi quyet", "nghi dinh", "thong tu", "quyet dinh", "luat ",
                    "hoi dong nhan dan", "hdnd", "chi tiet", "bieu phi", "van ban", "theo muc",
                    "duoc mien")  # fmt: skip
_LEGAL_CODE_RE = re.compile(r"\d+/\d{4}/")


def is_free(text: str) -> bool:
    """ "Miễn phí", "Không thu", "0 đồng"... (the whole text, punctuation ignored)."""
    if len(text) > 60:  # longer than any way of writing "free"
        return False
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(text)).split()) in _FREE_PHRASES


def _money_value(num: str, mult: str | None) -> int | None:
    num = num.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[., ]\d{3})+", num):
        value = Decimal(re.sub(r"[., ]", "", num))
    else:
        try:
            value = Decimal(num.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            return None
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return int(value) if value == value.to_integral_value() else None


def find_amounts(text: str) -> list[int]:
    """Money amounts (VND) written with a currency or multiplier word: "100.000đ/hồ sơ" ->
    [100000], "1,5 triệu đồng" -> [1500000]; a cell holding only a number counts too.
    Negative amounts come back negative."""
    t = nfc(text).strip()
    bare = re.fullmatch(r"[-−]?\s?(?:\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+)", t) is not None
    out: list[int] = []
    for m in _MONEY_RE.finditer(t):
        if not (m.group("cur") or m.group("mult") or bare):
            continue
        value = _money_value(m.group("num"), m.group("mult"))
        if value is not None:
            negative = m.group("sign") or (bare and t.startswith(("-", "−")))
            out.append(-value if negative else value)
    return out


def _fee_kind(text: str) -> str:
    f = fold(text)
    if f.startswith("le phi"):
        return "charge"
    if f.startswith("phi"):
        return "fee"
    return "price" if f.startswith(("gia", "muc gia")) else "charge"


def _undoubled(text: str) -> str:
    """ "Lệ phí X (Đất)Lệ phí X (Đất)" (a text pasted twice) -> "Lệ phí X (Đất)"."""
    half = len(text) // 2
    return text[:half].strip() if len(text) % 2 == 0 and text[:half] == text[half:] else text


def _tidy_label(text: str) -> str:
    text = text.strip().rstrip(".;,: ")
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip()
    return text


def is_label(text: str) -> bool:
    """A short text that names something (a fee, a case) rather than legal wording: one
    phrase, no amount, no reference to a legal document or to "the regulations"."""
    t = text.strip()
    if not (3 <= len(t) <= MAX_NAME) or not t[0].isalpha() or is_free(t):
        return False
    if re.search(r"[.!?]\s+\S", t) or _LEGAL_CODE_RE.search(t) or find_amounts(t):
        return False
    f = fold(t)
    return not any(w in f for w in _REFERENCE_WORDS)


def fee_name_and_kind(text: str) -> tuple[str, str]:
    """The fee's own name and its kind (fee / charge / price): "Phí thẩm định: ..." ->
    "Phí thẩm định"; "Lệ phí cấp Giấy chứng nhận lần đầu (Đất)" (a label only) -> the
    whole text; legal wording -> the default name of its kind ("Lệ phí")."""
    t = _undoubled(strip_bullet(nfc(text)))
    head, _, rest = t.partition(":")
    head = head.strip() if rest else ""
    if head and len(head) <= MAX_NAME:
        if is_label(t.replace(":", " ", 1)) and not is_free(rest):
            head = t  # "Lệ phí cấp Giấy chứng nhận: Đăng ký biến động (Đất)": all of it is the name
        elif not is_label(head):
            head = ""  # "Theo quy định tại Điều 8 Nghị quyết số ...: ..." names nothing
    elif is_label(t):
        head = t
    else:
        m = _MONEY_RE.search(t)
        head = t[: m.start()].strip(" :-–(") if m and (m.group("cur") or m.group("mult")) else ""
        head = re.sub(r"\s+(?:thu|la|muc thu)$", "", head, flags=re.IGNORECASE) if head else ""
        if not fold(head).startswith(_NAME_WORDS) or not is_label(head):
            head = ""
    head = _tidy_label(head)
    kind = _fee_kind(head or t)
    return (head if head and len(head) <= MAX_NAME else DEFAULT_FEE_NAMES[kind]), kind


def parse_fee_amount(text: str) -> tuple[int | None, bool]:
    """Amount of one fee text: (0, False) free; (n, False) one amount; (None, several?)
    when no single amount is stated. Raises FieldError for a negative amount."""
    head, _, rest = text.partition(":")
    body = rest if rest and len(head) <= MAX_NAME else text
    if is_free(body) or is_free(text):
        return 0, False
    amounts = find_amounts(body)
    negative = [a for a in amounts if a < 0]
    if negative:
        raise problem("negative_fee", f"{negative[0]:,}".replace(",", "."))
    distinct = sorted(set(amounts))
    if len(distinct) == 1:
        return distinct[0], False
    return None, len(distinct) > 1


def parse_fees(text: str) -> tuple[list[Fee], list[str]]:
    """Fees of a PhiLePhi cell: "50.000 đồng", "Miễn phí", "100.000đ/hồ sơ", "Không",
    "Lệ phí: 20.000 đồng; Phí thẩm định: 100.000 đồng". Returns (fees, names of fees that
    state several amounts). Free -> one Fee of amount 0; no single clear amount -> amount
    None (legal_text keeps the wording). Raises FieldError for a negative amount."""
    t = nfc(text).strip()
    if not t:
        return [], []
    if is_free(t):
        return [Fee(name="Miễn phí", kind="charge", amount_vnd=0, legal_text=t)], []
    fees: list[Fee] = []
    several_names: list[str] = []
    for part in split_items(t):
        amount, several = parse_fee_amount(part)
        name, kind = fee_name_and_kind(part)
        if several:
            several_names.append(name)
        fee = Fee(name=name, kind=kind, amount_vnd=amount, legal_text=part)
        if fee not in fees:
            fees.append(fee)
    return fees, several_names
