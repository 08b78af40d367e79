#include "check/hitless.h"

#include <fmt/format.h>

#include <algorithm>

namespace atslab::check {

const char* behaves_name(Behaves b) {
  switch (b) {
    case Behaves::Old: return "old";
    case Behaves::New: return "new";
    case Behaves::OldAndNew: return "old and new";
    case Behaves::Invalid: return "invalid";
    case Behaves::Neither: return "neither";
  }
  return "?";
}

namespace {

struct Judge {
  EntryKind kind;
  Behaviour old_b, new_b;
  HitlessOptions opts;

  Behaves judge(const Entry& e, bool& ats_differs) const {
    const Behaviour b = entry_behaviour(kind, e);
    ats_differs = false;
    const bool as_old = b == old_b, as_new = b == new_b;
    if (as_old && as_new) return Behaves::OldAndNew;
    if (as_old) return Behaves::Old;
    if (as_new) return Behaves::New;
    if (b.invalid) return Behaves::Invalid;
    if (opts.ats_quiescent) {
      const bool ats_old = same_except_ats(b, old_b), ats_new = same_except_ats(b, new_b);
      if (ats_old || ats_new) {
        ats_differs = true;
        return ats_old && ats_new ? Behaves::OldAndNew : ats_old ? Behaves::Old : Behaves::New;
      }
    }
    return Behaves::Neither;
  }

  std::string why(const Entry& e) const {
    const Behaviour b = entry_behaviour(kind, e);
    auto list = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
      return s;
    };
    return fmt::format("{} (differs from the old entry in {}; from the new entry in {})", b.summary,
                       list(differing_fields(b, old_b)), list(differing_fields(b, new_b)));
  }
};

std::string entry_hex(const Entry& e) {
  std::string s;
  for (uint64_t q : e) s += fmt::format("{}{:#018x}", s.empty() ? "" : ",", q);
  return s;
}

}  // namespace

HitlessVerdict check_hitless(EntryKind kind, const Entry& old_entry, const Entry& new_entry,
                             const std::vector<ObservedStore>& stores, bool declared_breaking,
                             const HitlessOptions& opts) {
  const Judge j{kind, entry_behaviour(kind, old_entry), entry_behaviour(kind, new_entry), opts};
  HitlessVerdict v;
  auto fail = [&](std::string msg) {
    if (v.ok) v.message = std::move(msg);
    v.ok = false;
  };
  auto acceptable = [&](Behaves b) { return b != Behaves::Neither && (b != Behaves::Invalid || declared_breaking); };
  const std::string ent = kind == EntryKind::Ste ? "STE" : "CD";

  // 1. The entry after every single store.
  Entry cur = old_entry;
  for (unsigned i = 0; i < stores.size(); i++) {
    cur[stores[i].qword] = stores[i].value;
    StoreJudgement sj{i + 1, stores[i].qword, stores[i].value, cur, Behaves::Neither, false};
    sj.behaves = j.judge(cur, sj.ats_differs);
    if (sj.behaves == Behaves::Invalid) v.passed_through_invalid = true;
    if (!acceptable(sj.behaves))
      fail(fmt::format("store {} (qword {} = {:#018x}) left an {} that behaves as {}: {}", i + 1, sj.qword, sj.value,
                       ent, sj.behaves == Behaves::Invalid ? "invalid entry in an update not declared breaking"
                                                           : "neither the old nor the new entry",
                       j.why(cur)));
    v.stores.push_back(sj);
  }
  bool final_ats_differs = false;
  const Behaves final_b = j.judge(cur, final_ats_differs);
  if (v.ok && ((final_b != Behaves::New && final_b != Behaves::OldAndNew) || final_ats_differs))
    fail(fmt::format("the update ends in an {} that does not behave as the new entry: {}", ent, j.why(cur)));

  // 2. Torn fetches: per sync window, every per-qword mix of the values seen.
  Entry start = old_entry;
  size_t first = 0;
  while (first < stores.size() && v.ok) {
    size_t last = first;
    while (last + 1 < stores.size() && !stores[last].sync_after) last++;
    std::array<std::vector<uint64_t>, hw::smmuv3::kEntryQwords> seen;
    for (unsigned q = 0; q < seen.size(); q++) seen[q].push_back(start[q]);
    Entry end = start;
    for (size_t k = first; k <= last; k++) {
      auto& s = seen[stores[k].qword];
      if (std::find(s.begin(), s.end(), stores[k].value) == s.end()) s.push_back(stores[k].value);
      end[stores[k].qword] = stores[k].value;
    }
    std::array<size_t, hw::smmuv3::kEntryQwords> pick{};
    for (;;) {
      Entry mix{};
      for (unsigned q = 0; q < mix.size(); q++) mix[q] = seen[q][pick[q]];
      v.torn_fetches_checked++;
      bool ats_differs = false;
      const Behaves b = j.judge(mix, ats_differs);
      if (!acceptable(b)) {
        fail(fmt::format("a fetch torn across stores {}..{} could read {} = {} that behaves as {}: {}", first + 1,
                         last + 1, ent, entry_hex(mix),
                         b == Behaves::Invalid ? "an invalid entry in an update not declared breaking"
                                               : "neither the old nor the new entry",
                         j.why(mix)));
        break;
      }
      unsigned q = 0;
      while (q < pick.size() && ++pick[q] == seen[q].size()) pick[q++] = 0;
      if (q == pick.size()) break;
    }
    start = end;
    first = last + 1;
  }
  return v;
}

}  // namespace atslab::check
