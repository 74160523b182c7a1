"""Activity photos: checked by content with Pillow (not by the file name), size-limited (bytes, and
pixels read from the header before decoding), and re-encoded with the longest edge at most
TEAM_PHOTO_MAX_EDGE pixels.

Re-encoding also drops whatever else rode along in the file (EXIF with GPS, trailing data)."""

import io
import os
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PHOTOS = 9


def max_pixels():
    return getattr(settings, "PHOTO_MAX_PIXELS", 40_000_000)


# Pillow's own guard refuses twice MAX_IMAGE_PIXELS in Image.open, for every image the process opens:
# set so that it refuses at four times our limit (160 MP, below Pillow's default of 179 MP), leaving
# the band between to the check in _open, whose message gives the dimensions.
Image.MAX_IMAGE_PIXELS = 2 * max_pixels()


def _too_many_pixels(name, size=None):
    declared = f"为 {size[0]}×{size[1]} 像素，" if size else "的像素数"
    return ValidationError(f"照片“{name}”{declared}超过 {max_pixels() // 10_000:,} 万像素的上限，请缩小后再上传。")


def _open(upload, name):
    """Image.open reads the header only: the pixel count is refused here, before anything is
    decoded (a 10 KB PNG may declare 9400×9400 and take a gigabyte to decode)."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused just below
            image = Image.open(upload)
    except Image.DecompressionBombError:
        raise _too_many_pixels(name) from None
    width, height = image.size
    if width * height > max_pixels():
        # Not image.close(): that would close the upload itself, which the caller still reads.
        raise _too_many_pixels(name, image.size)
    return image


def _decode_small(image):
    """Decode a JPEG at a reduced scale when it is much larger than what is kept: the whole stream is
    still read (a truncated file still fails) with a fraction of the memory."""
    if image.format == "JPEG":
        image.draft("RGB", (max_edge(), max_edge()))
    image.load()


def max_bytes():
    return getattr(settings, "TEAM_PHOTO_MAX_MB", 8) * 1024 * 1024


def max_edge():
    return getattr(settings, "TEAM_PHOTO_MAX_EDGE", 1600)


def check_photo(upload):
    """Raise ValidationError (Chinese, naming the file) unless `upload` is a JPEG/PNG/WebP image
    within the size limit. Returns the Pillow format name."""
    name = os.path.basename(getattr(upload, "name", "") or "照片")
    if upload.size > max_bytes():
        raise ValidationError(
            f"照片“{name}”大小为 {upload.size / 1024 / 1024:.1f} MB，超过 {getattr(settings, 'TEAM_PHOTO_MAX_MB', 8)} MB 的上限，请压缩后再上传。"
        )
    if upload.size == 0:
        raise ValidationError(f"文件“{name}”是空文件。")
    try:
        with _open(upload, name) as image:
            image_format = image.format
            image.verify()
        # verify() reads the structure only; a truncated JPEG passes it, so decode it too.
        with _open(upload, name) as image:
            _decode_small(image)
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            f"文件“{name}”不是有效的图片（只接受 JPEG、PNG、WebP 格式的照片；改了扩展名的文件也不行）。"
        ) from None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(f"文件“{name}”是 {image_format} 格式，只接受 JPEG、PNG、WebP 格式的照片。")
    return image_format


def normalized_photo(upload):
    """(ContentFile, width, height): the photo turned upright, shrunk to the max edge, re-encoded.
    Raises ValidationError (Chinese, naming the file) when the image cannot be decoded."""
    name = os.path.basename(getattr(upload, "name", "") or "照片")
    try:
        return _normalized(upload, name)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(f"文件“{name}”已损坏或不完整，无法读取，请重新选择。") from None


def _normalized(upload, name):
    with _open(upload, name) as image:
        image_format = image.format
        if image_format not in ALLOWED_FORMATS:
            raise ValueError(image_format)
        _decode_small(image)
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_edge(), max_edge()))
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        options = {"quality": 85, "optimize": True} if image_format in ("JPEG", "WEBP") else {"optimize": True}
        image.save(buffer, format=image_format, **options)
        width, height = image.size
    extension = ALLOWED_FORMATS[image_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"), width, height
