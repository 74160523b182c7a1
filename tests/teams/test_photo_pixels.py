"""Issue 14 point 13: a photo is refused by the pixel count its header declares, before any of it
is decoded (a 10 KB PNG may declare 9400×9400 and take most of a gigabyte to decode)."""

import struct
import zlib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from teams.models import ActivityPhoto, TeamActivity
from teams.photos import check_photo, normalized_photo
from tests.teams.test_activities import form_data, png_bytes


def blank_png(width, height):
    """A valid 1-bit PNG of width×height, all black: compresses to a few KB however large."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def huge_png():
    return blank_png(9400, 9400)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_huge_png_is_small_on_disk_and_really_declares_9400_square(huge_png):
    assert len(huge_png) < 100_000
    with Image.open(SimpleUploadedFile("x.png", huge_png)) as image:
        assert image.size == (9400, 9400)


def test_pillows_own_guard_follows_the_setting():
    assert Image.MAX_IMAGE_PIXELS == 2 * 40_000_000  # Pillow refuses at twice this in Image.open


def test_far_beyond_pillows_guard_the_message_still_names_the_limit():
    with pytest.raises(ValidationError, match="巨图.png”的像素数超过 4,000 万像素的上限"):
        check_photo(SimpleUploadedFile("巨图.png", blank_png(20_000, 10_000)))


def test_a_9400_square_png_is_refused_before_decoding(huge_png):
    upload = SimpleUploadedFile("巨图.png", huge_png, content_type="image/png")
    with mock.patch.object(ImageFile.ImageFile, "load", side_effect=AssertionError("decoded")) as load:
        with pytest.raises(ValidationError) as refused:
            check_photo(upload)
        with pytest.raises(ValidationError):
            normalized_photo(upload)
    assert not load.called
    message = refused.value.messages[0]
    assert "巨图.png" in message and "9400×9400" in message and "4,000 万像素" in message


@pytest.mark.django_db
def test_the_activity_form_refuses_it_with_the_limit_and_saves_nothing(client_for, secretary_user, team, huge_png):
    photos = [SimpleUploadedFile("巨图.png", huge_png, content_type="image/png")]
    response = client_for(secretary_user).post(reverse("teams:activity_create"), form_data(team, photos=photos))

    assert response.status_code == 200
    assert "超过 4,000 万像素的上限" in response.content.decode()
    assert not TeamActivity.objects.exists() and not ActivityPhoto.objects.exists()


def test_the_limit_is_the_setting(settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError, match="1200×1000 像素，超过 100 万像素"):
        check_photo(SimpleUploadedFile("a.png", png_bytes(1200, 1000)))
    assert check_photo(SimpleUploadedFile("b.png", png_bytes(1000, 1000))) == "PNG"
