# Sourced by the scripts beside it that edit files of a COPY of a kernel tree
# (drivers/pci/ats.c, the SMMUv3 driver, its header): their shared argument
# handling, check mode and replace. A script stages one edit per file, then
# either discards them all (--check, or any edit that does not apply) or puts
# each edited file in place of its original (mv: atomic per file).
#
#   tree_edit_begin "$@"             the script's own arguments, [--check] TREE
#   tree_edit FILE PROGRAM MISSING   FILE: a path in the tree; PROGRAM: an awk program
#                                    that prints the edited file, exiting 1 (or ending
#                                    without the edit) when the file does not have what
#                                    it edits; MISSING: what to say then. A second edit
#                                    of the same FILE reads the first one's result.
#   tree_edit_end                    --check: discard, exit 0; otherwise replace.
# Exit status: 0 done (or, with --check, every edit applies), 1 one does not apply, 2 bad usage.
tree_edit_begin() {
  tree_edit_check=0
  if [ "${1:-}" = "--check" ]; then
    tree_edit_check=1
    shift
  fi
  if [ $# -ne 1 ]; then
    echo "usage: $0 [--check] TREE" >&2
    exit 2
  fi
  tree_edit_root="$1"
  tree_edit_staged=""
}

tree_edit_discard() {
  for f in $tree_edit_staged; do rm -f "$tree_edit_root/$f.atslab-tmp"; done
  tree_edit_staged=""
}

tree_edit() {
  file="$tree_edit_root/$1"
  if [ ! -f "$file" ]; then
    tree_edit_discard
    echo "$0: $file: no such file" >&2
    exit 2
  fi
  tmp="$file.atslab-tmp"
  in="$file"
  case " $tree_edit_staged " in
    *" $1 "*) in="$tmp.in"; mv "$tmp" "$in" ;;
    *) tree_edit_staged="$tree_edit_staged $1" ;;
  esac
  if ! awk "$2" "$in" > "$tmp"; then
    [ "$in" = "$file" ] || rm -f "$in"
    tree_edit_discard
    [ "$tree_edit_check" = 1 ] || echo "$0: $file: $3" >&2
    exit 1
  fi
  [ "$in" = "$file" ] || rm -f "$in"
}

tree_edit_end() {
  if [ "$tree_edit_check" = 1 ]; then
    tree_edit_discard
    exit 0
  fi
  for f in $tree_edit_staged; do mv "$tree_edit_root/$f.atslab-tmp" "$tree_edit_root/$f"; done
}
