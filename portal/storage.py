"""Private files: kept on disk outside MEDIA_ROOT, without a URL.

Attachments, receipts, reports and e-mail attachments live here; they are only
ever sent by a view that checked who is asking.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_media_root():
    return getattr(settings, "PRIVATE_MEDIA_ROOT", settings.BASE_DIR / "var" / "private")


class PrivateStorage(FileSystemStorage):
    """Files on disk under PRIVATE_MEDIA_ROOT, which have no URL.

    The root is read from the settings at each use, so a test (or a settings
    change) moves it; url() raises ValueError, so no template can link to a
    file by mistake: downloads go through a view that checks permissions.
    """

    def __init__(self, **kwargs):
        kwargs.pop("base_url", None)
        # Readable by the portal's user and group only, not by every account on the server.
        kwargs.setdefault("file_permissions_mode", 0o640)
        kwargs.setdefault("directory_permissions_mode", 0o750)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, private_media_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> PrivateStorage:
    """The storage of private files, for FileField(storage=private_storage)."""
    return PrivateStorage()
