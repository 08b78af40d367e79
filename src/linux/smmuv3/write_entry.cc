#include "linux/smmuv3/write_entry.h"

#include <bit>

namespace atslab::smmuv3 {

Entry EntryWriter::read_entry() const {
  Entry e{};
  for (unsigned i = 0; i < kEntryQwords; i++) e[i] = read_qword(i);
  return e;
}

const char* write_path_name(WritePath p) {
  switch (p) {
    case WritePath::NoUsedBitChange: return "no used-bit change";
    case WritePath::Hitless: return "hitless";
    case WritePath::Breaking: return "breaking";
  }
  return "?";
}

uint8_t entry_qword_diff(const EntryWriter& writer, const Entry& entry, const Entry& target,
                         Entry& unused_update, bool* target_sets_unused_bits) {
  Entry cur_used = writer.get_used(entry);
  const Entry target_used = writer.get_used(target);
  Entry safe = writer.get_update_safe(entry, target);
  uint8_t critical = 0;
  for (unsigned i = 0; i < kEntryQwords; i++) {
    // A safe bit only matters while both entries use it; treated as unused, it moves early.
    safe[i] &= target_used[i] & cur_used[i];
    // The kernel WARNs here and keeps going.
    if ((target[i] & ~target_used[i]) && target_sets_unused_bits) *target_sets_unused_bits = true;
    cur_used[i] &= ~safe[i];
    unused_update[i] = (entry[i] & cur_used[i]) | (target[i] & ~cur_used[i]);
    if ((unused_update[i] & target_used[i]) != target[i]) critical |= uint8_t(1u << i);
  }
  return critical;
}

namespace {

// entry_set: stores only the qwords that differ, then one sync if any did.
bool entry_set(EntryWriter& w, const Entry& from, unsigned start, unsigned len, std::string what,
               WriteReport& rep) {
  bool changed = false;
  for (unsigned i = start; i < start + len; i++) {
    if (w.read_qword(i) != from[i]) {
      w.write_qword(i, from[i]);
      changed = true;
    }
  }
  if (changed) {
    w.sync();
    rep.syncs++;
  }
  rep.steps.push_back({std::move(what), w.read_entry(), changed});
  return changed;
}

}  // namespace

WriteReport write_entry(EntryWriter& w, const Entry& target) {
  WriteReport rep;
  const Entry entry = w.read_entry();
  rep.critical_qwords = entry_qword_diff(w, entry, target, rep.unused_update, &rep.target_sets_unused_bits);
  const int ncritical = std::popcount(rep.critical_qwords);

  if (ncritical == 1) {
    rep.path = WritePath::Hitless;
    const unsigned c = unsigned(std::countr_zero(rep.critical_qwords));
    // Unused bits first, the critical qword untouched; then the one atomic
    // store that switches behaviour; then the leftovers the new entry ignores.
    Entry staged = rep.unused_update;
    staged[c] = entry[c];
    entry_set(w, staged, 0, kEntryQwords, "unused_update, critical qword kept", rep);
    Entry crit = staged;
    crit[c] = target[c];
    entry_set(w, crit, c, 1, "critical qword " + std::to_string(c) + " = target", rep);
    entry_set(w, target, 0, kEntryQwords, "all qwords = target", rep);
  } else if (ncritical > 1) {
    rep.path = WritePath::Breaking;
    // More than one qword must change atomically, which 64-bit stores cannot
    // do: make the entry invalid, fill it, then make it valid again.
    Entry v0 = entry;
    v0[0] = 0;
    entry_set(w, v0, 0, 1, "qword 0 = 0 (V=0)", rep);
    entry_set(w, target, 1, kEntryQwords - 1, "qwords 1..7 = target", rep);
    entry_set(w, target, 0, 1, "qword 0 = target", rep);
  } else {
    rep.path = WritePath::NoUsedBitChange;
    entry_set(w, target, 0, kEntryQwords, "all qwords = target", rep);
  }
  return rep;
}

}  // namespace atslab::smmuv3
