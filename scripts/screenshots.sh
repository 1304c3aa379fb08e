#!/usr/bin/env bash
# Captures the desktop app's main screens into docs/screenshots/, in English, and the
# login, dashboard, a patient, the point of sale and the sales journal in Armenian.
#
# It builds dermis-node, makes a demo data dir (with three photos), starts Xvfb, then for
# each screen runs the real window with development switches read at start-up:
#   DERMIS_GUI_LOGIN=user:password   sign in at start (demo staff: admin, doctor, nurse,
#                                    reception, cashier; password dermis-demo)
#   DERMIS_GUI_SCREEN=name           dashboard, patients, appointments, patient, encounter,
#                                    photos, pos, journal, sale (the journal with a refunded
#                                    sale open), shift, products, sync, conflicts, settings, lock,
#                                    compare (the photos comparing the part with most photos)
#   DERMIS_GUI_READY_FILE=path       written once that screen is drawn with its data
# and captures the display with ImageMagick's `import` once the ready file appears.
#
# Needs: Xvfb, xdotool, x11-utils and ImageMagick (installed with apt-get when missing).
# Settings: DISPLAY_NUMBER (default 99), CARGO_TARGET_DIR (honoured), DEADLINE seconds
# per screen (default 120), ONLY="patients pos" to retake some screens only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/docs/screenshots"
DISPLAY_NUMBER=${DISPLAY_NUMBER:-99}
DEADLINE=${DEADLINE:-120}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
PASSWORD=dermis-demo

need_tools() {
    for tool in Xvfb xdotool xwininfo import identify compare convert; do
        command -v "$tool" >/dev/null 2>&1 || return 1
    done
}

if ! need_tools; then
    echo "installing Xvfb, xdotool, x11-utils and ImageMagick" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y xvfb x11-utils imagemagick xdotool ||
        { $SUDO apt-get update && $SUDO apt-get install -y xvfb x11-utils imagemagick xdotool; }
fi

echo "building dermis-node" >&2
cargo build --manifest-path "$ROOT/Cargo.toml" -p dermis-node --bin dermis-node
BIN="$TARGET_DIR/debug/dermis-node"

WORK=$(mktemp -d)
DATA="$WORK/data"
EMPTY="$WORK/empty"
XVFB_PID=""
APP_PID=""
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Waits until the command succeeds, polling, for at most DEADLINE seconds.
wait_for() {
    local what=$1
    shift
    local until=$((SECONDS + DEADLINE))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$until" ]; then
            echo "timed out waiting for $what" >&2
            return 1
        fi
        sleep 0.2
    done
}

