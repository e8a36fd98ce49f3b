#!/usr/bin/env bash
# System packages xxgk needs beyond Python wheels, installed only when missing (Debian/Ubuntu).
#   LibreOffice (headless)  DOC/WPS/RTF → DOCX conversion; the generated Word/PDF test corpus
#   Noto CJK fonts           rendering Chinese text in generated PDFs and scans
#   Chromium                 the audit page is checked in a real headless browser
# Set XXGK_NO_SYSDEPS=1 to skip (then the affected formats report a clear error row instead).
set -euo pipefail
[ "${XXGK_NO_SYSDEPS:-0}" = "1" ] && exit 0
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: please install: ${need[*]} (no apt-get here)" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "sysdeps: installing ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
