"""The one catalogue of issue codes: stable slugs, French and English messages, fix hints.

Codes are a public contract (JSON output, cell notes, docs): never rename one, add new ones.
Messages speak to an accountant: what is wrong and what to type instead. Templates are filled
with ``str.format_map`` from the issue's parameters; ``{value}`` is always available, and so is
``{column}`` (the header as written in the file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Lang = Literal["fr", "en"]


@dataclass(frozen=True, slots=True)
class IssueType:
    code: str
    scope: Literal["file", "row", "cell"]
    fr: str
    en: str
    hint_fr: str = ""
    hint_en: str = ""


_TYPES: tuple[IssueType, ...] = (
    # --- file level -----------------------------------------------------------------------
    IssueType(
        "missing-column",
        "file",
        "La colonne obligatoire « {header} » est absente du fichier.",
        'The required column "{header}" is missing from the file.',
        "Ajoutez une colonne avec l'en-tête « {header} » sur la première ligne.",
        'Add a column headed "{header}" on the first row.',
    ),
    IssueType(
        "unknown-column",
        "file",
        "La colonne « {column} » n'est pas attendue par {platform} : elle sera ignorée.",
        'The column "{column}" is not expected by {platform}: it will be ignored.',
        "Renommez-la si elle correspond à un champ attendu, sinon laissez-la ou supprimez-la.",
        "Rename it if it matches an expected field; otherwise leave or delete it.",
    ),
    IssueType(
        "column-taken",
        "file",
        "La colonne « {column} » ne sera pas importée : « {rival} » alimente déjà le même champ.",
        'The column "{column}" will not be imported: "{rival}" already feeds the same field.',
        "Gardez la colonne voulue ; pour choisir l'autre, créez la feuille de correspondance "
        "(commande map --write) et changez le champ de chaque colonne.",
        "Keep the column you want; to pick the other one, write the mapping sheet (map "
        "--write) and change each column's field.",
    ),
    IssueType(
        "mapping-conflict",
        "file",
        "Les colonnes {columns} sont toutes associées à « {header} », qui ne prend qu'une "
        "valeur : aucune n'est lue.",
        'The columns {columns} are all mapped to "{header}", which holds one value only: none '
        "of them is read.",
        "Dans la feuille de correspondance, gardez « {header} » pour une seule colonne et "
        "choisissez « (ne pas importer) » ou un autre champ pour les autres.",
        'In the mapping sheet, keep "{header}" for one column only and choose "(do not '
        'import)" or another field for the others.',
    ),
    IssueType(
        "mapping-other-profile",
        "file",
        "La feuille de correspondance du classeur est faite pour le profil {other}, pas pour "
        "{platform} : les colonnes sont associées automatiquement.",
        "The workbook's mapping sheet was made for the {other} profile, not for {platform}: "
        "the columns are mapped automatically.",
        "Refaites la feuille de correspondance pour ce profil (commande map --write).",
        "Write the mapping sheet again for this profile (map --write).",
    ),
    IssueType(
        "mapping-unknown-label",
        "file",
        "Dans la feuille de correspondance, « {label} » (colonne « {column} ») n'est pas un "
        "champ de {platform} : la colonne n'est pas lue.",
        'In the mapping sheet, "{label}" (column "{column}") is not a field of {platform}: '
        "the column is not read.",
        "Choisissez le champ dans la liste déroulante de la cellule.",
        "Pick the field from the cell's dropdown list.",
    ),
    IssueType(
        "mapping-unlisted",
        "file",
        "La colonne « {column} » n'est pas dans la feuille de correspondance : elle est "
        "associée automatiquement à « {header} ».",
        'The column "{column}" is not in the mapping sheet: it is mapped automatically to '
        '"{header}".',
        "Refaites la feuille de correspondance (commande map --write) pour la choisir vous-même.",
        "Write the mapping sheet again (map --write) to choose it yourself.",
    ),
    IssueType(
        "mapping-unlisted-ignored",
        "file",
        "La colonne « {column} » n'est pas dans la feuille de correspondance et ne correspond "
        "à aucun champ : elle est ignorée.",
        'The column "{column}" is not in the mapping sheet and matches no field: it is ignored.',
        "Refaites la feuille de correspondance (commande map --write) pour la choisir vous-même.",
        "Write the mapping sheet again (map --write) to choose it yourself.",
    ),
    IssueType(
        "duplicate-header",
        "file",
        "L'en-tête « {column} » apparaît {count} fois ; {platform} n'accepte chaque titre "
        "qu'une fois.",
        'The header "{column}" appears {count} times; {platform} accepts each title only once.',
        "Renommez ou supprimez les colonnes en double.",
        "Rename or delete the repeated columns.",
    ),
    IssueType(
        "blank-header",
        "file",
        "La colonne {letter} contient des données mais n'a pas d'en-tête.",
        "Column {letter} holds data but has no header.",
        "Donnez-lui un titre sur la première ligne ou supprimez-la.",
        "Give it a title on the first row or delete it.",
    ),
    IssueType(
        "column-order",
        "file",
        "Les colonnes ne sont pas dans l'ordre attendu par {platform} (la colonne « {header} » "
        "devrait être en position {expected}).",
        'The columns are not in the order {platform} expects ("{header}" should be at '
        "position {expected}).",
        "Remettez les colonnes dans l'ordre du modèle, ou laissez l'export le faire.",
        "Put the columns back in the template's order, or let the export do it.",
    ),
    IssueType(
        "template-columns-missing",
        "file",
        "{platform} attend toutes les colonnes de son modèle, dans son ordre ; il en manque "
        "{count} : {headers}.",
        "{platform} expects every column of its template, in its order; {count} are missing: "
        "{headers}.",
        "Ajoutez-les (vides si vous n'avez rien à y mettre), ou laissez l'export écrire le "
        "fichier complet.",
        "Add them (empty if you have nothing to put in them), or let the export write the "
        "complete file.",
    ),
    IssueType(
        "headers-not-first-row",
        "file",
        "Les titres des colonnes sont à la ligne {row} ; {platform} les lit sur la ligne 1 "
        "seulement.",
        "The column titles are on row {row}; {platform} reads them on row 1 only.",
        "Supprimez les lignes au-dessus des titres, ou laissez l'export écrire le fichier.",
        "Delete the rows above the titles, or let the export write the file.",
    ),
    IssueType(
        "no-header-row",
        "file",
        "Le fichier n'a pas de ligne de titres ; {platform} lit les titres sur la ligne 1.",
        "The file has no row of titles; {platform} reads the titles on row 1.",
        "Ajoutez une ligne de titres (le modèle les donne), ou laissez l'export écrire le fichier.",
        "Add a row of titles (the template gives them), or let the export write the file.",
    ),
    IssueType(
        "too-many-rows",
        "file",
        "Le fichier contient {count} lignes ; {platform} en accepte au plus {limit} par import.",
        "The file holds {count} rows; {platform} accepts at most {limit} per import.",
        "Découpez le fichier en plusieurs imports (l'export le fait pour vous).",
        "Split the file into several imports (the export does it for you).",
    ),
    IssueType(
        "file-too-large",
        "file",
        "Le fichier pèse {size} ; {platform} accepte au plus {limit} pour un fichier {kind}.",
        "The file is {size}; {platform} accepts at most {limit} for a {kind} file.",
        "Découpez le fichier ou enregistrez-le dans un autre format.",
        "Split the file or save it in another format.",
    ),
    IssueType(
        "format-not-accepted",
        "file",
        "{platform} n'importe pas les fichiers {kind} (formats acceptés : {accepted}).",
        "{platform} does not import {kind} files (accepted formats: {accepted}).",
        "Utilisez l'export de client-import pour produire le fichier attendu.",
        "Use client-import's export to produce the expected file.",
    ),
    IssueType(
        "wrong-encoding",
        "file",
        "Le fichier est encodé en {encoding} ; {platform} attend de l'{expected}.",
        "The file is encoded as {encoding}; {platform} expects {expected}.",
        "Dans Excel, choisissez « CSV UTF-8 » à l'enregistrement, ou utilisez l'export.",
        'In Excel, choose "CSV UTF-8" when saving, or use the export.',
    ),
    IssueType(
        "wrong-separator",
        "file",
        "Les colonnes sont séparées par « {separator} » ; {platform} attend « {expected} ».",
        'Columns are separated by "{separator}"; {platform} expects "{expected}".',
        "Utilisez l'export de client-import, qui écrit le bon séparateur.",
        "Use client-import's export, which writes the right separator.",
    ),
    IssueType(
        "several-sheets",
        "file",
        "Le classeur contient {count} feuilles ; {platform} n'en accepte qu'une.",
        "The workbook holds {count} sheets; {platform} accepts only one.",
        "Seule la feuille « {sheet} » a été vérifiée ; l'export n'écrira qu'elle.",
        'Only the sheet "{sheet}" was checked; the export will write only that one.',
    ),
    IssueType(
        "example-row",
        "row",
        "Cette ligne est la ligne d'exemple du modèle {platform}.",
        "This row is the example row of the {platform} template.",
        "Supprimez-la avant l'import.",
        "Delete it before importing.",
    ),
    IssueType(
        "no-data",
        "file",
        "Le fichier n'a aucune ligne de données sous les en-têtes.",
        "The file has no data rows below the headers.",
        "Remplissez au moins une ligne.",
        "Fill in at least one row.",
    ),
    # --- row level ------------------------------------------------------------------------
    IssueType(
        "required-value",
        "cell",
        "« {column} » est obligatoire et la cellule est vide.",
        '"{column}" is required and the cell is empty.',
        "Saisissez une valeur : {help}",
        "Enter a value: {help}",
    ),
    IssueType(
        "recommended-value",
        "cell",
        "« {column} » est vide ; {platform} en a besoin pour {reason}.",
        '"{column}" is empty; {platform} needs it to {reason}.',
        "Saisissez une valeur si vous la connaissez.",
        "Enter a value if you know it.",
    ),
    IssueType(
        "required-if",
        "cell",
        "« {column} » est obligatoire ici : {explanation}",
        '"{column}" is required here: {explanation}',
        "Saisissez une valeur dans cette cellule.",
        "Enter a value in this cell.",
    ),
    IssueType(
        "required-any",
        "row",
        "{explanation}",
        "{explanation}",
        "Remplissez au moins une des colonnes : {fields}.",
        "Fill in at least one of: {fields}.",
    ),
    IssueType(
        "duplicate-key",
        "cell",
        "La valeur « {value} » de « {column} » est déjà utilisée ligne {first_row} ; elle doit "
        "être unique.",
        'The value "{value}" of "{column}" is already used on row {first_row}; it must be unique.',
        "Corrigez le numéro, ou fusionnez les deux lignes.",
        "Correct the number, or merge the two rows.",
    ),
    IssueType(
        "duplicate-row",
        "row",
        "Cette ligne répète la ligne {first_row} ({fields}) : {explanation}",
        "This row repeats row {first_row} ({fields}): {explanation}",
        "Supprimez le doublon ou corrigez-le.",
        "Delete the duplicate or correct it.",
    ),
    IssueType(
        "likely-duplicate",
        "row",
        "Doublon probable {partners}.{group}",
        "Probable duplicate {partners}.{group}",
        "S'il s'agit du même client, gardez une seule ligne (ou fusionnez-les) ; sinon, "
        "laissez-les telles quelles.",
        "If it is the same customer, keep one row (or merge them); otherwise leave them as "
        "they are.",
    ),
    IssueType(
        "key-fallback",
        "cell",
        "« {column} » est vide : {explanation}",
        '"{column}" is empty: {explanation}',
        "Saisissez un identifiant si vous voulez regrouper les lignes autrement.",
        "Enter an identifier if you want to group rows differently.",
    ),
    IssueType(
        "sms-not-mobile",
        "cell",
        "Le mode d'alerte est « {method} » mais le {value} est un numéro fixe : les SMS "
        "n'arriveront pas.",
        'The alert method is "{method}" but {value} is a landline: text messages will not arrive.',
        "Indiquez un numéro de portable, ou choisissez « {call} ».",
        'Give a mobile number, or choose "{call}".',
    ),
    IssueType(
        "sms-unknown-line",
        "cell",
        "Le mode d'alerte est « {method} » ; impossible de savoir si le {value} est un portable.",
        'The alert method is "{method}"; {value} cannot be told apart from a landline.',
        "Vérifiez que ce numéro reçoit les SMS.",
        "Check that this number receives text messages.",
    ),
    # --- cell level: any text -------------------------------------------------------------
    IssueType(
        "formula-no-value",
        "cell",
        "La cellule contient une formule ({formula}) dont le résultat n'a jamais été calculé.",
        "The cell holds a formula ({formula}) whose result was never computed.",
        "Ouvrez le fichier dans Excel, laissez-le recalculer et enregistrez-le, ou tapez la "
        "valeur.",
        "Open the file in Excel, let it recalculate and save it, or type the value.",
    ),
    IssueType(
        "text-too-long",
        "cell",
        "« {column} » accepte au plus {limit} caractères ; cette cellule en a {length}.",
        '"{column}" accepts at most {limit} characters; this cell has {length}.',
        "Raccourcissez le texte.",
        "Shorten the text.",
    ),
    IssueType(
        "forbidden-character",
        "cell",
        "Le caractère {characters} n'est pas accepté par {platform}.",
        "The character {characters} is not accepted by {platform}.",
        "Retirez-le ou remplacez-le.",
        "Remove or replace it.",
    ),
    IssueType(
        "unusual-character",
        "cell",
        "Le caractère {characters} risque d'être refusé par {platform} ({allowed}).",
        "The character {characters} may be refused by {platform} ({allowed}).",
        "Retirez-le si possible.",
        "Remove it if possible.",
    ),
    IssueType(
        "accented-character",
        "cell",
        "Les lettres accentuées ({characters}) risquent d'être refusées par {platform}.",
        "Accented letters ({characters}) may be refused by {platform}.",
        "Remplacez-les par les lettres sans accent.",
        "Replace them with unaccented letters.",
    ),
    IssueType(
        "extra-spaces",
        "cell",
        "Espaces en trop au début, à la fin ou au milieu du texte.",
        "Extra spaces at the start, the end or inside the text.",
        "Retirez les espaces en trop.",
        "Remove the extra spaces.",
    ),
    IssueType(
        "line-break",
        "cell",
        "La cellule contient un retour à la ligne, que {platform} peut couper en deux lignes.",
        "The cell holds a line break, which {platform} may split into two rows.",
        "Remplacez le retour à la ligne par une espace.",
        "Replace the line break with a space.",
    ),
    # --- email ----------------------------------------------------------------------------
    IssueType(
        "invalid-email",
        "cell",
        "« {value} » n'est pas une adresse e-mail valide ({reason}).",
        '"{value}" is not a valid email address ({reason}).',
        "Tapez une adresse de la forme nom@domaine.fr.",
        "Type an address like name@domain.com.",
    ),
    IssueType(
        "several-emails",
        "cell",
        "La cellule contient plusieurs adresses e-mail ; une seule est acceptée.",
        "The cell holds several email addresses; only one is accepted.",
        "Gardez une adresse et mettez les autres dans d'autres colonnes.",
        "Keep one address and put the others in other columns.",
    ),
    IssueType(
        "email-format",
        "cell",
        "Adresse e-mail reconnue, mais {platform} la refuse écrite ainsi (espace à l'intérieur, "
        "« mailto: » devant...).",
        "Email address recognised, but {platform} refuses it written this way (a space inside, "
        '"mailto:" in front...).',
        "Tapez-la telle que proposée.",
        "Type it as suggested.",
    ),
    # --- phone ----------------------------------------------------------------------------
    IssueType(
        "invalid-phone",
        "cell",
        "« {value} » n'est pas un numéro de téléphone valide ({reason}).",
        '"{value}" is not a valid phone number ({reason}).',
        "Tapez le numéro complet, par exemple {example}.",
        "Type the full number, for example {example}.",
    ),
    IssueType(
        "phone-format",
        "cell",
        "Le numéro est valide mais {platform} l'attend au format {format}.",
        "The number is valid but {platform} expects it in the format {format}.",
        "Tapez-le tel que proposé.",
        "Type it as suggested.",
    ),
    IssueType(
        "phone-stored-as-number",
        "cell",
        "Excel a enregistré ce téléphone comme un nombre ({value}) : le zéro ou le « + » du "
        "début a pu être perdu.",
        'Excel stored this phone as a number ({value}): its leading zero or "+" may be lost.',
        "Mettez la colonne au format Texte et retapez le numéro.",
        "Format the column as Text and type the number again.",
    ),
    # --- country --------------------------------------------------------------------------
    IssueType(
        "unknown-country",
        "cell",
        "« {value} » n'est pas un pays reconnu.",
        '"{value}" is not a recognised country.',
        "Tapez le nom officiel du pays (ex. : {example}).",
        "Type the country's official name (e.g. {example}).",
    ),
    IssueType(
        "not-a-country",
        "cell",
        "« {value} » n'est pas un pays au sens de la norme ISO 3166.",
        '"{value}" is not a country in the ISO 3166 sense.',
        "Tapez le pays dont il fait partie.",
        "Type the country it belongs to.",
    ),
    IssueType(
        "country-format",
        "cell",
        "Pays reconnu, mais {platform} l'attend sous la forme {format}.",
        "Country recognised, but {platform} expects it as {format}.",
        "Tapez-le tel que proposé.",
        "Type it as suggested.",
    ),
    # --- date -----------------------------------------------------------------------------
    IssueType(
        "invalid-date",
        "cell",
        "« {value} » n'est pas une date valide.",
        '"{value}" is not a valid date.',
        "Tapez la date au format JJ/MM/AAAA, par exemple 31/12/1980.",
        "Type the date as DD/MM/YYYY, for example 31/12/1980.",
    ),
    IssueType(
        "date-format",
        "cell",
        "Date reconnue ({reading}), mais {platform} l'attend au format JJ/MM/AAAA.",
        "Date recognised ({reading}), but {platform} expects DD/MM/YYYY.",
        "Tapez-la telle que proposée.",
        "Type it as suggested.",
    ),
    IssueType(
        "date-ambiguous",
        "cell",
        "« {value} » peut se lire de deux façons ({reading}) ; d'autres dates de la colonne sont "
        "écrites mois/jour.",
        '"{value}" can be read two ways ({reading}); other dates in the column are written '
        "month/day.",
        "Vérifiez la date et tapez-la au format JJ/MM/AAAA.",
        "Check the date and type it as DD/MM/YYYY.",
    ),
    IssueType(
        "date-out-of-range",
        "cell",
        "La date {value} est invraisemblable ({reason}).",
        "The date {value} is implausible ({reason}).",
        "Vérifiez l'année.",
        "Check the year.",
    ),
    # --- postal code ----------------------------------------------------------------------
    IssueType(
        "invalid-postal-code",
        "cell",
        "« {value} » n'est pas un code postal valide pour {country} ({expected}).",
        '"{value}" is not a valid postal code for {country} ({expected}).',
        "Tapez le code postal complet.",
        "Type the full postal code.",
    ),
    IssueType(
        "postal-code-format",
        "cell",
        "Code postal reconnu, mais il doit s'écrire {expected}.",
        "Postal code recognised, but it must be written {expected}.",
        "Tapez-le tel que proposé.",
        "Type it as suggested.",
    ),
    IssueType(
        "postal-code-leading-zero",
        "cell",
        "Le code postal {value} a perdu son zéro initial (Excel l'a pris pour un nombre).",
        "The postal code {value} lost its leading zero (Excel took it for a number).",
        "Mettez la colonne au format Texte et tapez-le tel que proposé.",
        "Format the column as Text and type it as suggested.",
    ),
    # --- choices, flags, numbers ----------------------------------------------------------
    IssueType(
        "invalid-choice",
        "cell",
        "« {value} » n'est pas une valeur permise pour « {column} ».",
        '"{value}" is not an allowed value for "{column}".',
        "Choisissez parmi : {choices}.",
        "Choose one of: {choices}.",
    ),
    IssueType(
        "choice-format",
        "cell",
        "Valeur reconnue, mais {platform} l'attend écrite exactement « {expected} ».",
        'Value recognised, but {platform} expects it written exactly "{expected}".',
        "Tapez-la telle que proposée.",
        "Type it as suggested.",
    ),
    IssueType(
        "invalid-flag",
        "cell",
        "« {value} » n'est pas une réponse oui/non ; {platform} attend « Y » ou « N ».",
        '"{value}" is not a yes/no answer; {platform} expects "Y" or "N".',
        "Tapez Y pour oui, N pour non (vide vaut {default}).",
        "Type Y for yes, N for no (empty means {default}).",
    ),
    IssueType(
        "flag-format",
        "cell",
        "Réponse comprise, mais {platform} attend « Y » ou « N ».",
        'Answer understood, but {platform} expects "Y" or "N".',
        "Tapez-la telle que proposée.",
        "Type it as suggested.",
    ),
    IssueType(
        "invalid-number",
        "cell",
        "« {value} » n'est pas un nombre.",
        '"{value}" is not a number.',
        "Tapez un nombre sans lettres ni symbole, par exemple {example}.",
        "Type a number with no letters or symbols, for example {example}.",
    ),
    IssueType(
        "number-format",
        "cell",
        "Nombre compris, mais {platform} l'attend écrit {expected}.",
        "Number understood, but {platform} expects it written {expected}.",
        "Tapez-le tel que proposé.",
        "Type it as suggested.",
    ),
    IssueType(
        "number-precision",
        "cell",
        "« {value} » a trop de chiffres : {platform} accepte au plus {integer_digits} chiffres "
        "avant la virgule et {fraction_digits} après.",
        '"{value}" has too many digits: {platform} accepts at most {integer_digits} digits '
        "before the decimal point and {fraction_digits} after.",
        "Arrondissez ou corrigez le montant.",
        "Round or correct the amount.",
    ),
    IssueType(
        "number-out-of-range",
        "cell",
        "{value} est hors des limites permises ({range}).",
        "{value} is outside the allowed range ({range}).",
        "Tapez un nombre dans ces limites.",
        "Type a number within these limits.",
    ),
    IssueType(
        "not-an-integer",
        "cell",
        "« {value} » doit être un nombre entier.",
        '"{value}" must be a whole number.',
        "Tapez un nombre sans décimales.",
        "Type a number without decimals.",
    ),
    # --- identifiers ----------------------------------------------------------------------
    IssueType(
        "invalid-identifier",
        "cell",
        "« {value} » n'est pas un {kind} valide ({reason}).",
        '"{value}" is not a valid {kind} ({reason}).',
        "Vérifiez le numéro sur un document officiel (Kbis, avis de situation, RIB).",
        "Check the number on an official document.",
    ),
    IssueType(
        "identifier-format",
        "cell",
        "{kind} valide, mais {platform} l'attend écrit sans espaces ni points.",
        "Valid {kind}, but {platform} expects it written without spaces or dots.",
        "Tapez-le tel que proposé.",
        "Type it as suggested.",
    ),
)

CATALOGUE: Mapping[str, IssueType] = {t.code: t for t in _TYPES}


class _Missing(dict[str, str]):
    """Leaves unknown placeholders visible instead of failing: a message must always render."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, params: Mapping[str, str], lang: Lang, suggestion: str | None) -> str:
    """The full sentence for an issue: what is wrong, then what to type instead."""
    return render_owned(code, _Missing(params), lang, suggestion)


def missing_kept(*layers: Mapping[str, str]) -> dict[str, str]:
    """The parameters of ``layers`` merged (the last wins), unknown placeholders left visible:
    what :func:`render_owned` takes, built in one copy."""
    values = _Missing()
    for layer in layers:
        values.update(layer)
    return values


def render_owned(code: str, values: dict[str, str], lang: Lang, suggestion: str | None) -> str:
    """:func:`render` on parameters built by :func:`missing_kept`, which it may change: a
    report renders 100,000 messages, and one copy of the parameters fewer each counts."""
    kind = CATALOGUE[code]
    if lang == "en":  # checkers give translated parameters as "<name>_en"
        values.update({k[:-3]: v for k, v in values.items() if k.endswith("_en")})
    text = (kind.fr if lang == "fr" else kind.en).format_map(values)
    if suggestion is not None:
        label = "Proposition" if lang == "fr" else "Suggestion"
        quote = f"« {suggestion} »" if lang == "fr" else f'"{suggestion}"'
        sep = " : " if lang == "fr" else ": "
        text += f" {label}{sep}{quote}."
    else:
        hint = (kind.hint_fr if lang == "fr" else kind.hint_en).format_map(values)
        if hint:
            text += f" {hint}"
    return text
