"""Text people type: bidirectional controls removed, usernames kept to one plain alphabet so
that no one can take a name that looks like someone else's."""

import re
import unicodedata

# Characters that reorder the text around them: a name or a note carrying them can display
# differently from what it says ("Trojan Source").
BIDI_CONTROLS = dict.fromkeys(
    [
        *range(0x202A, 0x202F),  # embeddings and overrides, LRE to RLO
        *range(0x2066, 0x206A),  # isolates, LRI to PDI
        0x200E,  # left-to-right mark
        0x200F,  # right-to-left mark
        0x061C,  # Arabic letter mark
    ]
)

USERNAME = re.compile(r"[A-Za-z0-9.@+_-]+")

# Letters and digits that look alike in most typefaces; two usernames with the same skeleton
# could be taken for each other.
LOOK_ALIKE = [("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l")]


def strip_bidi(text):
    return text.translate(BIDI_CONTROLS) if text else text


def normalise_username(text):
    """The username as it is stored and compared: NFKC (so full-width and other compatibility
    forms become plain letters), without bidirectional controls or surrounding spaces."""
    return unicodedata.normalize("NFKC", strip_bidi(text or "")).strip()


def is_plain_username(username):
    """Letters a to z, digits and . @ + - _ only: no script mixing, no look-alike letters from
    other alphabets."""
    return bool(USERNAME.fullmatch(username))


def skeleton(username):
    """What a username looks like, ignoring case and look-alike characters: "Leader",
    "1eader" and "LEADER" share one with "leader", "rnanager" with "manager"."""
    text = username.casefold()
    for look, like in LOOK_ALIKE:
        text = text.replace(look, like)
    return text
