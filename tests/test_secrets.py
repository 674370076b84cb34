"""Credentials: the environment variable first, the OS keyring else, and clear French errors.

The keyring is replaced for each test by a small in-memory backend (or by keyring's own
"no backend" and "disabled" ones), and put back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from addin.connectors.secrets import (
    EVOLIZ_PUBLIC_KEY,
    EVOLIZ_SECRET_KEY,
    SERVICE,
    TOKEN,
    KeyringUnavailable,
    Secret,
    SecretError,
    SecretNotFound,
    account,
    forget_secret,
    keyring_problem,
    public_target,
    read_secret,
    store_secret,
)
from addin.errors import ClientImportError, UsageError
from tests.memory_keyring import MemoryKeyring

TARGET = "https://api.hokus.example/v1"
ALL_VARS = (TOKEN.env_var, EVOLIZ_PUBLIC_KEY.env_var, EVOLIZ_SECRET_KEY.env_var)


class BrokenKeyring(keyring.backend.KeyringBackend):
    """A keyring whose service is there but fails, like a locked Secret Service over D-Bus."""

    priority = -10

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("Failed to unlock the collection!")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def use_keyring() -> Iterator[None]:
    """The test may ``keyring.set_keyring`` freely: the previous backend comes back after."""
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory(use_keyring: None) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


# -- targets and account names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.hokus.example/v1", "https://api.hokus.example/v1"),
        ("https://api.hokus.example/v1/", "https://api.hokus.example/v1"),
        ("  HTTPS://API.Hokus.Example/v1  ", "https://api.hokus.example/v1"),
        ("https://bob:s3cr3t@api.hokus.example/v1?token=s3cr3t#x", "https://api.hokus.example/v1"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://[::1]:8765/api/", "http://[::1]:8765/api"),
        ("https://host.example", "https://host.example"),
    ],
)
def test_public_target_keeps_scheme_host_port_and_path_only(url: str, expected: str) -> None:
    assert public_target(url) == expected


@pytest.mark.parametrize(
    "url",
    ["api.hokus.example", "ftp://host/x", "https://", "http://host:99999", "mailto:a@b.c", ""],
)
def test_a_string_that_is_no_platform_address_is_refused_in_french(url: str) -> None:
    with pytest.raises(UsageError, match="n'est pas l'adresse d'une plateforme"):
        public_target(url)


def test_a_refused_address_is_not_repeated_with_its_credentials() -> None:
    with pytest.raises(UsageError) as caught:
        public_target("ftp://bob:s3cr3t@host/x?key=s3cr3t")
    assert "s3cr3t" not in str(caught.value)
    assert "…@host/x" in str(caught.value)


def test_account_names_carry_the_kind_and_the_public_target() -> None:
    assert account("https://u:p@API.hokus.example/v1/?t=1") == "token@https://api.hokus.example/v1"
    assert account(TARGET, EVOLIZ_SECRET_KEY) == "evoliz-secret-key@" + TARGET


# -- reading -----------------------------------------------------------------------------------


def test_the_environment_variable_is_read_and_wins_over_the_keyring(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_secret(TARGET, "from-keyring")
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", "  from-env\n")
    found = read_secret(TARGET)
    assert found == Secret("from-env", "la variable d'environnement CLIENT_IMPORT_TOKEN")


def test_an_explicit_environment_mapping_replaces_os_environ(memory: MemoryKeyring) -> None:
    found = read_secret(TARGET, EVOLIZ_PUBLIC_KEY, environ={EVOLIZ_PUBLIC_KEY.env_var: "pk"})
    assert found.value == "pk"


def test_a_blank_environment_variable_counts_as_unset(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_secret(TARGET, "from-keyring")
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", "   ")
    assert read_secret(TARGET) == Secret("from-keyring", "le trousseau du système")


def test_the_keyring_is_read_under_the_service_and_account(memory: MemoryKeyring) -> None:
    memory.passwords[SERVICE, "token@" + TARGET] = "tok"
    assert read_secret(TARGET + "/").value == "tok"
    assert read_secret("https://user:pw@api.hokus.example/v1?x=1").value == "tok"


def test_evoliz_keys_are_two_separate_secrets(memory: MemoryKeyring) -> None:
    evoliz = "https://www.evoliz.example/api/v1"
    store_secret(evoliz, "public", EVOLIZ_PUBLIC_KEY)
    store_secret(evoliz, "secret", EVOLIZ_SECRET_KEY)
    assert read_secret(evoliz, EVOLIZ_PUBLIC_KEY).value == "public"
    assert read_secret(evoliz, EVOLIZ_SECRET_KEY).value == "secret"
    with pytest.raises(SecretNotFound):
        read_secret(evoliz)
    assert sorted(memory.passwords) == [
        (SERVICE, "evoliz-public-key@" + evoliz),
        (SERVICE, "evoliz-secret-key@" + evoliz),
    ]


def test_targets_do_not_share_secrets(memory: MemoryKeyring) -> None:
    store_secret(TARGET, "hokus-token")
    with pytest.raises(SecretNotFound):
        read_secret("https://api.flokon.example/v1")
    with pytest.raises(SecretNotFound):
        read_secret("http://api.hokus.example/v1")


def test_missing_secret_says_how_to_provide_it(memory: MemoryKeyring) -> None:
    with pytest.raises(SecretNotFound) as caught:
        read_secret(TARGET + "?token=x")
    assert str(caught.value) == (
        "Il manque le jeton d'accès pour https://api.hokus.example/v1. Pour l'enregistrer "
        "dans le trousseau du système : « client-import login https://api.hokus.example/v1 » ; "
        "pour une exécution automatisée : la variable d'environnement CLIENT_IMPORT_TOKEN."
    )
    assert isinstance(caught.value, ClientImportError)


def test_missing_evoliz_key_names_its_own_variable(memory: MemoryKeyring) -> None:
    with pytest.raises(SecretNotFound, match=r"clé secrète Evoliz .*_EVOLIZ_SECRET_KEY"):
        read_secret(TARGET, EVOLIZ_SECRET_KEY)


def test_the_secret_value_never_shows_in_repr_or_str() -> None:
    secret = Secret("s3cr3t-value", "le trousseau du système")
    assert "s3cr3t" not in repr(secret)
    assert "s3cr3t" not in str(secret)
    assert "s3cr3t" not in f"{secret!r} {secret}"


# -- no usable keyring ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (keyring.backends.fail.Keyring(), "aucun trousseau n'est disponible sur cette machine"),
        (keyring.backends.null.Keyring(), "le trousseau du système est désactivé"),
    ],
)
def test_without_a_keyring_the_environment_is_the_only_source(
    use_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
    backend: keyring.backend.KeyringBackend,
    reason: str,
) -> None:
    keyring.set_keyring(backend)
    problem = keyring_problem()
    assert problem is not None
    assert problem.startswith(reason)

    with pytest.raises(SecretNotFound) as caught:
        read_secret(TARGET)
    message = str(caught.value)
    assert message.startswith(f"Il manque le jeton d'accès pour {TARGET} et {reason}")
    assert "« client-import login » ne peut pas l'y enregistrer" in message
    assert message.endswith("Définissez la variable d'environnement CLIENT_IMPORT_TOKEN.")

    with pytest.raises(KeyringUnavailable) as refused:
        store_secret(TARGET, "tok")
    assert str(refused.value).startswith(reason[0].upper() + reason[1:])
    assert str(refused.value).endswith("variable d'environnement CLIENT_IMPORT_TOKEN.")
    with pytest.raises(KeyringUnavailable):
        forget_secret(TARGET)

    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", "tok")
    assert read_secret(TARGET).value == "tok"


def test_an_empty_keyring_chain_is_no_keyring(use_keyring: None) -> None:
    chainer = keyring.backends.chainer.ChainerBackend()
    if chainer.backends:
        pytest.skip("this machine has a real keyring backend to chain")
    keyring.set_keyring(chainer)
    assert keyring_problem() is not None


def test_a_failing_keyring_is_reported_and_the_environment_still_works(
    use_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(BrokenKeyring())
    assert keyring_problem() is None  # it looks usable until it is used
    with pytest.raises(SecretNotFound) as caught:
        read_secret(TARGET)
    assert "le trousseau du système ne répond pas (KeyringLocked : Failed to unlock" in str(
        caught.value
    )
    assert "CLIENT_IMPORT_TOKEN" in str(caught.value)
    with pytest.raises(KeyringUnavailable, match=r"^Le trousseau du système ne répond pas"):
        store_secret(TARGET, "tok")
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", "tok")
    assert read_secret(TARGET).value == "tok"


# -- storing and forgetting --------------------------------------------------------------------


def test_store_replaces_and_forget_removes(memory: MemoryKeyring) -> None:
    store_secret(TARGET, " first ")
    assert read_secret(TARGET).value == "first"
    store_secret(TARGET, "second")
    assert read_secret(TARGET).value == "second"
    assert forget_secret(TARGET) is True
    assert forget_secret(TARGET) is False
    assert memory.passwords == {}
    with pytest.raises(SecretNotFound):
        read_secret(TARGET)


def test_forget_does_not_touch_other_kinds_or_targets(memory: MemoryKeyring) -> None:
    store_secret(TARGET, "tok")
    store_secret(TARGET, "pk", EVOLIZ_PUBLIC_KEY)
    store_secret("http://127.0.0.1:8765", "sandbox")
    assert forget_secret(TARGET)
    assert read_secret(TARGET, EVOLIZ_PUBLIC_KEY).value == "pk"
    assert read_secret("http://127.0.0.1:8765").value == "sandbox"


def test_a_blank_secret_is_not_stored(memory: MemoryKeyring) -> None:
    with pytest.raises(SecretError, match=r"^Le jeton d'accès est vide"):
        store_secret(TARGET, "  \n")
    with pytest.raises(SecretError, match=r"^La clé publique Evoliz est vide"):
        store_secret(TARGET, "", EVOLIZ_PUBLIC_KEY)
    assert memory.passwords == {}


def test_a_malformed_target_is_refused_before_touching_the_keyring(memory: MemoryKeyring) -> None:
    with pytest.raises(UsageError):
        store_secret("hokus", "tok")
    with pytest.raises(UsageError):
        read_secret("hokus")
    assert memory.passwords == {}
