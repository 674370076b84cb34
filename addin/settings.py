"""What the user set once for the ribbon: the platform, its address, the language, the phone
region. Kept as a small JSON file in client-import's data folder (``files.data_folder``).

Typed and checked on the way in *and* on the way out: a value the user types in Excel's input
box is refused with a French sentence (an address that is not ``https://``, a language other
than fr/en, a region that is not two letters, a platform we have no profile for) before it is
kept, and a settings file edited by hand into something wrong is read as the defaults rather
than breaking every button. Never a credential here: tokens go to the OS keyring
(``connectors.secrets``); an address is kept as
:func:`~addin.connectors.secrets.public_target` (no user, password or query string), so a token
pasted into an address cannot land in this file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from addin.connectors.secrets import public_target
from addin.core.catalogue import Lang
from addin.core.profiles import all_profiles, get_profile
from addin.errors import UsageError
from addin.files.data_folder import data_folder, private_folder
from addin.files.safe_files import write_replacing

FILE_NAME = "settings.json"
LANGUAGES: tuple[Lang, ...] = ("fr", "en")
_REGION = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class Settings:
    """The ribbon's settings; every field has a default, so a new user has a working ribbon."""

    #: the chosen platform: a profile's id (``templates/<id>.toml``), or none yet
    platform: str | None = None
    lang: Lang = "fr"
    #: the default region of phone numbers written without their country code ("FR", "CA")
    phone_region: str | None = None
    #: each platform's address, by profile id (the profile's own address when it has none here)
    targets: dict[str, str] = field(default_factory=dict)
    #: each platform's push mode, by profile id (the profile's default when it has none here)
    modes: dict[str, str] = field(default_factory=dict)

    def target_of(self, profile: str) -> str | None:
        return self.targets.get(profile)

    def mode_of(self, profile: str) -> str | None:
        return self.modes.get(profile)


def settings_path() -> Path:
    return data_folder() / FILE_NAME


def check_platform(profile_id: str) -> str:
    known = all_profiles()
    if profile_id not in known:
        listed = ", ".join(sorted(known))
        raise UsageError(
            f"plateforme inconnue : « {profile_id} » (connues : {listed})",
            en=f"unknown platform: “{profile_id}” (known: {listed})",
        )
    return profile_id


def check_lang(text: str) -> Lang:
    value = text.strip().lower()
    if value == "fr":
        return "fr"
    if value == "en":
        return "en"
    raise UsageError(
        f"la langue doit être fr ou en, pas « {text.strip()} »",
        en=f"the language must be fr or en, not “{text.strip()}”",
    )


def check_region(text: str) -> str:
    value = text.strip().upper()
    if not _REGION.fullmatch(value):
        raise UsageError(
            f"la région des téléphones est un code pays de deux lettres (FR, BE, CA...), "
            f"pas « {text.strip()} »",
            f"the phone region is a two-letter country code (FR, BE, CA...), not “{text.strip()}”",
        )
    return value


def check_target(text: str) -> str:
    """The address as kept: :func:`public_target` (raises the French sentence if it is not
    an http(s) address)."""
    return public_target(text)


def check_mode(profile_id: str, mode: str) -> str:
    """A push mode the platform accepts (``pushing.choose_mode``'s French sentence if not)."""
    from addin.usecases.pushing import choose_mode  # noqa: PLC0415 (the push machinery, only here)

    return choose_mode(get_profile(check_platform(profile_id)), mode.strip())


def validated(settings: Settings) -> Settings:
    """``settings`` with every field checked; a :class:`UsageError` names the first wrong one."""
    return Settings(
        platform=None if settings.platform is None else check_platform(settings.platform),
        lang=check_lang(settings.lang),
        phone_region=None if settings.phone_region is None else check_region(settings.phone_region),
        targets={check_platform(name): check_target(url) for name, url in settings.targets.items()},
        modes={
            check_platform(name): check_mode(name, mode) for name, mode in settings.modes.items()
        },
    )


def load_settings() -> Settings:
    """The settings kept, or the defaults when there are none or the file is not usable."""
    try:
        raw = json.loads(settings_path().read_text(encoding="utf-8"))
        return validated(_from_json(raw))
    except (OSError, ValueError, TypeError, UsageError):
        return Settings()


def save_settings(settings: Settings) -> Path:
    """Check ``settings`` and keep them (the file replaced in one step); returns where."""
    checked = validated(settings)
    path = settings_path()
    private_folder(path.parent)
    text = json.dumps(_to_json(checked), ensure_ascii=False, indent=1, sort_keys=True)
    write_replacing(path, lambda temporary: temporary.write_text(text + "\n", encoding="utf-8"))
    return path


def updated(settings: Settings, **changes: Any) -> Settings:
    """``settings`` with ``changes``, checked."""
    return validated(replace(settings, **changes))


def _to_json(settings: Settings) -> dict[str, object]:
    return {
        "platform": settings.platform,
        "lang": settings.lang,
        "phone_region": settings.phone_region,
        "targets": dict(settings.targets),
        "modes": dict(settings.modes),
    }


def _from_json(raw: object) -> Settings:
    if not isinstance(raw, dict):
        raise TypeError("settings: not an object")
    targets, modes = raw.get("targets") or {}, raw.get("modes") or {}
    for table in (targets, modes):
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            raise TypeError("settings: targets or modes")
    platform, lang, region = raw.get("platform"), raw.get("lang", "fr"), raw.get("phone_region")
    for value in (platform, region):
        if value is not None and not isinstance(value, str):
            raise TypeError("settings: not a text")
    if not isinstance(lang, str):
        raise TypeError("settings: lang")
    return Settings(platform, check_lang(lang), region, dict(targets), dict(modes))
