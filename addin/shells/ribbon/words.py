"""What the ribbon's buttons say, in French and in English (the language setting).

One table per language with the same keys (a test checks it), filled with ``str.format``.
The use cases' own errors are French sentences already: the ribbon shows them as they are.
"""

from __future__ import annotations

from addin.core.catalogue import Lang

WORDS: dict[Lang, dict[str, str]] = {
    "fr": {
        # the status bar, while a button works
        "new_template": "création du modèle",
        "match_columns": "correspondance des colonnes",
        "forget_choices": "oubli des choix de colonnes",
        "check": "vérification",
        "fix": "corrections",
        "undo_fixes": "annulation des corrections",
        "clear_marks": "retrait des marques",
        "explain_cell": "explication de la cellule",
        "export_file": "export",
        "send": "envoi",
        "history": "historique des envois",
        "undo_send": "annulation de l'envoi",
        "settings": "réglages",
        "choose_platform": "choix de la plateforme",
        "sending": "envoi : {done} / {total} lignes",
        # errors
        "error": "{message}",
        "unexpected": "Une erreur imprévue a arrêté la commande ; rien d'autre n'a été fait "
        "après elle. Le détail est noté dans « {log} » : transmettez ce fichier à la personne "
        "qui vous aide.",
        "unexpected_no_log": "Une erreur imprévue a arrêté la commande ({kind}).",
        "no_platform": "Choisissez d'abord la plateforme dans la liste de l'onglet « Import "
        "clients ».",
        "no_target": "{platform} : indiquez l'adresse de la plateforme dans « Réglages ».",
        # results
        "platform_chosen": "Plateforme choisie : {platform}.",
        "template": "Modèle {platform} créé et ouvert :\n{path}",
        "mapping": "Correspondance des colonnes écrite dans la feuille « {sheet} » : corrigez "
        "la colonne « Champ » si besoin ; Vérifier, Corriger et Envoyer la suivront.\n\n{lines}",
        "mapping_missing": "Champs obligatoires sans colonne : {fields}",
        "mapping_remembered": "Vos corrections sont retenues sur cet ordinateur pour les "
        "fichiers aux mêmes en-têtes : {count} colonne(s).",
        "forget_none": "Aucun choix de colonne n'est retenu pour les en-têtes de cette feuille "
        "et {platform} : rien à oublier.",
        "forget_ask": "Oublier les choix de colonnes que vous avez faits pour les fichiers aux "
        "mêmes en-têtes que cette feuille, pour {platform} ({count} colonne(s)) ? Les prochains "
        "fichiers aux mêmes en-têtes recevront de nouveau la correspondance automatique.",
        "forget_done": "{count} choix de colonne oublié(s) pour les en-têtes de cette feuille et "
        "{platform}. Les autres fichiers et plateformes gardent les leurs. La feuille de "
        "correspondance de ce classeur reste : elle décide toujours pour ce classeur.",
        "checked_clean": "{rows} ligne(s) vérifiée(s) ({platform}) : aucun problème.",
        "checked": "{rows} ligne(s) vérifiée(s) ({platform}) : {verdict}\n"
        "• {person} erreur(s) à corriger par vous, sur {person_rows} ligne(s) ;\n"
        "• {product} erreur(s) que client-import corrige (bouton « Corriger », ou à l'export et "
        "à l'envoi) ;\n• {warnings} avertissement(s) à vérifier.\n"
        "{sendable} ligne(s) sur {rows} partiront à l'envoi. Les cellules sont marquées ; la "
        "liste complète est dans la feuille « {report} ».",
        "verdict_accepted": "{platform} accepterait le fichier tel quel.",
        "verdict_refused": "{platform} refuserait le fichier tel quel.",
        "fixed": "{fixed} cellule(s) corrigée(s). Problèmes : {before} avant ; reste "
        "{errors} erreur(s) et {warnings} avertissement(s).\nChaque correction est notée dans la "
        "feuille « {sheet} » (bouton « Annuler les corrections » pour revenir en arrière).",
        "fixed_none": "Aucune correction sûre à faire ({errors} erreur(s) et {warnings} "
        "avertissement(s) à corriger à la main : bouton « Vérifier »).",
        "formulas_kept": "{count} cellule(s) à formule non modifiée(s) : corrigez la formule.",
        "undone": "{count} cellule(s) remise(s) comme avant la correction.",
        "undone_kept": "{count} cellule(s) modifiée(s) depuis la correction, laissée(s) telle(s) "
        "quelle(s) : {cells}",
        "undo_none": "Aucune correction notée dans ce classeur : rien à annuler.",
        "undo_all_changed": "Rien à annuler : les {count} cellule(s) corrigée(s) ont été "
        "modifiées depuis.",
        "cleared": "Marques retirées.",
        "clear_none": "Aucune marque dans ce classeur : rien à retirer.",
        "select_cell": "Sélectionnez d'abord une cellule du tableau.",
        "cell_clean": "Cellule {cell} : aucun problème.",
        "cell_issues": "Cellule {cell} :",
        "exported": "{kept} ligne(s) exportée(s), {held} ligne(s) refusée(s) (bouton "
        "« Vérifier » pour les voir).\nFichier à importer dans {platform} :\n{files}",
        "history_none": "Aucun envoi de ce classeur dans le journal.",
        "history_line": "n° {id}, {date} : {platform} → {target}\n   {mode} ; {status} : {counts}",
        "history_counts": "créés {created}, mis à jour {updated}, inchangés {unchanged}, "
        "refusés {error}, non envoyés {not_sent}, supprimés {deleted}, annulés {undone}",
        "undo_send_none": "Aucun envoi de ce classeur dans le journal : rien à annuler.",
        "undo_send_ask": "Annuler l'envoi n° {id} ({date}) supprime de {target} les {count} "
        "fiche(s) qu'il a créées :\n{keys}\nLes fiches mises à jour ou inchangées ne sont pas "
        "touchées. Supprimer ?",
        "undo_send_nothing": "L'envoi n° {id} n'a rien créé qui reste à supprimer.",
        "undo_send_done": "Envoi n° {id} annulé : {deleted} fiche(s) supprimée(s).",
        "undo_send_absent": "{count} déjà absente(s) de la plateforme.",
        "undo_send_replaced": "{count} laissée(s) : la plateforme a depuis une autre fiche sous "
        "la même clé.",
        "undo_send_unsure": "{count} laissée(s) : peut-être présentes avant l'envoi.",
        "undo_send_stopped": "Arrêté : {why} ; recommencez pour finir.",
        "cancelled": "Annulé : rien n'a été fait.",
        "more": "… et {count} autre(s)",
        "row": "ligne {row}",
        # send
        "preview": "Envoi vers {target} ({platform})\nMode : {mode}\n\n{counts}\n\nEnvoyer ?",
        "preview_changed": "La feuille a changé depuis l'aperçu : elle a été vérifiée de "
        "nouveau, voici le nouvel aperçu.\n\n",
        "preview_deleting": "ATTENTION : {count} fiche(s) de la plateforme seront SUPPRIMÉES :"
        " {keys}",
        "p_create": "{count} à créer",
        "p_update": "{count} à mettre à jour",
        "p_unchanged": "{count} inchangée(s)",
        "p_refused": "{count} clé(s) inconnue(s) (refusées)",
        "p_repeated": "{count} clé(s) en double (seule la 1re ligne part)",
        "p_invalid": "{count} ligne(s) avec erreurs, non envoyée(s)",
        "p_duplicates": "{count} client(s) probablement déjà sur la plateforme sous une autre "
        "clé, retenu(s) : {rows}",
        "ask_duplicates": "Créer quand même ces {count} client(s) ? (Non : ils sont retenus, "
        "les autres lignes partent.)\n\n{rows}",
        "p_moved": "{count} {changed} : {keys}",
        "p_old_kept": "l'ancien reste sur la plateforme",
        "p_old_deleted": "l'ancien est supprimé",
        "sent": "Envoi n° {id} vers {target} : {counts}.",
        "sent_counts": "{created} créé(s), {updated} mis à jour, {unchanged} inchangé(s), "
        "{error} refusé(s), {not_sent} non envoyé(s), {deleted} supprimé(s)",
        "sent_written": "Le résultat de chaque ligne est dans les colonnes d'état de la feuille.",
        "sent_backup": "Sauvegarde de la plateforme avant suppression : {path}",
        "sent_stopped": "Attention : envoi arrêté : {why} ; cliquez de nouveau sur « Envoyer » "
        "pour finir (rien ne sera créé deux fois).",
        "sent_warning": "Attention : {what}",
        # settings
        "ask_lang": "Langue des messages : fr ou en",
        "ask_region": "Région des numéros de téléphone sans indicatif (code pays : FR, BE, CA...)",
        "ask_target": "Adresse de la plateforme {platform} (https://...)",
        "ask_mode": "Mode d'envoi vers {platform} : {modes}",
        "ask_secret": "{label} pour {target} (gardé dans le trousseau du système ; laissez vide "
        "pour garder l'actuel)",
        "settings_saved": "Réglages enregistrés :\nLangue : {language}\nRégion des téléphones : "
        "{region}\nPlateforme : {platform}\nAdresse : {target}\n{secrets}",
        "secret_stored": "{label} : enregistré dans le trousseau du système.",
        "secret_kept": "{label} : inchangé.",
        "none": "(aucune)",
        "secret_token": "Le jeton d'accès",
        "secret_evoliz-public-key": "La clé publique Evoliz",
        "secret_evoliz-secret-key": "La clé secrète Evoliz",
    },
    "en": {
        "new_template": "making the template",
        "match_columns": "matching the columns",
        "forget_choices": "forgetting the column choices",
        "check": "checking",
        "fix": "fixing",
        "undo_fixes": "undoing the fixes",
        "clear_marks": "clearing the marks",
        "explain_cell": "explaining the cell",
        "export_file": "exporting",
        "send": "sending",
        "history": "push history",
        "undo_send": "undoing the push",
        "settings": "settings",
        "choose_platform": "choosing the platform",
        "sending": "sending: {done} / {total} rows",
        "error": "{message}",
        "unexpected": "An unexpected error stopped the command; nothing else was done after it. "
        "The details are in “{log}”: send this file to whoever helps you.",
        "unexpected_no_log": "An unexpected error stopped the command ({kind}).",
        "no_platform": "First choose the platform in the list of the “Import clients” tab.",
        "no_target": "{platform}: enter the platform's address in “Settings”.",
        "platform_chosen": "Platform chosen: {platform}.",
        "template": "{platform} template made and opened:\n{path}",
        "mapping": "Column mapping written in the sheet “{sheet}”: correct its “Field” column "
        "if needed; Check, Fix and Send will follow it.\n\n{lines}",
        "mapping_missing": "Required fields without a column: {fields}",
        "mapping_remembered": "Your corrections are remembered on this computer for files "
        "with the same headers: {count} column(s).",
        "forget_none": "No column choice is remembered for this sheet's headers and {platform}: "
        "nothing to forget.",
        "forget_ask": "Forget the column choices you made for files with the same headers as "
        "this sheet, for {platform} ({count} column(s))? The next files with the same headers will "
        "get the automatic mapping again.",
        "forget_done": "{count} column choice(s) forgotten for this sheet's headers and "
        "{platform}. Other files and platforms keep theirs. This workbook's mapping sheet stays: "
        "it still decides for this workbook.",
        "checked_clean": "{rows} row(s) checked ({platform}): no issue.",
        "checked": "{rows} row(s) checked ({platform}): {verdict}\n"
        "• {person} error(s) for you to fix, on {person_rows} row(s);\n"
        "• {product} error(s) client-import fixes (“Fix” button, or on export and send);\n"
        "• {warnings} warning(s) worth a look.\n"
        "{sendable} row(s) of {rows} will leave on send. The cells are marked; the full list is "
        "in the sheet “{report}”.",
        "verdict_accepted": "{platform} would accept the file as it is.",
        "verdict_refused": "{platform} would refuse the file as it is.",
        "fixed": "{fixed} cell(s) fixed. Issues: {before} before; {errors} error(s) and "
        "{warnings} warning(s) left.\nEach fix is listed in the sheet “{sheet}” (“Undo fixes” "
        "takes them back).",
        "fixed_none": "No safe fix to make ({errors} error(s) and {warnings} warning(s) to "
        "correct by hand: “Check”).",
        "formulas_kept": "{count} formula cell(s) left alone: correct the formula.",
        "undone": "{count} cell(s) put back as before the fix.",
        "undone_kept": "{count} cell(s) changed since the fix, left as they are: {cells}",
        "undo_none": "No fix is listed in this workbook: nothing to undo.",
        "undo_all_changed": "Nothing to undo: the {count} fixed cell(s) were changed since.",
        "cleared": "Marks cleared.",
        "clear_none": "No marks in this workbook: nothing to clear.",
        "select_cell": "First select a cell of the table.",
        "cell_clean": "Cell {cell}: no issue.",
        "cell_issues": "Cell {cell}:",
        "exported": "{kept} row(s) exported, {held} row(s) held back (“Check” shows them).\n"
        "File to import into {platform}:\n{files}",
        "history_none": "No push of this workbook in the journal.",
        "history_line": "no. {id}, {date}: {platform} → {target}\n   {mode}; {status}: {counts}",
        "history_counts": "created {created}, updated {updated}, unchanged {unchanged}, "
        "rejected {error}, not sent {not_sent}, deleted {deleted}, undone {undone}",
        "undo_send_none": "No push of this workbook in the journal: nothing to undo.",
        "undo_send_ask": "Undoing push no. {id} ({date}) deletes from {target} the {count} "
        "record(s) it created:\n{keys}\nRecords it updated or left unchanged are not touched. "
        "Delete?",
        "undo_send_nothing": "Push no. {id} created nothing left to delete.",
        "undo_send_done": "Push no. {id} undone: {deleted} record(s) deleted.",
        "undo_send_absent": "{count} already gone from the platform.",
        "undo_send_replaced": "{count} left: the platform has another record under that key since.",
        "undo_send_unsure": "{count} left: perhaps there before the push.",
        "undo_send_stopped": "Stopped: {why}; run it again to finish.",
        "cancelled": "Cancelled: nothing was done.",
        "more": "… and {count} more",
        "row": "row {row}",
        "preview": "Push to {target} ({platform})\nMode: {mode}\n\n{counts}\n\nSend?",
        "preview_changed": "The sheet changed since the preview: it was checked again, here is "
        "the new preview.\n\n",
        "preview_deleting": "WARNING: {count} record(s) of the platform will be DELETED: {keys}",
        "p_create": "{count} to create",
        "p_update": "{count} to update",
        "p_unchanged": "{count} unchanged",
        "p_refused": "{count} unknown key(s) (refused)",
        "p_repeated": "{count} repeated key(s) (only the first row goes)",
        "p_invalid": "{count} row(s) with errors, not sent",
        "p_duplicates": "{count} customer(s) probably on the platform already under another "
        "key, held back: {rows}",
        "ask_duplicates": "Create these {count} customer(s) anyway? (No: they are held back, "
        "the other rows go.)\n\n{rows}",
        "p_moved": "{count} {changed}: {keys}",
        "p_old_kept": "the old one stays on the platform",
        "p_old_deleted": "the old one is deleted",
        "sent": "Push no. {id} to {target}: {counts}.",
        "sent_counts": "{created} created, {updated} updated, {unchanged} unchanged, "
        "{error} rejected, {not_sent} not sent, {deleted} deleted",
        "sent_written": "Each row's outcome is in the sheet's status columns.",
        "sent_backup": "The platform's records saved before deleting: {path}",
        "sent_stopped": "Warning: push stopped: {why}; click “Send” again to finish (nothing "
        "will be created twice).",
        "sent_warning": "Warning: {what}",
        "ask_lang": "Language of the messages: fr or en",
        "ask_region": "Region of phone numbers without a country code (FR, BE, CA...)",
        "ask_target": "Address of the {platform} platform (https://...)",
        "ask_mode": "Push mode to {platform}: {modes}",
        "ask_secret": "{label} for {target} (kept in the system keyring; leave empty to keep "
        "the current one)",
        "settings_saved": "Settings saved:\nLanguage: {language}\nPhone region: {region}\n"
        "Platform: {platform}\nAddress: {target}\n{secrets}",
        "secret_stored": "{label}: saved in the system keyring.",
        "secret_kept": "{label}: unchanged.",
        "none": "(none)",
        "secret_token": "The access token",
        "secret_evoliz-public-key": "The Evoliz public key",
        "secret_evoliz-secret-key": "The Evoliz secret key",
    },
}


def say(lang: Lang, key: str, **values: object) -> str:
    return WORDS[lang][key].format(**values)


def listed(lang: Lang, items: list[str], shown: int = 10) -> str:
    """The first ``shown`` of ``items``, then how many more."""
    text = ", ".join(items[:shown])
    if len(items) > shown:
        text += " " + say(lang, "more", count=len(items) - shown)
    return text
