"""Images embedded in imported questions: decoded, checked and re-encoded with Pillow before anything keeps them."""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_SIDE = 8000  # pixels; refused beyond this, so a small file cannot unpack into a huge bitmap (a decompression bomb)
SHOWN_SIDE = 1600  # larger images are scaled down to this: more than any question needs
KINDS = ("PNG", "JPEG", "GIF", "WEBP")
MEDIA_TYPE = "image/png"  # everything is re-encoded as PNG: lossless, so re-encoding again gives the same bytes


class ImageProblem(ValueError):
    """An embedded file that cannot be shown as an image, in plain words."""


@dataclass(frozen=True)
class CheckedImage:
    """An image re-encoded by Pillow as PNG, so no bytes from the file are ever served as given."""

    data: bytes
    width: int
    height: int
    media_type: str = MEDIA_TYPE

    @property
    def sha256(self) -> str:
        """The digest that names the image when it is stored and served."""
        return hashlib.sha256(self.data).hexdigest()


def decode(encoded: str, name: str) -> bytes:
    """The bytes of a base64 <file>, or ImageProblem."""
    try:
        raw = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ImageProblem(f"the embedded file '{name}' is not valid base64") from None
    if len(raw) > MAX_IMAGE_BYTES:
        raise ImageProblem(f"the image '{name}' is {len(raw) / 1024 / 1024:.1f} MB; images can be at most "
                           f"{MAX_IMAGE_BYTES // 1024 // 1024} MB")
    return raw


def check_image(raw: bytes, name: str) -> CheckedImage:
    """Open the bytes with Pillow, check kind and size, and re-encode them (metadata and anything hidden dropped)."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind, (width, height) = probe.format or "", probe.size
            if kind not in KINDS:
                raise ImageProblem(f"the embedded file '{name}' is not a PNG, JPEG, GIF or WebP image")
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ImageProblem(f"the image '{name}' is {width} x {height} pixels; at most {MAX_SIDE} on a side")
            probe.load()
            image = probe.convert("RGBA" if "A" in probe.getbands() or "transparency" in probe.info else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ImageProblem(f"the embedded file '{name}' is not an image that can be read") from None
    image.thumbnail((SHOWN_SIDE, SHOWN_SIDE))
    out = io.BytesIO()
    image.save(out, "PNG")
    return CheckedImage(out.getvalue(), image.width, image.height)


def encode(data: bytes) -> str:
    """Bytes as base64 text, for bank files."""
    return base64.b64encode(data).decode("ascii")
