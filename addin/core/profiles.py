"""Finding and loading the profile files in ``templates/``.

Adding a platform means adding a TOML file there; nothing in the code lists platforms.
Every failure names the file and the path inside it, because the person fixing a profile is
editing that file, not reading our code.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from addin.core.profile import Profile
from addin.errors import ProfileError, UsageError

#: The profiles an installed wheel carries inside the package (copied there by ``setup.py``).
PACKAGED_DIR = Path(__file__).resolve().parents[1] / "_profiles"
#: The profiles' one source in a checkout (and in an editable install): the repository's folder.
REPOSITORY_DIR = Path(__file__).resolve().parents[2] / "templates"
#: Where profiles live: ``$CLIENT_IMPORT_TEMPLATES`` when set, else the packaged copy of an
#: installed wheel, else the repository's folder. The packaged copy comes first because beside
#: an installed package, ``parents[2]`` is ``site-packages``, whose ``templates`` folder (if
#: any) belongs to somebody else.
DEFAULT_DIR = PACKAGED_DIR if PACKAGED_DIR.is_dir() else REPOSITORY_DIR


def templates_dir() -> Path:
    override = os.environ.get("CLIENT_IMPORT_TEMPLATES")
    return Path(override) if override else DEFAULT_DIR


def load_profile_file(path: Path) -> Profile:
    """Parse and check one profile file, or raise ``ProfileError`` naming what is wrong."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from exc
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # whole-profile checks name their own path in the message
            raise ProfileError(f"{path}: {message}") from exc
        where = _describe_location(data, first["loc"])
        raise ProfileError(f"{path}: {where}: {message}") from exc
    if profile.name != path.stem:
        raise ProfileError(f"{path}: name: '{profile.name}' must match the file name '{path.stem}'")
    return profile


def _describe_location(data: object, loc: tuple[int | str, ...]) -> str:
    """``columns[3] (birthdate).type`` rather than pydantic's bare tuple."""
    parts: list[str] = []
    node: object = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f" ({node['id']})"
            parts.append(label)
        else:
            if isinstance(node, dict):
                node = node.get(key)
            if key in {"required_if", "any_required", "fallback", "sms_needs_mobile", "unique"}:
                continue  # pydantic's discriminator tag, not a key of the file
            parts.append(("." if parts else "") + key)
    return "".join(parts) or "(top level)"


@cache
def _load_all(directory: str) -> dict[str, Profile]:
    root = Path(directory)
    if not root.is_dir():
        raise ProfileError(f"{root}: the profiles folder does not exist")
    profiles: dict[str, Profile] = {}
    for path in sorted(root.glob("*.toml")):
        profile = load_profile_file(path)
        profiles[profile.name] = profile
    return profiles


def all_profiles() -> dict[str, Profile]:
    """Every profile, by name, in file-name order."""
    return _load_all(str(templates_dir()))


def get_profile(name: str) -> Profile:
    profiles = all_profiles()
    try:
        return profiles[name]
    except KeyError:
        known = ", ".join(profiles)
        raise UsageError(
            f"profil inconnu « {name} » (profils connus : {known or 'aucun'} ; "
            "`client-import profiles`)",
            f"unknown profile “{name}” (known profiles: {known or 'none'}; "
            "`client-import profiles`)",
        ) from None
