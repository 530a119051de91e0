#!/usr/bin/env bash
# Formats C++ with the house style (.clang-format, clang-format 14: scripts/install-deps.sh --tests).
#   scripts/format.sh                  format the lines changed since HEAD (staged or not)
#   scripts/format.sh --since REF      format the lines changed since REF (e.g. origin/main)
#   scripts/format.sh --check [REF]    print what would change, exit 1 if anything would
#   scripts/format.sh --all            format every tracked .cpp/.h file (the tree was, once, in its
#                                      own commit)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format-14 > /dev/null || ! command -v git-clang-format-14 > /dev/null; then
  echo "format.sh: needs clang-format-14 (scripts/install-deps.sh --tests)" >&2
  exit 2
fi
# A revision git does not know (a typo, or history a shallow clone lacks) is an error, not "nothing
# to format": git clang-format's own error would be lost behind the `|| true` below.
check_revision() {
  git rev-parse --verify -q "$1^{commit}" > /dev/null || { echo "format.sh: unknown revision '$1'" >&2; exit 2; }
}
case "${1:-}" in
  --all)
    git ls-files '*.cpp' '*.h' | xargs clang-format-14 -i --style=file
    ;;
  --check)
    check_revision "${2:-HEAD}"
    diff=$(git clang-format-14 --binary clang-format-14 --diff --quiet "${2:-HEAD}" -- '*.cpp' '*.h' || true)
    if [ -n "$diff" ] && [ "$diff" != "no modified files to format" ] \
       && [ "$diff" != "clang-format did not modify any files" ]; then
      echo "$diff"
      exit 1
    fi
    ;;
  --since)
    check_revision "${2:?--since needs a revision}"
    git clang-format-14 --binary clang-format-14 --quiet "$2" -- '*.cpp' '*.h' || true
    ;;
  "")
    git clang-format-14 --binary clang-format-14 --quiet HEAD -- '*.cpp' '*.h' || true
    ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
