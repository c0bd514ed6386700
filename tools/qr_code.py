# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""QR code images, made with the qrcode package."""

import base64
import io

import qrcode


def qr_code_png(text):
    """``text`` as a QR code PNG: UTF-8 bytes, error correction level M (what
    EPC069-12 asks for), the standard quiet zone of four modules."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4
    )
    code.add_data(text.encode())
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_code_data_uri(text):
    return "data:image/png;base64," + base64.b64encode(qr_code_png(text)).decode()
