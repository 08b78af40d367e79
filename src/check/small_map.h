#pragma once
// A map for the handful of keys a check tracks per call (devices, StreamIDs,
// SMMUs): pairs kept in insertion order in an inline buffer, spilling to the
// heap past kInline, found by a linear scan.
//
// Why: check_history runs for every transition the explorer makes, and its
// std::maps allocated a node for every key they met. With the few keys a
// model holds, a scan of an inline array costs less than one allocation.
// A long stress run's history cursor meets thousands of devices, though: past
// kIndexAfter spilled keys a hash index finds them instead of the scan.
#include <algorithm>
#include <array>
#include <cstddef>
#include <unordered_map>
#include <utility>
#include <vector>

namespace atslab::check {

template <typename K, typename V, size_t kInline = 16>
class SmallMap {
 public:
  // The value for `k`, value-initialised on first use (as std::map::operator[]).
  V& operator[](const K& k) {
    if (V* v = find(k)) return *v;
    if (n_ < kInline) {
      inline_[n_] = {k, V{}};
      return inline_[n_++].value;
    }
    ++n_;
    spill_.push_back(Entry{k, V{}});
    if (!index_.empty()) index_.emplace(k, spill_.size() - 1);
    else if (spill_.size() > kIndexAfter)
      for (size_t i = 0; i < spill_.size(); ++i) index_.emplace(spill_[i].key, i);
    return spill_.back().value;
  }
  const V* find(const K& k) const {
    for (size_t i = 0; i < std::min(n_, kInline); ++i)
      if (inline_[i].key == k) return &inline_[i].value;
    if (!index_.empty()) {
      auto it = index_.find(k);
      return it == index_.end() ? nullptr : &spill_[it->second].value;
    }
    for (const auto& e : spill_)
      if (e.key == k) return &e.value;
    return nullptr;
  }
  V* find(const K& k) { return const_cast<V*>(std::as_const(*this).find(k)); }
  bool contains(const K& k) const { return find(k) != nullptr; }

  // The entries in ascending key order (std::map's iteration order, which reports rely on).
  std::vector<std::pair<K, V>> sorted() const {
    std::vector<std::pair<K, V>> all;
    for (size_t i = 0; i < std::min(n_, kInline); ++i) all.emplace_back(inline_[i].key, inline_[i].value);
    for (const auto& e : spill_) all.emplace_back(e.key, e.value);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return all;
  }

  SmallMap() = default;
  // Only the entries in use are copied (the rest of the inline buffer is never read).
  SmallMap(const SmallMap& o) : spill_(o.spill_), index_(o.index_), n_(o.n_) {
    std::copy_n(o.inline_.begin(), std::min(n_, kInline), inline_.begin());
  }
  SmallMap& operator=(const SmallMap& o) {
    spill_ = o.spill_;
    index_ = o.index_;
    n_ = o.n_;
    std::copy_n(o.inline_.begin(), std::min(n_, kInline), inline_.begin());
    return *this;
  }

 private:
  // No initialisers: a map is built for every check, and entries past n_ are never read.
  struct Entry {
    K key;
    V value;
  };
  static constexpr size_t kIndexAfter = 32;
  std::array<Entry, kInline> inline_;
  std::vector<Entry> spill_;
  std::unordered_map<K, size_t> index_;  // spilled key -> its position in spill_, once there are many
  size_t n_ = 0;
};

}  // namespace atslab::check
