"""The drawn signature: a PNG from the signing canvas, sent as a data URL. Checked before it is kept."""

from __future__ import annotations

import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 200 * 1024
MAX_SIDE = 4000  # pixels; a high-density tablet canvas is well under this
DATA_URL_PREFIX = "data:image/png;base64,"


class SignatureError(ValueError):
    """The signature image is missing, malformed, too large or blank. The message is for the signer."""


def decode_data_url(data_url: str) -> bytes:
    """PNG bytes from ``data:image/png;base64,...``; raises SignatureError with a plain reason."""
    text = data_url.strip()
    if not text.startswith(DATA_URL_PREFIX):
        raise SignatureError("The signature must be a PNG image drawn in the signature box.")
    encoded = text[len(DATA_URL_PREFIX) :]
    if len(encoded) > (MAX_BYTES * 4) // 3 + 8:
        raise SignatureError("The signature image is too large (the limit is 200 KB).")
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("The signature image could not be read; please clear the box and sign again.") from None
    check_png(png)
    return png


def check_png(png: bytes) -> None:
    if len(png) >= MAX_BYTES:
        raise SignatureError("The signature image is too large (the limit is 200 KB).")
    if not png.startswith(PNG_MAGIC):
        raise SignatureError("The signature must be a PNG image drawn in the signature box.")
    try:
        with Image.open(io.BytesIO(png)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or max(image.size) > MAX_SIDE or min(image.size) < 1:
                raise SignatureError("The signature image has an unexpected size; please sign again.")
            if _is_blank(image):
                raise SignatureError("The signature box is empty: draw your signature in it.")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise SignatureError("The signature image could not be read; please clear the box and sign again.") from None


def _is_blank(image: Image.Image) -> bool:
    """True when nothing was drawn: fully transparent, or one flat colour."""
    rgba = image.convert("RGBA")
    if rgba.getchannel("A").getbbox() is None:
        return True
    extrema = rgba.getextrema()
    return all(low == high for low, high in extrema)


def demo_signature_data_url(name: str, width: int = 600, height: int = 160) -> str:
    """A made-up handwritten-looking stroke, the same for the same name: for demo data only."""
    import random

    from PIL import ImageDraw

    rng = random.Random(name)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x, points = 24.0, []
    while x < width * 0.8:
        points.append((x, height * (0.35 + 0.4 * rng.random())))
        x += 18 + 30 * rng.random()
    draw.line(points, fill=(20, 33, 61, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return DATA_URL_PREFIX + base64.b64encode(buffer.getvalue()).decode("ascii")
