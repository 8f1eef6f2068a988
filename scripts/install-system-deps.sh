#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the book needs beyond Python.
#   (no option)  Graphviz, for the diagrams (HTML and PDF)
#   --tex        XeLaTeX, latexmk, fonts and xindy, for the PDF
#   --epub       LaTeX, dvisvgm and epubcheck (with Java), for the EPUB's math and its check
#   --npm        npm, to fetch the pinned MathJax once (only where npm is missing)
#   --browser    Chromium and Poppler, to look at rendered pages and PDF pages
# Uses sudo when not run as root. Packages are installed without recommends to stay small.
set -euo pipefail
packages=(graphviz)
for arg in "$@"; do
  case "$arg" in
    --tex) packages+=(texlive-xetex latexmk texlive-fonts-recommended fonts-freefont-otf xindy) ;;
    --epub) packages+=(texlive-latex-extra dvisvgm epubcheck default-jre-headless) ;;
    --npm) packages+=(npm) ;;
    --browser) packages+=(chromium poppler-utils) ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done
if ! command -v apt-get > /dev/null; then
  echo "This script installs Debian/Ubuntu packages; install these by hand: ${packages[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null
echo "Installed: ${packages[*]}"
