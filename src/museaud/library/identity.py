"""Recognising a file after it moved: a content hash of its ends, checked against its duration.

`content_hash` is BLAKE2b (16-byte digest) over the file's size, its first MiB and its last MiB
(the whole file when it is smaller than 2 MiB), so it reads at most 2 MiB whatever the file's
length. That is enough to recognise the same recording at a new path because:

- the size is in the hash, and audio files of equal size are rare outside lossless copies;
- the first MiB holds the header and tags and several seconds of encoded audio, the last MiB the
  final seconds (and ID3v1/APE tags): two different recordings with identical bytes in both
  places and the same size do not occur in practice;
- a match must also agree on duration (`same_duration`) and the old path must be gone, so even
  a collision could only relink a track whose file has disappeared to one that sounds the same
  length and starts and ends byte for byte alike.

A file whose tags were edited hashes differently and is imported as a new track; its old row is
marked missing (never deleted), so nothing the musician added is lost.
"""

from __future__ import annotations

import hashlib
import os

END_BYTES = 1 << 20  # one MiB from each end
DURATION_TOLERANCE_S = 0.5  # decoders and header estimates disagree by a frame or two


def content_hash(path: str | os.PathLike[str]) -> str:
    """The hex content hash of the file at path (reads at most 2 MiB)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        digest.update(size.to_bytes(8, "little"))
        if size <= 2 * END_BYTES:
            digest.update(handle.read())
        else:
            digest.update(handle.read(END_BYTES))
            handle.seek(size - END_BYTES)
            digest.update(handle.read(END_BYTES))
    return digest.hexdigest()


def same_duration(stored_s: float | None, found_s: float | None) -> bool:
    """True when two durations are the same recording's, or one of them is unknown.

    An unknown duration (a header mutagen cannot read) leaves the decision to the hash, which
    already covers the size.
    """
    if stored_s is None or found_s is None:
        return True
    return abs(stored_s - found_s) <= max(DURATION_TOLERANCE_S, 0.005 * stored_s)
