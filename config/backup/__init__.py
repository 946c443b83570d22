"""Backup and restore: the database, the stored files and the audit anchors.

A backup is a directory or a .tar file holding

- ``database.dump``: ``pg_dump --format=custom`` of the service's database,
  with its owners and grants (restored as made: same roles, same rights);
- ``files/<name>``: every file of the default storage, read through Django's
  storage API (the local filesystem or S3 alike);
- ``audit-anchors.log``: the audit chain heads (``AUDIT_ANCHOR_PATH``);
- ``manifest.json``, written last: each part's size and sha256, the migration
  state, the time and the app version. A backup without it is unfinished.

Order, and why: the dump first, then the files. The dump is one snapshot; a
row in it names a file only once that file has been saved (the service saves
the file, then commits the row), so the file exists when the copy is made
afterwards. Files saved after the snapshot are copied too and are harmless
(nothing names them). Only a file deleted between the two (an unattached
upload swept past its time limit) can be missing; restore lists any file a
row names that the copy lacks.
"""

FORMAT = "chengyu-tracker-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
ANCHORS = "audit-anchors.log"
FILES = "files/"
