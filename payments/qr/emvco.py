"""EMVCo QR Code Specification for Payment Systems, Merchant-Presented Mode (MPM).

A payload is a run of TLV data objects: a 2-digit tag, a 2-digit length and the value,
where the length counts *characters* (so Chinese in the language template 64 counts one per
character), and the last object is the CRC (tag 63, length 04): CRC-16/CCITT-FALSE
(poly 0x1021, init 0xFFFF) over every preceding byte in UTF-8, including "6304" itself.
Templates (26-51 merchant account information, 62 additional data, 64 language, 80-99)
nest TLVs inside their value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from payments.errors import CodeInvalid

TEMPLATE_TAGS = frozenset({*(f"{t:02d}" for t in range(26, 52)), "62", "64",
                           *(f"{t:02d}" for t in range(80, 100))})
STATIC, DYNAMIC = "11", "12"


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE of the UTF-8 bytes, as 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


@dataclass(frozen=True)
class DataObject:
    """One TLV: a primitive `value` or, for templates, nested `children`."""

    tag: str
    value: str = ""
    children: tuple[DataObject, ...] = ()

    def encode(self) -> str:
        body = "".join(c.encode() for c in self.children) if self.children else self.value
        if len(body) > 99:
            raise ValueError(f"data object {self.tag} longer than 99 characters")
        return f"{self.tag}{len(body):02d}{body}"

    def child(self, tag: str) -> DataObject | None:
        return next((c for c in self.children if c.tag == tag), None)


def parse_tlv(text: str, *, nested: bool = True) -> tuple[DataObject, ...]:
    """Split a TLV string into data objects (templates parsed one level down)."""
    out: list[DataObject] = []
    i = 0
    while i < len(text):
        tag, length = text[i:i + 2], text[i + 2:i + 4]
        if len(tag) < 2 or not tag.isdigit() or len(length) < 2 or not length.isdigit():
            raise CodeInvalid("problem.payment.qr_format")
        n = int(length)
        value = text[i + 4:i + 4 + n]
        if len(value) != n:
            raise CodeInvalid("problem.payment.qr_format")
        if nested and tag in TEMPLATE_TAGS:
            out.append(DataObject(tag, value, parse_tlv(value, nested=False)))
        else:
            out.append(DataObject(tag, value))
        i += 4 + n
    return tuple(out)


def encode_objects(objects: tuple[DataObject, ...] | list[DataObject]) -> str:
    """Serialise data objects in the order given and append the CRC object."""
    body = "".join(o.encode() for o in objects if o.tag != "63") + "6304"
    return body + crc16(body)


def decode_objects(payload: str) -> tuple[DataObject, ...]:
    """Parse a payload, refusing a missing, misplaced or wrong CRC."""
    payload = payload.strip()
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise CodeInvalid("problem.payment.qr_crc")
    if crc16(payload[:-4]) != payload[-4:].upper():
        raise CodeInvalid("problem.payment.qr_crc")
    objects = parse_tlv(payload)
    if not objects or objects[0].tag != "00" or objects[0].value != "01":
        raise CodeInvalid("problem.payment.qr_format")
    return objects


@dataclass(frozen=True)
class MerchantAccount:
    """A merchant account information template (26-51): a GUID plus scheme fields."""

    tag: str
    guid: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MerchantCode:
    """The typed view of an MPM payload (what the portal encodes and reads back)."""

    merchant_name: str
    merchant_city: str
    mcc: str = "0000"
    currency_numeric: str = "156"
    country: str = "CN"
    accounts: tuple[MerchantAccount, ...] = ()
    amount: str | None = None          # dynamic codes carry the amount
    postal_code: str | None = None
    bill_number: str | None = None     # 62.01
    reference: str | None = None       # 62.05
    terminal: str | None = None        # 62.07
    language: str | None = None        # 64.00, e.g. ZH
    name_alt: str | None = None        # 64.01
    city_alt: str | None = None        # 64.02
    extra: tuple[DataObject, ...] = field(default_factory=tuple)  # anything else, kept

    @property
    def dynamic(self) -> bool:
        return self.amount is not None

    def objects(self) -> list[DataObject]:
        """Data objects in the canonical order of the specification's tag table."""
        objs = [DataObject("00", "01"), DataObject("01", DYNAMIC if self.dynamic else STATIC)]
        for acc in self.accounts:
            objs.append(DataObject(acc.tag, children=(
                DataObject("00", acc.guid), *(DataObject(t, v) for t, v in acc.fields))))
        objs += [DataObject("52", self.mcc), DataObject("53", self.currency_numeric)]
        if self.amount is not None:
            objs.append(DataObject("54", self.amount))
        objs += [DataObject("58", self.country), DataObject("59", self.merchant_name),
                 DataObject("60", self.merchant_city)]
        if self.postal_code:
            objs.append(DataObject("61", self.postal_code))
        add = [DataObject(t, v) for t, v in (("01", self.bill_number), ("05", self.reference),
                                             ("07", self.terminal)) if v]
        if add:
            objs.append(DataObject("62", children=tuple(add)))
        if self.language:
            lang = [DataObject("00", self.language)]
            lang += [DataObject(t, v) for t, v in (("01", self.name_alt), ("02", self.city_alt)) if v]
            objs.append(DataObject("64", children=tuple(lang)))
        objs += list(self.extra)
        return objs

    def encode(self) -> str:
        """The payload string, CRC included."""
        return encode_objects(self.objects())


def _value(objs: tuple[DataObject, ...], tag: str) -> str | None:
    return next((o.value for o in objs if o.tag == tag), None)


def decode(payload: str) -> MerchantCode:
    """Read a merchant-presented payload (any tag order) into a MerchantCode."""
    objs = decode_objects(payload)
    known = {"00", "01", "52", "53", "54", "58", "59", "60", "61", "62", "63", "64"}
    accounts, extra = [], []
    for o in objs:
        if "26" <= o.tag <= "51":
            if o.children and o.child("00") is not None:
                guid = o.child("00").value  # type: ignore[union-attr]
                accounts.append(MerchantAccount(o.tag, guid, tuple(
                    (c.tag, c.value) for c in o.children if c.tag != "00")))
            else:
                extra.append(o)
        elif o.tag not in known:
            extra.append(o)
    add = next((o for o in objs if o.tag == "62"), None)
    lang = next((o for o in objs if o.tag == "64"), None)
    name, city = _value(objs, "59"), _value(objs, "60")
    if not name or not city or _value(objs, "53") is None:
        raise CodeInvalid("problem.payment.qr_format")
    return MerchantCode(
        merchant_name=name, merchant_city=city, mcc=_value(objs, "52") or "0000",
        currency_numeric=_value(objs, "53") or "", country=_value(objs, "58") or "",
        accounts=tuple(accounts), amount=_value(objs, "54"), postal_code=_value(objs, "61"),
        bill_number=_value(add.children, "01") if add else None,
        reference=_value(add.children, "05") if add else None,
        terminal=_value(add.children, "07") if add else None,
        language=_value(lang.children, "00") if lang else None,
        name_alt=_value(lang.children, "01") if lang else None,
        city_alt=_value(lang.children, "02") if lang else None,
        extra=tuple(extra))
