# Sourced by the scripts beside it that edit drivers/pci/ats.c alone in a COPY of
# a kernel tree (tree-edit.sh does the work).
#
# ats_c_edit PROGRAM MISSING "$@"
#   PROGRAM: an awk program that prints the edited file, exiting 1 (or ending
#            without the edit) when the tree does not have what it edits;
#   MISSING: what to say when it does not;
#   "$@":    the script's own arguments, [--check] TREE.
# Exit status: 0 done (or, with --check, the edit applies), 1 it does not apply, 2 bad usage.
. "$(dirname "$0")/tree-edit.sh"

ats_c_edit() {
  program="$1"
  missing="$2"
  shift 2
  tree_edit_begin "$@"
  tree_edit drivers/pci/ats.c "$program" "$missing"
  tree_edit_end
}
