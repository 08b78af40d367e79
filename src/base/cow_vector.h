#pragma once
// A vector whose copies share storage until they are written: the tables of objects the
// kernel allocates (pci_devs, SMMUv3 masters, IOMMU groups, ...), which keep a slot for every
// object ever allocated so that a stale index is still a use after free the checks can see.
// Such tables grow with a run; the System is copied before every interleaved operation (a
// rewind point) and for every state the explorer keeps, and a plain vector made each copy cost
// what the whole run had allocated (issue 16, item 8: stress cost per operation growing with
// the run). Here a copy shares fixed-size chunks; a write through a non-const accessor copies
// the one chunk it lands in if another copy still shares it. Value semantics are unchanged:
// equal contents compare equal whatever is shared, and a write never shows in another copy.
//
// Not thread-safe across copies that share chunks (the model is single-threaded; the explorer
// gives each worker process its own Systems).
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace atslab::base {

template <typename T, size_t ChunkSize = 32>
class CowVector {
  using Chunk = std::vector<T>;  // capacity ChunkSize; every chunk but the last is full

 public:
  using value_type = T;
  using size_type = size_t;
  using reference = T&;
  using const_reference = const T&;

  // Random-access iterators by index: a non-const one writes through operator[], so only the
  // chunks an iteration actually writes stop being shared.
  template <bool Const>
  class Iter {
    using Owner = std::conditional_t<Const, const CowVector, CowVector>;

   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = std::conditional_t<Const, const T&, T&>;
    using pointer = std::conditional_t<Const, const T*, T*>;
    Iter() = default;
    Iter(Owner* v, size_t i) : v_(v), i_(i) {}
    operator Iter<true>() const requires(!Const) { return {v_, i_}; }
    reference operator*() const { return (*v_)[i_]; }
    pointer operator->() const { return &(*v_)[i_]; }
    reference operator[](difference_type n) const { return (*v_)[i_ + n]; }
    Iter& operator++() { return ++i_, *this; }
    Iter operator++(int) { Iter t = *this; ++i_; return t; }
    Iter& operator--() { return --i_, *this; }
    Iter operator--(int) { Iter t = *this; --i_; return t; }
    Iter& operator+=(difference_type n) { return i_ += n, *this; }
    Iter& operator-=(difference_type n) { return i_ -= n, *this; }
    friend Iter operator+(Iter a, difference_type n) { return a += n; }
    friend Iter operator+(difference_type n, Iter a) { return a += n; }
    friend Iter operator-(Iter a, difference_type n) { return a -= n; }
    friend difference_type operator-(const Iter& a, const Iter& b) { return difference_type(a.i_) - difference_type(b.i_); }
    friend bool operator==(const Iter& a, const Iter& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const Iter& a, const Iter& b) { return a.i_ <=> b.i_; }

   private:
    Owner* v_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  CowVector() = default;
  CowVector(std::initializer_list<T> init) {
    for (const T& x : init) push_back(x);
  }
  CowVector(size_t n, const T& v) { resize(n, v); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  const T& operator[](size_t i) const { return (*chunks_[i / ChunkSize])[i % ChunkSize]; }
  T& operator[](size_t i) { return own(i / ChunkSize)[i % ChunkSize]; }
  const T& at(size_t i) const { return (*this)[check(i)]; }
  T& at(size_t i) { return (*this)[check(i)]; }
  const T& front() const { return (*this)[0]; }
  T& front() { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }
  T& back() { return (*this)[size_ - 1]; }

  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }

  void push_back(T v) { emplace_back(std::move(v)); }
  template <typename... A>
  T& emplace_back(A&&... a) {
    if (size_ % ChunkSize == 0) {
      auto c = std::make_shared<Chunk>();
      c->reserve(ChunkSize);
      chunks_.push_back(std::move(c));
    }
    T& x = own(chunks_.size() - 1).emplace_back(std::forward<A>(a)...);
    ++size_;
    return x;
  }
  void pop_back() {
    own(chunks_.size() - 1).pop_back();
    if (--size_ % ChunkSize == 0) chunks_.pop_back();
  }
  void resize(size_t n, const T& v = T()) {
    while (size_ > n) pop_back();
    while (size_ < n) push_back(v);
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }
  void reserve(size_t n) { chunks_.reserve((n + ChunkSize - 1) / ChunkSize); }

  // Chunks shared with `o` are equal without looking inside: comparing a state with the copy it
  // was made from costs what changed since.
  friend bool operator==(const CowVector& a, const CowVector& b) {
    if (a.size_ != b.size_) return false;
    for (size_t c = 0; c < a.chunks_.size(); ++c)
      if (a.chunks_[c] != b.chunks_[c] && *a.chunks_[c] != *b.chunks_[c]) return false;
    return true;
  }

 private:
  size_t check(size_t i) const {
    if (i >= size_) throw std::out_of_range("CowVector::at");
    return i;
  }
  // The chunk, made this copy's own first if another copy shares it.
  Chunk& own(size_t c) {
    auto& p = chunks_[c];
    if (p.use_count() > 1) {
      auto mine = std::make_shared<Chunk>();
      mine->reserve(ChunkSize);
      mine->assign(p->begin(), p->end());
      p = std::move(mine);
    }
    return *p;
  }

  std::vector<std::shared_ptr<Chunk>> chunks_;
  size_t size_ = 0;
};

}  // namespace atslab::base
