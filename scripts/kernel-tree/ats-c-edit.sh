# Sourced by the scripts beside it that edit drivers/pci/ats.c in a COPY of a
# kernel tree: their shared argument handling, check mode and atomic replace.
#
# ats_c_edit PROGRAM MISSING "$@"
#   PROGRAM: an awk program that prints the edited file, exiting 1 (or ending
#            without the edit) when the tree does not have what it edits;
#   MISSING: what to say when it does not;
#   "$@":    the script's own arguments, [--check] TREE.
# Exit status: 0 done (or, with --check, the edit applies), 1 it does not apply, 2 bad usage.
ats_c_edit() {
  program="$1"
  missing="$2"
  shift 2
  check=0
  if [ "${1:-}" = "--check" ]; then
    check=1
    shift
  fi
  if [ $# -ne 1 ]; then
    echo "usage: $0 [--check] TREE" >&2
    exit 2
  fi
  file="$1/drivers/pci/ats.c"
  if [ ! -f "$file" ]; then
    echo "$0: $file: no such file" >&2
    exit 2
  fi
  tmp="$file.atslab-tmp"
  if ! awk "$program" "$file" > "$tmp"; then
    rm -f "$tmp"
    [ "$check" = 1 ] || echo "$0: $file: $missing" >&2
    exit 1
  fi
  if [ "$check" = 1 ]; then
    rm -f "$tmp"
    exit 0
  fi
  mv "$tmp" "$file"
}
