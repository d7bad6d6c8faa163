"""QR codes: EMVCo merchant-presented payloads, customer-presented one-card codes, images."""

from payments.qr import customer, emvco, render
from payments.qr.emvco import MerchantAccount, MerchantCode, crc16, decode

__all__ = ["MerchantAccount", "MerchantCode", "crc16", "customer", "decode", "emvco", "render"]