echo "making the demo clinic" >&2
"$BIN" --data-dir "$DATA" init --clinic-name "Clinique Dermis" --node-name "Front desk" >/dev/null
"$BIN" --data-dir "$DATA" demo --patients 150 --sales 300 >/dev/null
# The demo made staff users, so from here on the command line signs in (as its admin).
export DERMIS_USER=admin DERMIS_PASSWORD="$PASSWORD"
# The gallery needs pictures: two made up by ImageMagick, added to the first patient.
PATIENT=$("$BIN" --data-dir "$DATA" patient search a --limit 1 --json |
    grep -o '"id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
convert -size 1200x900 plasma:tan-pink -blur 0x6 "$WORK/lesion-1.jpg"
convert -size 900x1200 radial-gradient:sienna-wheat -swirl 120 "$WORK/lesion-2.png"
"$BIN" --data-dir "$DATA" photo add --patient "$PATIENT" --file "$WORK/lesion-1.jpg" \
    --body-part forearm --tag nevus --tag dermoscopy >/dev/null
"$BIN" --data-dir "$DATA" photo add --patient "$PATIENT" --file "$WORK/lesion-2.png" \
    --body-part upper_back --tag follow-up >/dev/null
# A second forearm photo, linked to the patient's newest visit when there is one: the
# body map counts it and the comparison shows the forearm over time.
VISIT=$("$BIN" --data-dir "$DATA" encounter list --patient "$PATIENT" --json |
    grep -o '"id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/' || true)
LINK=()
[ -n "$VISIT" ] && LINK=(--encounter "$VISIT")
convert -size 1200x900 plasma:wheat-rosybrown -blur 0x5 -fill sienna -draw "circle 640,430 700,470" \
    "$WORK/lesion-3.jpg"
"$BIN" --data-dir "$DATA" photo add --patient "$PATIENT" --file "$WORK/lesion-3.jpg" \
    --body-part forearm --tag nevus --tag follow-up "${LINK[@]}" >/dev/null

# What receipts print, and the till's shifts: one closed (counted a little short) and
# one open since, with sales, a pay-in and a pay-out, for the Shift screen and the till.
node() { "$BIN" --data-dir "$DATA" "$@" >/dev/null; }
node clinic set --legal-name "Clinique Dermis SARL" --address "12 rue de la Paix, 75002 Paris" \
    --tax-id FR12345678901 --phone "+33 1 23 45 67 89"
SKUS=$("$BIN" --data-dir "$DATA" product list --json |
    grep -o '"sku": *"[^"]*"' | head -n 3 | sed 's/.*"\([^"]*\)"$/\1/')
node shift open --float 150
for sku in $SKUS; do node sale add --item "$sku:1" --pay cash:500; done
node shift pay-out --amount 12.40 --reason "Stamps for the post"
EXPECTED=$("$BIN" --data-dir "$DATA" shift report --json | grep -o '"expected_cash": *[0-9-]*' | grep -o '[0-9-]*$')
node shift close --counted "$(( (EXPECTED - 250) / 100 )).$(printf '%02d' $(( (EXPECTED - 250) % 100 )))"
node shift open --float 200
for sku in $SKUS; do node sale add --item "$sku:2" --pay cash:1000; done
node shift pay-in --amount 50 --reason "Change from the bank"
# Today at the till, for the sales journal: sales (two to patients), a refund and a void,
# each with its reason.
BUYER=$("$BIN" --data-dir "$DATA" patient search e --limit 2 --json |
    grep -o '"id": *"[^"]*"' | sed -n 2p | sed 's/.*"\([^"]*\)"$/\1/')
T1=$("$BIN" --data-dir "$DATA" sale add --item SPF50-50:2 --item CLN-GEL-200:1 --pay cash:60 --patient "$PATIENT")
T2=$("$BIN" --data-dir "$DATA" sale add --item SPF30-100:1 --pay card:15.90)
"$BIN" --data-dir "$DATA" sale add --item MST-LIGHT-40:1 --pay card:22.90 >/dev/null
"$BIN" --data-dir "$DATA" sale add --item EMO-BALM-400:2 --pay card:20 --pay cash:19.80 --patient "$BUYER" >/dev/null
"$BIN" --data-dir "$DATA" sale refund "$T1" --item SPF50-50:1 --method cash \
    --reason "Allergic reaction, jar unopened" >/dev/null
"$BIN" --data-dir "$DATA" sale void "$T2" --reason "Rung up twice" >/dev/null

echo "starting Xvfb on :$DISPLAY_NUMBER" >&2
# -noreset: the server would otherwise reset whenever the last window closes.
Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x800x24 -nolisten tcp -noreset >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=":$DISPLAY_NUMBER"
wait_for "the X server" xwininfo -root

# captured FILE: takes a screenshot into FILE and succeeds when it is not blank and the
# same as the one before (the window has finished drawing what it was told to).
captured() {
    local previous="$1.previous.png"
    [ -f "$1" ] && mv "$1" "$previous"
    import -display "$DISPLAY" -window root "$1" &&
        [ "$(identify -format '%k' "$1")" -gt 1 ] &&
        [ -f "$previous" ] &&
        [ "$(compare -metric AE "$1" "$previous" null: 2>&1)" = "0" ] &&
        rm -f "$previous"
}

# shot NAME DATA_DIR LOCALE LOGIN SCREEN
shot() {
    local name=$1 data=$2 locale=$3 login=$4 screen=$5
    case " ${ONLY:-$name} " in *" $name "*) ;; *) return 0 ;; esac
    local ready="$WORK/ready-$name"
    rm -f "$ready"
    DERMIS_GUI_LOGIN="$login" DERMIS_GUI_SCREEN="$screen" DERMIS_GUI_READY_FILE="$ready" \
        "$BIN" --data-dir "$data" --locale "$locale" >"$WORK/$name.log" 2>&1 &
    APP_PID=$!
    wait_for "the Dermis window ($name)" xdotool search --name '^Dermis$'
    wait_for "the $name screen" test -f "$ready"
    rm -f "$OUT/$name.png" "$OUT/$name.png.previous.png"
    # The first frames of a new window may not be on the display yet: capture until
    # the picture is more than one flat colour.
    wait_for "the $name screen on the display" captured "$OUT/$name.png"
    kill "$APP_PID"
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
    echo "  $OUT/$name.png" >&2
}

mkdir -p "$OUT"
echo "capturing" >&2
shot first-run "$EMPTY" en "" ""
shot login "$DATA" en "" ""
shot dashboard "$DATA" en "admin:$PASSWORD" dashboard
shot patients "$DATA" en "reception:$PASSWORD" patients
shot appointments "$DATA" en "reception:$PASSWORD" appointments
shot patient "$DATA" en "doctor:$PASSWORD" patient
shot encounter "$DATA" en "doctor:$PASSWORD" encounter
shot photos "$DATA" en "doctor:$PASSWORD" photos
shot photos-compare "$DATA" en "doctor:$PASSWORD" compare
shot pos "$DATA" en "cashier:$PASSWORD" pos
shot shift "$DATA" en "cashier:$PASSWORD" shift
shot journal "$DATA" en "cashier:$PASSWORD" journal
shot sale "$DATA" en "cashier:$PASSWORD" sale
shot products "$DATA" en "admin:$PASSWORD" products
shot sync "$DATA" en "admin:$PASSWORD" sync
shot conflicts "$DATA" en "admin:$PASSWORD" conflicts
shot settings "$DATA" en "admin:$PASSWORD" settings
shot lock "$DATA" en "doctor:$PASSWORD" lock
shot login-hy "$DATA" hy "" ""
shot dashboard-hy "$DATA" hy "admin:$PASSWORD" dashboard
shot patient-hy "$DATA" hy "doctor:$PASSWORD" patient
shot pos-hy "$DATA" hy "cashier:$PASSWORD" pos
shot shift-ru "$DATA" ru "cashier:$PASSWORD" shift
shot journal-hy "$DATA" hy "cashier:$PASSWORD" journal
shot dashboard-ru "$DATA" ru "admin:$PASSWORD" dashboard
shot appointments-fr "$DATA" fr "reception:$PASSWORD" appointments
echo "done" >&2
