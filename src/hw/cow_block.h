#pragma once
// A fixed-size block of plain data (a memory page, a config-space image) held
// copy-on-write, with its content hash cached beside it.
//
// Why: the explorer copies and hashes the whole System for every transition,
// and most of its bytes are pages and config spaces that the transition did not
// touch. Copies of a CowBlock share one immutable block; the first write through
// either copy clones it, so the copies stay independent values (like a COW
// string). This is not a pointer between model objects: no one can reach the
// block except through the handle, and ==, hash and every read see content only.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

namespace atslab::hw {

// XXH3 of `n` bytes: stable across runs and processes (never hashes an address).
uint64_t hash_bytes(const void* p, size_t n);

template <typename T>
class CowBlock {
  // Hashing the object's bytes must mean hashing its value: no padding, no pointers.
  static_assert(std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>);

 public:
  // All-zero until first written, without allocating (most VF slots are never touched).
  const T& get() const { return p_ ? p_->value : zero(); }

  // For writing: clones a block other copies still share, and forgets the cached hash.
  // The reference is good until the next copy of this handle; write through it at once.
  T& mut() {
    if (!p_)
      p_ = std::make_shared<Node>(zero());
    else if (p_.use_count() != 1)
      p_ = std::make_shared<Node>(p_->value);
    else {
      p_->hash.store(0, std::memory_order_relaxed);
      p_->derived.store(kNotDerived, std::memory_order_relaxed);
    }
    return p_->value;
  }

  // Back to all zeros, dropping this handle's share of the block (a page cleared with memset).
  void clear() { p_.reset(); }

  // The content hash, computed at most once per written version. 0 means "not computed";
  // a block whose true hash is 0 is merely rehashed each time.
  uint64_t hash() const {
    if (!p_) return zero_hash();
    uint64_t h = p_->hash.load(std::memory_order_relaxed);
    if (h == 0) {
      h = hash_bytes(&p_->value, sizeof(T));
      p_->hash.store(h, std::memory_order_relaxed);  // benign: any thread stores the same value
    }
    return h;
  }

  // One value derived from the content (e.g. where a capability sits in a config space), cached
  // like the hash: `compute(content)` runs at most once per written version. One slot per block:
  // the owner decides what it means. A never-written (all-zero) block computes every time.
  template <typename F>
  uint32_t derived(F&& compute) const {
    if (!p_) return compute(zero());
    uint32_t d = p_->derived.load(std::memory_order_relaxed);
    if (d == kNotDerived) {
      d = compute(p_->value);
      p_->derived.store(d, std::memory_order_relaxed);  // benign: any thread stores the same value
    }
    return d;
  }

  // By content; one shared block is trivially equal to itself.
  bool operator==(const CowBlock& o) const { return p_ == o.p_ || get() == o.get(); }

 private:
  static constexpr uint32_t kNotDerived = ~uint32_t{0};
  struct Node {
    explicit Node(const T& v) : value(v) {}
    T value;
    std::atomic<uint64_t> hash{0};
    std::atomic<uint32_t> derived{kNotDerived};
  };
  static const T& zero() {
    static const T z{};
    return z;
  }
  static uint64_t zero_hash() {
    static const uint64_t h = hash_bytes(&zero(), sizeof(T));
    return h;
  }
  std::shared_ptr<Node> p_;
};

}  // namespace atslab::hw
