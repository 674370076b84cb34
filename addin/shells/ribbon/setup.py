"""The « Réglages » button: one question after another in Excel's input box.

Language, phone region, and for the chosen platform its address, its push mode (when it has
several) and its credentials. Each box shows the current value; Cancel keeps it (for a
credential, an empty answer too: the current one is never shown). The answers are checked
(:mod:`addin.settings`: a bad address or language is one French sentence, and nothing is kept),
then the settings are saved and the credentials stored in the OS keyring
(``connectors.secrets.store_secret``): never in the workbook, the settings file or a log.
"""

from __future__ import annotations

from addin.connectors.secrets import (
    EVOLIZ_PUBLIC_KEY,
    EVOLIZ_SECRET_KEY,
    TOKEN,
    SecretKind,
    store_secret,
)
from addin.core.profile import Profile
from addin.settings import (
    Settings,
    check_lang,
    check_mode,
    check_region,
    check_target,
    save_settings,
)
from addin.shells.ribbon.ask import type_text
from addin.shells.ribbon.shell import Button
from addin.shells.ribbon.words import say


def secret_kinds(profile: Profile) -> tuple[SecretKind, ...]:
    """The credentials the platform's connector reads (``pushing.open_connector``)."""
    if profile.api.connector == "evoliz":
        return (EVOLIZ_PUBLIC_KEY, EVOLIZ_SECRET_KEY)
    if profile.api.connector == "none":
        return ()
    return (TOKEN,)


def change_settings(button: Button) -> str:
    settings = button.settings
    app = button.app
    lang, region = settings.lang, settings.phone_region
    typed = type_text(app, button.words("ask_lang"), lang)
    if typed is not None:
        lang = check_lang(typed)
    typed = type_text(app, button.words("ask_region"), region or "")
    if typed is not None:
        region = check_region(typed) if typed.strip() else None
    targets, modes = dict(settings.targets), dict(settings.modes)
    secrets: dict[SecretKind, str] = {}
    profile = button.chosen_profile()
    target: str | None = None
    if profile is not None:
        name = profile.name
        current = button.settings.target_of(name) or profile.api.base_url or ""
        typed = type_text(app, button.words("ask_target", platform=profile.platform), current)
        if typed is not None and typed.strip():
            targets[name] = check_target(typed)
        target = targets.get(name) or profile.api.base_url
        allowed = profile.api.modes or []
        if len(allowed) > 1:
            current_mode = modes.get(name) or profile.api.default_mode or allowed[0]
            asked = button.words("ask_mode", platform=profile.platform, modes=", ".join(allowed))
            typed = type_text(app, asked, current_mode)
            if typed is not None and typed.strip():
                modes[name] = check_mode(name, typed)
        if target:
            for kind in secret_kinds(profile):
                label = button.words(f"secret_{kind.name}")
                typed = type_text(app, button.words("ask_secret", label=label, target=target))
                if typed is not None and typed.strip():
                    secrets[kind] = typed.strip()
    chosen = Settings(settings.platform, lang, region, targets, modes)
    save_settings(chosen)
    for kind, value in secrets.items():
        assert target is not None
        store_secret(target, value, kind)

    def words(key: str, **values: object) -> str:
        return say(lang, key, **values)  # the new language already

    told = [
        words(
            "secret_stored" if kind in secrets else "secret_kept",
            label=words(f"secret_{kind.name}"),
        )
        for kind in (secret_kinds(profile) if profile is not None and target else ())
    ]
    none = words("none")
    return words(
        "settings_saved",
        language=lang,
        region=region or none,
        platform=profile.platform if profile is not None else none,
        target=target or none,
        secrets="\n".join(told),
    )
