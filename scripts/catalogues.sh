#!/bin/sh
# The gettext catalogues (bot/locale), with Babel's pybabel (README: "Adding a language").
#   scripts/catalogues.sh extract       the .pot from the code, then every .po updated from it
#   scripts/catalogues.sh init <lang>   a new language's .po (e.g. ga, pl)
#   scripts/catalogues.sh compile       every .po compiled to its .mo (committed; a test checks)
set -eu
cd "$(dirname "$0")/.."
LOCALE=bot/locale
case "${1:-}" in
extract)
    pybabel extract -F babel.cfg -k _n:1,2 -k N_ -w 100 --sort-by-file \
        --project=peerbot --copyright-holder="peerbot contributors" \
        --msgid-bugs-address="" -o "$LOCALE/messages.pot" .
    if ls "$LOCALE"/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then
        pybabel update -i "$LOCALE/messages.pot" -d "$LOCALE" -D messages -w 100 \
            --ignore-obsolete --no-fuzzy-matching
    fi
    ;;
init)
    pybabel init -i "$LOCALE/messages.pot" -d "$LOCALE" -D messages -w 100 -l "${2:?a language code, e.g. ga}"
    ;;
compile)
    pybabel compile -d "$LOCALE" -D messages --statistics
    ;;
*)
    echo "usage: $0 extract | init <lang> | compile" >&2
    exit 2
    ;;
esac
