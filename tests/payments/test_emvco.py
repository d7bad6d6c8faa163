"""EMVCo merchant-presented QR: the specification's Beijing sample, CRC, character lengths."""

import pytest

from payments.errors import CodeInvalid
from payments.qr import emvco, render

# EMVCo QRCPS-MPM v1.1, the sample payload for "BEST TRANSPORT", Beijing, with the Chinese
# language template (64) and a CRC of A13A.
GOLDEN = ("00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678"
          "520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京"
          "540523.7253031565502016233030412340603***0708A60086670902ME91320016A011223344998877"
          "0708123456786304A13A")


def test_crc_of_the_golden_vector():
    assert GOLDEN.endswith("6304A13A")
    assert emvco.crc16(GOLDEN[:-4]) == "A13A"


def test_golden_vector_round_trips_byte_for_byte():
    objects = emvco.decode_objects(GOLDEN)
    assert emvco.encode_objects(objects) == GOLDEN
    lang = next(o for o in objects if o.tag == "64")
    # Lengths count characters: "最佳运输" is 4, the whole template 20.
    assert lang.encode().startswith("6420") and lang.child("01").value == "最佳运输"


def test_golden_vector_typed_view():
    code = emvco.decode(GOLDEN)
    assert code.merchant_name == "BEST TRANSPORT" and code.merchant_city == "BEIJING"
    assert code.currency_numeric == "156" and code.country == "CN" and code.amount == "23.72"
    assert code.dynamic and code.mcc == "4111"
    assert code.language == "ZH" and code.name_alt == "最佳运输" and code.city_alt == "北京"
    assert [a.guid for a in code.accounts] == ["D15600000000", "D15600000001"]
    assert code.terminal == "A6008667"
    assert {o.tag for o in code.extra} == {"55", "91"}  # tip indicator, a template


def test_our_codes_decode_to_what_was_encoded():
    code = emvco.MerchantCode(merchant_name="COMMUNITY CANTEEN", merchant_city="BEIJING",
                              mcc="5812", accounts=(emvco.MerchantAccount("26", "CN.PORTAL", (("01", "merchant:canteen"),)),),
                              amount="18.50", reference="ORDER-42", language="ZH",
                              name_alt="社区长者食堂", city_alt="北京")
    payload = code.encode()
    back = emvco.decode(payload)
    assert back.amount == "18.50" and back.dynamic and back.reference == "ORDER-42"
    assert back.name_alt == "社区长者食堂"
    assert back.accounts[0].fields == (("01", "merchant:canteen"),)
    static = emvco.decode(emvco.MerchantCode("SHOP", "BEIJING").encode())
    assert not static.dynamic and emvco.decode_objects(emvco.MerchantCode("SHOP", "BEIJING").encode())[1].value == "11"


@pytest.mark.parametrize("tamper", [
    lambda s: s[:-1] + ("B" if s[-1] != "B" else "C"),   # wrong CRC
    lambda s: s.replace("23.72", "93.72"),               # amount changed, CRC kept
    lambda s: s[:-8],                                    # CRC missing
    lambda s: "0002020102" + s[10:],                      # payload format not 01
])
def test_tampered_payloads_are_refused(tamper):
    with pytest.raises(CodeInvalid):
        emvco.decode(tamper(GOLDEN))


def test_rendering():
    png = render.png(GOLDEN)
    svg = render.svg(GOLDEN)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 500
    assert b"<svg" in svg and b"<path" in svg
